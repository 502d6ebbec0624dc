"""Fitting FSRS parameters: a simulated learner's log (known, non-default parameters)
is fitted better than the defaults; adoption only when better; course parameters from
learners only."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from quizapp.domain.memory_fit import default_parameters, evaluate, scored_reviews, split_by_time
from quizapp.domain.memory_simulation import DEMO_LEARNER_PARAMETERS
from quizapp.extensions import db
from quizapp.models import Course, MemoryParameters, Question, ReviewLog
from quizapp.services import memberships, memory_optimizer, review_queue
from quizapp.services.simulated_history import simulate_course_history

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DAYS = 180


@pytest.fixture
def course(bundled_course):
    return db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))


def any_question(course) -> int:
    return db.session.scalar(
        sa.select(Question.id).where(Question.course_id == course.id).order_by(Question.id)
    )


def simulated_learner(make_user, course, seed=1, days=DAYS):
    user = make_user()
    memberships.set_member(db.session, course, user, "learner", NOW)
    simulate_course_history(db.session, user.id, course, NOW, days, seed=seed)
    db.session.commit()
    return user


def test_the_fit_of_a_simulated_learner_beats_the_defaults_on_held_out_reviews(make_user, course):
    learner = simulated_learner(make_user, course)
    outcome = memory_optimizer.fit_learner(db.session, learner.id, NOW, min_reviews=200)
    assert outcome.status == "adopted"
    assert outcome.log_loss_fitted < outcome.log_loss_in_use
    row = db.session.scalar(
        sa.select(MemoryParameters).where(MemoryParameters.user_id == learner.id)
    )
    assert row.adopted
    assert row.parameters != default_parameters()
    # The baseline was the defaults: recompute their held-out log loss independently.
    reviews, _course_of = memory_optimizer.learner_reviews(db.session, learner.id)
    _train, test = split_by_time(scored_reviews(reviews))
    assert len(test) == outcome.held_out == row.held_out
    assert evaluate(default_parameters(), test).log_loss == pytest.approx(outcome.log_loss_in_use)
    # The fitted parameters move towards the truth: the simulated learner's first
    # stabilities are far below the defaults, and so are the fitted ones.
    assert row.parameters[2] < default_parameters()[2]
    assert evaluate(DEMO_LEARNER_PARAMETERS, test).log_loss < outcome.log_loss_in_use


def test_the_adopted_parameters_then_schedule_the_learners_cards(make_user, course):
    learner = simulated_learner(make_user, course)
    memory_optimizer.fit_learner(db.session, learner.id, NOW, min_reviews=200)
    row = db.session.scalar(
        sa.select(MemoryParameters).where(MemoryParameters.user_id == learner.id)
    )
    schedule = review_queue.learner_schedule(db.session, learner.id, any_question(course))
    assert list(schedule.parameters) == pytest.approx(row.parameters)


def test_a_fit_that_does_not_beat_the_parameters_in_use_is_not_adopted(make_user, course):
    learner = simulated_learner(make_user, course)
    first = memory_optimizer.fit_learner(db.session, learner.id, NOW, min_reviews=200)
    adopted = db.session.scalar(
        sa.select(MemoryParameters.parameters).where(MemoryParameters.user_id == learner.id)
    )
    # Refitting the same log: the fit equals the parameters in use, which it cannot beat.
    second = memory_optimizer.fit_learner(db.session, learner.id, NOW, min_reviews=200)
    assert first.status == "adopted"
    assert second.status == "kept"
    assert second.log_loss_in_use == pytest.approx(first.log_loss_fitted)
    row = db.session.scalar(
        sa.select(MemoryParameters).where(MemoryParameters.user_id == learner.id)
    )
    assert row.parameters == adopted
    assert row.adopted is False


def test_too_few_reviews_fit_nothing_and_keep_the_defaults(make_user, course):
    learner = simulated_learner(make_user, course, days=3)
    outcome = memory_optimizer.fit_learner(db.session, learner.id, NOW, min_reviews=200)
    assert outcome.status == "too_few"
    assert "reviews to learn from" in outcome.note
    schedule = review_queue.learner_schedule(db.session, learner.id, any_question(course))
    assert schedule.parameters is None


def test_the_course_is_fitted_from_its_learners_and_serves_those_with_few_reviews(
    make_user, course
):
    simulated_learner(make_user, course, seed=1)
    simulated_learner(make_user, course, seed=2)
    staff = make_user("instructor")
    simulate_course_history(db.session, staff.id, course, NOW, DAYS, seed=3)
    newcomer = simulated_learner(make_user, course, seed=4, days=2)
    learner_logs = db.session.scalar(
        sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.user_id != staff.id)
    )
    outcome = memory_optimizer.fit_course(db.session, course.id, NOW, min_reviews=200)
    assert outcome.status == "adopted"
    # Staff reviews never count: only the learners' scored reviews were read.
    reviews = memory_optimizer.course_reviews(db.session, course.id)
    assert {r.card_id for r in reviews}.isdisjoint(
        {r.card_id for r in memory_optimizer.learner_reviews(db.session, staff.id)[0]}
    )
    assert len(reviews) == learner_logs
    row = db.session.scalar(
        sa.select(MemoryParameters).where(MemoryParameters.course_id == course.id)
    )
    schedule = review_queue.learner_schedule(db.session, newcomer.id, any_question(course))
    assert list(schedule.parameters) == pytest.approx(row.parameters)
