"""Where jobs run: on an RQ queue in Redis when JOBS_REDIS_URL (REDIS_URL) is set, served by
`quizapp worker`; otherwise in the web process once the response has been sent (or at once
from the command line). Either way a request only opens the job's row, and the job's
progress is that row (quizapp.services.jobs).

Also the automatic refit: a transaction that logged reviews notes its learners in
`session.info` (quizapp.services.memory_parameters.NEW_REVIEWS); after it commits, a
learner with FSRS_REFIT_EVERY reviews since their last fit gets a fitting job."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, after_this_request, current_app, g, has_app_context, has_request_context
from flask.cli import AppGroup, with_appcontext

from quizapp import clock
from quizapp.extensions import db
from quizapp.models import Job
from quizapp.services import jobs
from quizapp.services.memory_parameters import NEW_REVIEWS

log = logging.getLogger(__name__)
SETTINGS = ("FSRS_MIN_REVIEWS",)


def init_app(app: Flask) -> None:
    """Listen for committed reviews once per process (the listener is global to sessions;
    it acts only inside a request of an app)."""
    if not sa.event.contains(sa.orm.Session, "after_commit", _after_commit):
        sa.event.listen(sa.orm.Session, "after_commit", _after_commit)
        sa.event.listen(sa.orm.Session, "after_rollback", _after_rollback)


# --- asking for work -------------------------------------------------------------------------


def request_job(kind: str, target: dict[str, Any], requested_by: int | None = None) -> Job:
    """Open the job (or find the same one waiting), commit it, and hand it to a runner."""
    job, created = jobs.open_job(db.session, kind, target, clock.now(), requested_by)
    job_id = job.id  # read before the commit expires it: no new transaction is begun
    db.session.commit()
    if created:
        dispatch(job_id)
    return job


def dispatch(job_id: int) -> None:
    app = current_app._get_current_object()
    url = app.config.get("JOBS_REDIS_URL")
    if url:
        try:
            _queue(app).enqueue(
                "quizapp.background.perform", job_id, job_timeout=app.config["JOBS_TIMEOUT"]
            )
            return
        except Exception as error:  # Redis down: the work is still done, here
            log.warning("job %s runs in-process: the queue is unreachable (%s)", job_id, error)
    if has_request_context():
        # After the response: the learner never waits for the fit.
        @after_this_request
        def _later(response):
            response.call_on_close(lambda: run_in_app(app, job_id))
            return response
    else:
        run_in_app(app, job_id)


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(app.config["JOBS_REDIS_URL"], socket_connect_timeout=1)
    return Queue(app.config["JOBS_QUEUE"], connection=connection)


def run_in_app(app: Flask, job_id: int) -> None:
    """Run the job in its own app context (its own session), whatever context called."""
    with app.app_context():
        try:
            jobs.run_job(db.session, job_id, clock.now, _settings(app), db.session.commit)
        finally:
            db.session.remove()


def perform(job_id: int) -> None:
    """The RQ entry point (`quizapp worker` runs it inside the app's context)."""
    if has_app_context():
        run_in_app(current_app._get_current_object(), job_id)
        return
    from quizapp import create_app

    run_in_app(create_app(), job_id)


def _settings(app: Flask) -> dict[str, Any]:
    return {name: app.config[name] for name in SETTINGS}


# --- the automatic refit -----------------------------------------------------------------------


def _after_rollback(session) -> None:
    session.info.pop(NEW_REVIEWS, None)


def _after_commit(session) -> None:
    users = session.info.pop(NEW_REVIEWS, None)
    if not users or not has_request_context() or not current_app.config.get("FSRS_REFIT_EVERY"):
        return
    pending = g.setdefault("quizapp_reviewed_users", set())
    if not pending:
        app = current_app._get_current_object()

        @after_this_request
        def _later(response):
            response.call_on_close(lambda: refit_if_due(app, set(pending)))
            return response

    pending.update(users)


def refit_if_due(app: Flask, user_ids: set[int]) -> None:
    """Open a fitting job for each learner whose reviews since the last fit reached
    FSRS_REFIT_EVERY (run after the response: the review itself never waits)."""
    with app.app_context():
        try:
            every = app.config["FSRS_REFIT_EVERY"]
            for user_id in sorted(user_ids):
                if jobs.refit_is_due(db.session, user_id, every):
                    request_job(jobs.FSRS_FIT, {"user_id": user_id})
        finally:
            db.session.remove()


# --- commands ----------------------------------------------------------------------------------

jobs_cli = AppGroup("jobs", help="Background jobs and their progress.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run jobs from the Redis queue (JOBS_REDIS_URL, by default REDIS_URL). Without Redis
    jobs run in the web process and no worker is needed."""
    from rq import SimpleWorker

    if not current_app.config.get("JOBS_REDIS_URL"):
        click.echo("error: no REDIS_URL: jobs run in the web process, no worker needed", err=True)
        sys.exit(1)
    queue = _queue(current_app)
    # SimpleWorker runs each job in this process (no fork), inside the app's context.
    SimpleWorker([queue], connection=queue.connection).work(burst=burst)


@jobs_cli.command("list")
@click.option("--limit", default=20, show_default=True, help="How many of the latest jobs.")
def jobs_list(limit: int) -> None:
    """The latest jobs with their progress."""
    rows = db.session.scalars(sa.select(Job).order_by(Job.id.desc()).limit(limit))
    for job in rows:
        progress = f"{job.done}/{job.total}" if job.total else "-"
        click.echo(
            f"{job.id:>5}  {job.kind}  {job.target}  {job.status}  {progress}  {job.message}"
        )
