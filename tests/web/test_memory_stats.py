"""The learner's memory statistics page and the instructor's class retention page: true
retention, reviews, forecast, distributions; predicted recall by lesson and section from
learners only, and the course's leeches linked to the coverage page."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from quizapp.domain.memory_stats import interval_reviews, true_retention
from quizapp.extensions import db
from quizapp.models import Card, Course, Question
from quizapp.services import memberships, memory_optimizer, memory_stats
from quizapp.services.simulated_history import simulate_course_history

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"CLOCK": NOW}


@pytest.fixture
def course(bundled_course):
    return db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))


def studied(make_user, course, role="learner", seed=1, days=60):
    user = make_user(role)
    if role == "learner":
        memberships.set_member(db.session, course, user, "learner", NOW)
    simulate_course_history(db.session, user.id, course, NOW, days, seed=seed)
    db.session.commit()
    return user


def test_the_learner_sees_true_retention_as_the_log_says(client, auth, make_user, course):
    learner = studied(make_user, course)
    auth.login(learner.email)
    page = client.get("/dashboard/memory").get_data(as_text=True)
    reviews, _courses = memory_optimizer.learner_reviews(db.session, learner.id)
    rows = {r.period: r for r in true_retention(interval_reviews(reviews), NOW.date())}
    month = rows["month"].total
    assert month.count > 0
    assert f"{round(month.retention * 100)} %" in page
    assert f"{month.passed} of {month.count}" in page
    assert 'id="true-retention"' in page
    for chart in ("reviews-chart", "memory-forecast-chart", "difficulty-chart", "stability-chart"):
        assert f'id="{chart}-table"' in page  # each chart has its table
    assert "<script>" not in page
    assert " style=" not in page


def test_a_learner_without_reviews_sees_empty_figures(client, auth, make_user, course):
    learner = make_user()
    auth.login(learner.email)
    response = client.get("/dashboard/memory")
    assert response.status_code == 200
    assert "0 reviews in the last 30 days." in response.get_data(as_text=True)


def test_the_class_retention_counts_learners_only(client, auth, make_user, course):
    first = studied(make_user, course, seed=1)
    studied(make_user, course, seed=2)
    instructor = make_user("instructor")
    simulate_course_history(db.session, instructor.id, course, NOW, 60, seed=3)
    db.session.commit()
    retention = memory_stats.course_retention(db.session, course, NOW)
    lesson_one = retention.lessons[0]
    assert lesson_one.learners == 2
    learner_cards = db.session.scalar(
        sa.select(sa.func.count(Card.id))
        .join(Question, Question.id == Card.question_id)
        .where(
            Card.user_id != instructor.id,
            Card.stability.is_not(None),
            Question.lesson_id == lesson_one.lesson.id,
        )
    )
    assert lesson_one.cards == learner_cards
    now, week, month = lesson_one.recall
    assert 0 < month < week < now <= 1  # recall fades without reviews
    assert sum(row.cards for row in retention.sections) == sum(r.cards for r in retention.lessons)
    auth.login(instructor.email)
    page = client.get(f"/instructor/courses/{course.slug}/retention").get_data(as_text=True)
    assert 'id="section-retention"' in page
    section = retention.sections[0]
    assert f"/instructor/courses/{course.slug}/lessons/{section.lesson.slug}/coverage" in page
    assert first.email not in page  # figures of the class, not of a learner


def test_the_courses_leeches_link_to_the_coverage_page(client, auth, make_user, course):
    learners = [studied(make_user, course, seed=seed, days=3) for seed in (1, 2)]
    question = db.session.scalar(
        sa.select(Question).where(Question.course_id == course.id, Question.section.is_not(None))
    )
    for learner in learners:
        card = db.session.scalar(
            sa.select(Card).where(Card.user_id == learner.id, Card.question_id == question.id)
        )
        card.leech, card.lapses = True, 8
    db.session.commit()
    leeches = memory_stats.course_leeches(db.session, course)
    assert [(row.question.id, row.learners, row.lapses) for row in leeches] == [
        (question.id, 2, 16)
    ]
    auth.login(make_user("instructor").email)
    page = client.get(f"/instructor/courses/{course.slug}/retention").get_data(as_text=True)
    lesson = question.lesson
    assert (
        f"/instructor/courses/{course.slug}/lessons/{lesson.slug}/coverage#coverage-{question.section}"
        in page
    )
    coverage = client.get(f"/instructor/courses/{course.slug}/lessons/{lesson.slug}/coverage")
    assert f'id="coverage-{question.section}"' in coverage.get_data(as_text=True)
