"""Jobs on RQ: with Redis configured a request only queues the job, and `quizapp worker`
(a real RQ worker on the real Redis, in burst mode) runs it; without Redis the worker
command says none is needed."""

import os
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from redis import Redis
from rq import Queue

from quizapp.extensions import db
from quizapp.models import Course, Job, MemoryParameters
from quizapp.services import memberships
from quizapp.services.simulated_history import simulate_course_history
from tests.conftest import csrf_token_from

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
# This suite's Redis database for jobs (the rate-limit tests use REDIS_URL's).
REDIS = os.environ.get("TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.fixture
def app_config():
    # A queue of this test's own: parallel runs never take each other's jobs.
    return {
        "CLOCK": NOW,
        "JOBS_REDIS_URL": REDIS,
        "JOBS_QUEUE": f"quizapp-test-{uuid.uuid4().hex}",
        "FSRS_MIN_REVIEWS": 200,
    }


@pytest.fixture
def queue(app):
    queue = Queue(app.config["JOBS_QUEUE"], connection=Redis.from_url(REDIS))
    yield queue
    queue.delete(delete_jobs=True)


def test_a_queued_fit_is_run_by_the_worker(
    app, client, auth, runner, make_user, queue, bundled_course
):
    learner = make_user()
    course = db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))
    memberships.set_member(db.session, course, learner, "learner", NOW)
    simulate_course_history(db.session, learner.id, course, NOW, 180, seed=1)
    db.session.commit()
    auth.login(learner.email)
    token = csrf_token_from(client.get("/review/settings").get_data(as_text=True))
    response = client.post("/review/settings/fit", data={"csrf_token": token})
    assert response.status_code == 302
    response.close()  # nothing runs in the web process: the job waits in Redis
    job = db.session.scalar(sa.select(Job))
    assert job.status == "queued"
    assert queue.count == 1
    db.session.rollback()

    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    assert queue.count == 0
    assert job.status == "finished"
    assert (job.done, job.total) == (1, 1)
    assert job.result["outcomes"][0]["status"] == "adopted"
    row = db.session.scalar(
        sa.select(MemoryParameters).where(MemoryParameters.user_id == learner.id)
    )
    assert row.log_loss_fitted < row.log_loss_in_use
    listing = runner.invoke(args=["jobs", "list"])
    assert f"{job.id}  fsrs_fit" in listing.output
    assert "finished  1/1" in listing.output


def test_without_redis_no_worker_is_needed(app, runner):
    app.config["JOBS_REDIS_URL"] = None
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "no worker needed" in result.output
