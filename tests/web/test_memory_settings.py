"""The memory model on the review settings page: which parameters are in use, fitting
them with the button (a job that runs after the response), its figures, and the automatic
refit after FSRS_REFIT_EVERY reviews."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Course, Job, MemoryParameters, Question
from quizapp.services import deck, memberships
from quizapp.services.simulated_history import simulate_course_history
from tests.conftest import csrf_token_from

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"CLOCK": NOW, "REVIEW_FUZZING": False, "FSRS_MIN_REVIEWS": 200}


@pytest.fixture
def learner(client, auth, make_user, bundled_course):
    user = make_user()
    course = db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))
    memberships.set_member(db.session, course, user, "learner", NOW)
    db.session.commit()
    auth.login(user.email)
    return user


def simulate(user, days=180):
    course = db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))
    simulate_course_history(db.session, user.id, course, NOW, days, seed=1)
    db.session.commit()


def fit_now(client):
    token = csrf_token_from(client.get("/review/settings").get_data(as_text=True))
    return client.post("/review/settings/fit", data={"csrf_token": token})


def sent(response) -> None:
    """The server finished sending the response (and closes it): what runs after the
    response runs now. The test's own transaction ends first, as no test holds one open
    on a real server."""
    db.session.rollback()
    response.close()
    db.session.expire_all()


def jobs_of(user) -> list[Job]:
    return list(
        db.session.scalars(sa.select(Job).where(Job.target["user_id"].as_integer() == user.id))
    )


def test_a_new_learner_is_scheduled_with_the_defaults(client, learner):
    page = client.get("/review/settings").get_data(as_text=True)
    assert "In use: FSRS's default parameters." in page
    assert 'action="/review/settings/fit"' in page


def test_the_button_fits_after_the_response_and_the_page_shows_the_figures(client, learner):
    simulate(learner)
    response = fit_now(client)
    assert response.status_code == 302
    (job,) = jobs_of(learner)
    # The request only opened the job: it runs once the response is sent (closed).
    assert job.status == "queued"
    running = client.get("/review/settings").get_data(as_text=True)
    assert 'data-job-running="1"' in running
    sent(response)
    db.session.expire_all()
    assert job.status == "finished"
    assert job.done == job.total == 1
    (outcome,) = job.result["outcomes"]
    assert outcome["status"] == "adopted"
    row = db.session.scalar(
        sa.select(MemoryParameters).where(MemoryParameters.user_id == learner.id)
    )
    page = client.get("/review/settings").get_data(as_text=True)
    assert "In use: parameters fitted to your reviews" in page
    before, after = f"{row.log_loss_in_use:.2f}", f"{row.log_loss_fitted:.2f}"
    assert f"log loss {before} → {after} on your last {row.held_out} reviews" in page
    assert "the fitted parameters were adopted" in page
    assert "data-job-running" not in page


def test_asking_twice_while_a_fit_waits_opens_one_job(client, learner):
    first = fit_now(client)
    second = fit_now(client)
    assert len(jobs_of(learner)) == 1
    sent(first)
    sent(second)
    (job,) = jobs_of(learner)
    db.session.refresh(job)
    assert job.status == "finished"


def test_too_few_reviews_are_said_on_the_page(client, learner):
    simulate(learner, days=3)
    sent(fit_now(client))
    page = client.get("/review/settings").get_data(as_text=True)
    assert "Not fitted yet:" in page
    assert "200 are needed" in page
    assert "In use: FSRS's default parameters." in page


def test_a_fit_without_the_csrf_token_is_refused(client, learner):
    assert client.post("/review/settings/fit", data={}).status_code == 400
    assert jobs_of(learner) == []


def test_the_parameters_refit_after_every_n_reviews_without_delaying_them(app, client, learner):
    app.config["FSRS_REFIT_EVERY"] = 2
    flashcard_ids = db.session.scalars(
        sa.select(Question.id).where(Question.type == "flashcard").order_by(Question.id).limit(2)
    ).all()
    cards = [deck.ensure_card(db.session, learner.id, qid, NOW) for qid in flashcard_ids]
    db.session.commit()

    def rate(card):
        token = csrf_token_from(client.get("/review").get_data(as_text=True))
        data = {"csrf_token": token, "rating": "3", "reps": "0", "duration_ms": "900"}
        response = client.post(f"/review/{card.id}/rate", data=data)
        assert response.status_code == 302
        return response

    sent(rate(cards[0]))
    assert jobs_of(learner) == []  # one review since the last fit: not due yet
    second = rate(cards[1])
    assert jobs_of(learner) == []  # due, but nothing runs before the response is sent
    sent(second)
    (job,) = jobs_of(learner)
    assert job.status == "finished"
    assert job.result["outcomes"][0]["status"] == "too_few"
    row = db.session.scalar(
        sa.select(MemoryParameters).where(MemoryParameters.user_id == learner.id)
    )
    assert row.reviews_at_fit == 2
