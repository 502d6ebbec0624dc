"""Jobs as rows: asking twice opens one, running marks progress and the end, a failure
keeps its reason, a lost job stops blocking, and the refit rule counts reviews."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Job
from quizapp.services import jobs, memory_optimizer, quiz_reviews
from tests.factories import questions_of_type

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
SETTINGS = {"FSRS_MIN_REVIEWS": 50}


def run(job_id: int) -> Job:
    return jobs.run_job(db.session, job_id, lambda: NOW, SETTINGS, db.session.flush)


def test_the_same_work_asked_twice_is_one_job(app, make_user):
    user = make_user()
    first, created = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": user.id}, NOW)
    again, created_again = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": user.id}, NOW)
    other, _ = jobs.open_job(db.session, jobs.FSRS_FIT, {"all": True}, NOW)
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert other.id != first.id


def test_a_lost_job_no_longer_blocks_the_same_work(app, make_user):
    user = make_user()
    lost, _ = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": user.id}, NOW)
    lost.status = "running"
    later = NOW + jobs.STALE_AFTER + timedelta(minutes=1)
    fresh, created = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": user.id}, later)
    assert created
    assert fresh.id != lost.id


def test_two_requests_asking_at_the_same_moment_open_one_job(app, make_user, monkeypatch):
    """The other request's job is committed between this one's read and its insert."""
    user = make_user()
    target = {"user_id": user.id}
    first, _ = jobs.open_job(db.session, jobs.FSRS_FIT, target, NOW)
    db.session.commit()
    read_waiting = jobs.active_job
    stale_reads = [None]

    def read_before_the_other_commit(*args):
        return stale_reads.pop() if stale_reads else read_waiting(*args)

    monkeypatch.setattr(jobs, "active_job", read_before_the_other_commit)
    again, created = jobs.open_job(db.session, jobs.FSRS_FIT, target, NOW)
    db.session.commit()
    assert (created, again.id) == (False, first.id)
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 1


def test_a_job_another_worker_has_claimed_is_not_run_again(app, make_user):
    user = make_user()
    job, _ = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": user.id}, NOW)
    db.session.commit()
    assert db.session.get(Job, job.id).status == "queued"  # this worker's read
    db.session.execute(  # the other worker's claim, unseen by this session's objects
        sa.update(Job)
        .where(Job.id == job.id)
        .values(status="running", started_at=NOW - timedelta(minutes=5))
        .execution_options(synchronize_session=False)
    )
    left = run(job.id)
    assert (left.status, left.started_at, left.result) == (
        "running",
        NOW - timedelta(minutes=5),
        None,
    )


def test_a_job_that_ended_no_longer_blocks_the_same_work(app, make_user):
    user = make_user()
    job, _ = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": user.id}, NOW)
    run(job.id)
    again, created = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": user.id}, NOW)
    assert created
    assert again.id != job.id


def test_running_a_job_records_its_progress_and_result(app, make_user):
    user = make_user()
    job, _ = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": user.id}, NOW)
    done = run(job.id)
    assert done.status == "finished"
    assert (done.done, done.total) == (1, 1)
    assert (done.started_at, done.finished_at) == (NOW, NOW)
    assert done.result["outcomes"][0]["status"] == "too_few"
    assert run(job.id).finished_at == NOW  # a finished job is not run again


def test_a_failing_job_keeps_its_reason(app):
    job, _ = jobs.open_job(db.session, jobs.FSRS_FIT, {"user_id": 999_999}, NOW)
    db.session.commit()
    failed = jobs.run_job(db.session, job.id, lambda: NOW, SETTINGS, db.session.commit)
    assert failed.status == "failed"
    assert "no such account" in failed.message


def test_an_unknown_kind_is_refused(app):
    with pytest.raises(jobs.JobError):
        jobs.open_job(db.session, "mine-bitcoin", {}, NOW)


def test_a_refit_is_due_after_every_n_reviews(app, make_user, deck_course):
    user = make_user()
    q = questions_of_type(db.session, "single_choice", 1, deck_course.slug)[0]
    assert not jobs.refit_is_due(db.session, user.id, 2)
    for day in range(2):
        quiz_reviews.record_quiz_answers(
            db.session, user.id, [(q.id, True)], NOW + timedelta(days=day)
        )
    assert jobs.refit_is_due(db.session, user.id, 2)
    assert not jobs.refit_is_due(db.session, user.id, 0)  # 0: never automatically
    memory_optimizer.fit_learner(db.session, user.id, NOW, min_reviews=10)
    assert not jobs.refit_is_due(db.session, user.id, 2)
