"""quizzes.learner_lesson (the lesson page's and the quiz start page's one statement) reads
what quiz_overrides.learner_rules, quizzes.lesson_history(seen_at=…) and
quizzes.question_count read one by one: the learner's own and group overrides (not
another learner's or another lesson's), submitted attempts in order (not open ones or
previews), hidden scores, and the questions a quiz asks (not retired ones, flashcards or
descriptions)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import CourseGroup, GroupMember, Question, QuizOverride
from quizapp.services import catalog, quiz_overrides, quizzes
from tests.services.test_quiz_rules import NOW, _set, _take


@pytest.fixture
def lesson(bundled_course):
    return catalog.find_lesson(db.session, "curso-flask", "clase-3-que-es-flask")


def _one_by_one(user_id, lesson, seen_at) -> quizzes.LearnerLesson:
    rules = quiz_overrides.learner_rules(db.session, lesson, user_id)
    return quizzes.LearnerLesson(
        rules=rules,
        history=quizzes.lesson_history(db.session, user_id, lesson.id, seen_at, rules=rules),
        question_count=quizzes.question_count(db.session, lesson),
    )


def _same(user, lesson, seen_at=NOW) -> quizzes.LearnerLesson:
    together = quizzes.learner_lesson(db.session, user.id, lesson, seen_at)
    assert together == _one_by_one(user.id, lesson, seen_at)
    return together


def test_a_learner_who_never_took_the_quiz(lesson, make_user):
    seen = _same(make_user(), lesson)
    assert seen.history.attempts == 0
    assert seen.question_count >= 10
    assert seen.rules == lesson.quiz_rules


def test_attempts_overrides_and_counted_questions_as_read_one_by_one(lesson, make_user):
    _set(lesson, attempts=4, time_limit=20, grading="last")
    user, other, instructor = make_user(), make_user(), make_user("instructor")
    group = CourseGroup(course_id=lesson.course_id, name="Tarde")
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMember(group_id=group.id, user_id=user.id))
    other_lesson = catalog.find_lesson(db.session, "curso-flask", "clase-1-introduccion")
    db.session.add_all(
        [
            QuizOverride(lesson_id=lesson.id, user_id=user.id, extra_attempts=1),
            QuizOverride(lesson_id=lesson.id, group_id=group.id, extra_minutes=15),
            QuizOverride(lesson_id=lesson.id, user_id=other.id, extra_attempts=3),
            QuizOverride(lesson_id=other_lesson.id, user_id=user.id, extra_minutes=99),
        ]
    )
    db.session.commit()
    for score in (0.5, 0.9, 0.25):
        _take(user, lesson, scores=score)
    _take(other, lesson, scores=1.0)
    quizzes.open_or_start_attempt(db.session, user.id, lesson, NOW)  # open: not in the history
    quizzes.open_or_start_attempt(db.session, instructor.id, lesson, NOW, preview=True)
    retired = next(q for q in quizzes.quiz_questions(db.session, lesson) if q.type != "description")
    retired.retired_at = NOW
    db.session.commit()
    seen = _same(user, lesson)
    assert (seen.rules.attempts, seen.rules.time_limit) == (5, 35)
    assert (seen.history.attempts, seen.history.best_score, seen.history.last_score) == (
        3,
        0.9,
        0.25,
    )
    assert seen.history.grade == 0.25
    assert seen.question_count == sum(
        1 for q in quizzes.quiz_questions(db.session, lesson) if q.type != "description"
    )
    assert _same(other, lesson).rules.attempts == 7
    assert _same(instructor, lesson).history.attempts == 0


def test_scores_hidden_until_the_learners_own_close_date(lesson, make_user):
    closes = NOW + timedelta(hours=1)
    _set(lesson, closes=closes, review={"score": "after_close"})
    user = make_user()
    _take(user, lesson, scores=0.75)
    later = closes + timedelta(days=2)
    db.session.add(QuizOverride(lesson_id=lesson.id, user_id=user.id, closes=later))
    db.session.commit()
    assert _same(user, lesson, closes + timedelta(days=1)).history.scores_hidden
    shown = _same(user, lesson, later + timedelta(minutes=1)).history
    assert not shown.scores_hidden
    assert shown.best_score == 0.75


def test_a_lesson_with_nothing_to_ask(lesson, make_user):
    db.session.execute(
        sa.update(Question).where(Question.lesson_id == lesson.id).values(retired_at=NOW)
    )
    db.session.commit()
    assert _same(make_user(), lesson).question_count == 0


def test_its_statement_binds_only_the_learner_and_the_lesson(app):
    """The counted types are written into the SQL: a bound list would be expanded into
    the statement again on every lesson page."""
    compiled = quizzes._LEARNER_LESSON.compile(dialect=db.engine.dialect)
    assert set(compiled.params) == {"lesson_id", "user_id"}
    assert "POSTCOMPILE" not in str(compiled)
    assert "'single_choice'" in str(compiled)


def test_every_page_s_user_lookup_binds_only_the_user(app):
    """The staff roles, like the counted types, are constants of the statement."""
    from quizapp.auth.loader import _LOOKUP

    compiled = _LOOKUP.compile(dialect=db.engine.dialect)
    assert set(compiled.params) == {"user_id"}
    assert "POSTCOMPILE" not in str(compiled)
    assert "'instructor'" in str(compiled)


def test_only_plain_names_are_written_into_sql():
    from quizapp.models.types import names_in_sql

    assert [str(name) for name in names_in_sql(["b", "a"])] == ["'a'", "'b'"]
    with pytest.raises(ValueError, match="not a plain name"):
        names_in_sql(["x'); DROP TABLE users; --"])
