"""Background jobs as rows: opening one (or finding the same one already waiting), its
progress, and running it. Who runs it — an RQ worker or the web process after the
response — is quizapp.background's business; both call `run_job`, which commits through
the `commit` it is given so that progress is visible while the job runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import Course, Job, MemoryParameters, User
from quizapp.services import memory_optimizer

FSRS_FIT = "fsrs_fit"
# A job queued or running for longer than this was lost (a worker killed mid-job): it no
# longer stops the same work from being asked for again.
STALE_AFTER = timedelta(hours=1)


class JobError(Exception):
    """A job that cannot be opened or run; the message is for the person who asked."""


def active_key(kind: str, target: dict[str, Any]) -> str:
    """What makes two jobs the same work: targets compare as values, whatever their key order."""
    return f"{kind}:{json.dumps(target, sort_keys=True, separators=(',', ':'))}"


def active_job(session: Session, kind: str, target: dict[str, Any]) -> Job | None:
    """The same work already queued or running."""
    return session.scalar(sa.select(Job).where(Job.active_key == active_key(kind, target)))


def open_job(
    session: Session,
    kind: str,
    target: dict[str, Any],
    now: datetime,
    requested_by: int | None = None,
) -> tuple[Job, bool]:
    """A new queued job, or (False) the same one already waiting: asking twice runs once,
    even when two requests ask at the same moment (the unique active key decides)."""
    if kind not in RUNNERS:
        raise JobError(f"unknown job kind {kind!r}")
    key = active_key(kind, target)
    session.execute(  # a lost job (its worker killed) stops blocking the same work
        sa.update(Job)
        .where(Job.active_key == key, Job.created_at < now - STALE_AFTER)
        .values(active_key=None)
    )
    waiting = active_job(session, kind, target)
    if waiting is not None:
        return waiting, False
    job = Job(
        kind=kind, target=dict(target), requested_by=requested_by, created_at=now, active_key=key
    )
    try:
        with session.begin_nested():
            session.add(job)
    except sa.exc.IntegrityError:  # another request opened it after our read
        return active_job(session, kind, target), False
    return job, True


def latest_job(session: Session, kind: str, target: dict[str, Any]) -> Job | None:
    rows = session.scalars(sa.select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(50))
    return next((job for job in rows if job.target == target), None)


def run_job(
    session: Session,
    job_id: int,
    now: Callable[[], datetime],
    settings: dict[str, Any],
    commit: Callable[[], None],
) -> Job:
    """Run a queued job to its end: running → finished (with its result) or failed (with
    the reason). A job that is not queued any more (run twice by mistake) is left alone."""
    job = session.get(Job, job_id)
    if job is None:
        raise JobError(f"no job {job_id}")
    # The status read above may be stale (two workers given the same job): the claim is
    # the write's own condition, as the transaction rule in quizapp.database asks.
    claimed = session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(job)
    if not claimed:
        return job
    commit()
    try:
        job.result = RUNNERS[job.kind](session, job, now, settings, commit)
        job.status = "finished"
    except Exception as error:  # the job's row must say why, whatever went wrong
        session.rollback()
        job = session.get(Job, job_id)
        job.status, job.message = "failed", f"{type(error).__name__}: {error}"[:500]
    job.finished_at, job.active_key = now(), None
    commit()
    return job


# --- fitting FSRS parameters -----------------------------------------------------------------


def fit_targets_of(session: Session, target: dict[str, Any]) -> list[memory_optimizer.Target]:
    """{"user_id": id} → that learner; {"course_id": id} → that course; {"all": true} →
    every course, then every learner."""
    if target.get("all"):
        return memory_optimizer.all_targets(session)
    if "user_id" in target:
        user = session.get(User, target["user_id"])
        if user is None:
            raise JobError("no such account")
        return [memory_optimizer.learner_target(user)]
    course = session.get(Course, target.get("course_id"))
    if course is None:
        raise JobError("no such course")
    return [memory_optimizer.course_target(course)]


def _run_fsrs_fit(session, job, now, settings, commit) -> dict[str, Any]:
    targets = fit_targets_of(session, job.target)
    job.total, job.done = len(targets), 0
    commit()

    def advance(done: int, total: int, outcome) -> None:
        job.done, job.message = done, f"{outcome.kind} {outcome.label}: {outcome.status}"
        commit()  # each fit is kept, and the page sees the progress

    outcomes = memory_optimizer.fit_targets(
        session, targets, now(), min_reviews=settings["FSRS_MIN_REVIEWS"], progress=advance
    )
    return {"outcomes": [outcome.as_dict() for outcome in outcomes]}


RUNNERS: dict[str, Callable[..., dict[str, Any]]] = {FSRS_FIT: _run_fsrs_fit}


# --- the automatic refit ---------------------------------------------------------------------


def refit_is_due(session: Session, user_id: int, every: int) -> bool:
    """Whether the learner made `every` reviews since their parameters were last fitted.
    Asked after every response that logged reviews (quizapp.background), so in one
    statement of two indexed lookups rather than the learner's parameters row as an
    object and then their count."""
    if every <= 0:
        return False
    return session.execute(_REVIEWS_SINCE_FIT, {"user_id": user_id}).scalar_one() >= every


_REVIEWS_SINCE_FIT = sa.select(
    memory_optimizer.reviews_counted(sa.bindparam("user_id"))
    - sa.func.coalesce(
        sa.select(MemoryParameters.reviews_at_fit)
        .where(MemoryParameters.user_id == sa.bindparam("user_id"))
        .scalar_subquery(),
        0,
    )
)
