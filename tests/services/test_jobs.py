"""Jobs as rows: asking twice opens one, running marks progress and the end, a failure
keeps its reason, a lost job stops blocking, and the refit rule counts reviews."""

from datetime import UTC, datetime, timedelta

import pytest

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
