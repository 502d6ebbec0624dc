"""The learner's lesson table, whose cells are formatted once per page
(quizapp/dashboard/lesson_table.py): each shows what the template's own `url_for`,
`percent` filter and translated sentence showed for that row, in both languages."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string, url_for

from quizapp.dashboard import lesson_table
from quizapp.domain.quiz_rules import QuizRules
from quizapp.extensions import db
from quizapp.services import progress
from tests.factories import add_attempt, add_card, make_course, make_learner, questions_of

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)

# The cells as the template wrote them before they were formatted in Python.
CELLS = (
    "{{ _('pending') if item.grade_pending else item.grade | percent }}|"
    "{{ item.best_score | percent }}|{{ item.last_score | percent }}|"
    "{{ item.mastery | percent }}|"
    "{{ _('%(mastered)d of %(total)d questions', mastered=item.mastered, "
    "total=item.question_count) }}"
)


@pytest.fixture
def found(app):
    course = make_course(db.session, lessons=3, questions_per_lesson=3)
    first, second, third = course.lessons
    learner = make_learner(db.session, "rows@example.org", desired_retention=0.9)
    q1, q2, _q3 = questions_of(db.session, first)
    add_attempt(db.session, learner, first, {q1: 1.0, q2: 0.0}, NOW - timedelta(days=2))
    add_attempt(db.session, learner, first, {q1: 1.0, q2: 1.0}, NOW - timedelta(days=1), 2)
    add_card(
        db.session,
        learner,
        q1,
        state=2,
        stability=10.0,
        last_review=NOW - timedelta(days=1),
        due=NOW + timedelta(days=9),
    )
    second.set_quiz_rules(QuizRules(review={"score": "never"}))
    third.slug = "clase ñ 3"  # not slugify's: url_for quotes it
    add_attempt(
        db.session, learner, second, dict.fromkeys(questions_of(db.session, second), 1.0), NOW
    )
    db.session.commit()
    return progress.learner_progress(db.session, learner, NOW), third


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_cell_is_what_the_template_showed(app, found, language):
    learner_progress, _untaken = found
    with app.test_request_context(headers={"Accept-Language": language}):
        [(course, rows)] = lesson_table.lesson_tables(learner_progress, link_lessons=True)
        assert len(rows) == len(learner_progress.lessons) == 3
        for row, item in zip(rows, learner_progress.lessons, strict=True):
            lesson = item.lesson
            assert row.label == f"{lesson.number}. {lesson.title}"
            assert row.url == url_for(
                "learn.lesson", course_slug=course.slug, lesson_slug=lesson.slug
            )
            assert (row.attempts, row.scores_hidden) == (item.attempts, item.scores_hidden)
            shown = render_template_string(CELLS, item=item)
            assert "|".join([row.grade, row.best, row.last, row.mastery, row.mastered]) == shown
    assert [row.scores_hidden for row in rows] == [False, True, False]
    assert rows[0].mastered.startswith("1 ")
    assert rows[2].url.endswith("/clase%20%C3%B1%203")


def test_the_drill_down_links_no_lesson(app, found):
    learner_progress, _untaken = found
    with app.test_request_context():
        [(_course, rows)] = lesson_table.lesson_tables(learner_progress, link_lessons=False)
        assert [row.url for row in rows] == [None, None, None]
