"""Regrading a question after its key changed: the preview lists the attempts that would
change and by how much, applying does exactly that, keeps the old scores in the regrade
log and rewrites each answer's snapshot; the maintained statistics follow."""

import copy

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Question, RegradeLog
from quizapp.models.types import utcnow
from quizapp.services import course_statistics, manual_grading, quiz_submission, quizzes, regrading
from quizapp.services.attempt_results import attempt_results
from quizapp.services.question_store import apply_question, question_dict
from tests.factories import make_course, make_essay_course


@pytest.fixture
def course(app):
    course = make_course(db.session, slug="regrade", questions_per_lesson=2)
    db.session.commit()
    return course


def _question(external_id: str) -> Question:
    return db.session.scalar(sa.select(Question).where(Question.external_id == external_id))


def _take(user, lesson, choices: dict[str, int]):
    """Submits an attempt choosing, per question id, an authored choice position."""
    attempt = quizzes.start_attempt(db.session, user.id, lesson, utcnow())
    responses = {a.id: choices[a.question.external_id] for a in attempt.answers}
    quiz_submission.submit_attempt(db.session, attempt, responses, utcnow())
    db.session.commit()
    return attempt


def _rekey(external_id: str, right: int) -> Question:
    """The instructor's edit: choice `right` becomes the right one (a new version)."""
    row = _question(external_id)
    question = copy.deepcopy(question_dict(row))  # the row's JSON is not edited in place
    for position, choice in enumerate(question["choices"]):
        choice["correct"] = position == right
    apply_question(row, question)
    db.session.commit()
    return row


def test_the_preview_lists_what_would_change_and_applying_does_exactly_that(course, make_user):
    lesson = course.lessons[0]
    wrong_then, right_then = make_user(), make_user()
    first = _take(wrong_then, lesson, {"l1-q1": 1, "l1-q2": 0})
    second = _take(right_then, lesson, {"l1-q1": 0, "l1-q2": 0})
    question = _rekey("l1-q1", right=1)

    plan = regrading.plan_regrade(db.session, question)
    previewed = [
        (c.attempt.id, c.old_score, c.new_score, c.old_attempt_score, c.new_attempt_score)
        for c in plan.changes
    ]
    assert previewed == [(first.id, 0.0, 1.0, 0.5, 1.0), (second.id, 1.0, 0.0, 1.0, 0.5)]
    assert db.session.scalars(sa.select(RegradeLog)).all() == []  # the preview writes nothing

    grader = make_user("instructor")
    regrading.apply_regrade(db.session, question, plan.version, grader.id, utcnow())
    db.session.commit()
    logged = [
        (r.attempt_id, r.old_score, r.new_score, r.old_attempt_score, r.new_attempt_score)
        for r in db.session.scalars(sa.select(RegradeLog).order_by(RegradeLog.id))
    ]
    assert logged == previewed
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.score, second.score) == (1.0, 0.5)
    # The results come from the rewritten snapshot: the new key, the new verdict.
    result = next(r for r in attempt_results(first) if r.question["id"] == "l1-q1")
    assert (result.correct, result.right_answer) == (True, "Choice 1")
    assert [r.old_attempt_score for r in regrading.attempt_regrades(db.session, first.id)] == [0.5]


def test_applying_keeps_the_maintained_statistics_equal_to_a_recomputation(course, make_user):
    lesson = course.lessons[0]
    for choice in (0, 1, 1):
        _take(make_user(), lesson, {"l1-q1": choice, "l1-q2": 0})
    question = _rekey("l1-q1", right=1)
    version = regrading.plan_regrade(db.session, question).version
    regrading.apply_regrade(db.session, question, version, make_user("instructor").id, utcnow())
    db.session.commit()
    assert course_statistics.maintained(db.session, course) == course_statistics.contribution(
        db.session, course
    )


def test_a_question_changed_after_the_preview_is_not_regraded(course, make_user):
    lesson = course.lessons[0]
    _take(make_user(), lesson, {"l1-q1": 1, "l1-q2": 0})
    question = _rekey("l1-q1", right=1)
    seen = regrading.plan_regrade(db.session, question).version
    _rekey("l1-q1", right=2)
    with pytest.raises(regrading.RegradeOutdated):
        regrading.apply_regrade(db.session, question, seen, make_user("instructor").id, utcnow())
    assert db.session.scalars(sa.select(RegradeLog)).all() == []


def test_nothing_changes_when_the_key_did_not(course, make_user):
    _take(make_user(), course.lessons[0], {"l1-q1": 1, "l1-q2": 0})
    plan = regrading.plan_regrade(db.session, _question("l1-q1"))
    assert (plan.answers, plan.changes) == (1, [])


def test_an_essay_is_graded_by_hand_not_regraded_and_a_pending_one_stays_pending(make_user):
    course = make_essay_course(db.session, slug="ensayos-regrade")
    db.session.commit()
    lesson = course.lessons[0]
    learner = make_user()
    attempt = quizzes.start_attempt(db.session, learner.id, lesson, utcnow())
    responses = {
        a.id: (1 if a.question.type == "single_choice" else "Texto.")
        for a in attempt.answers
        if a.question.type in ("single_choice", "essay")
    }
    quiz_submission.submit_attempt(db.session, attempt, responses, utcnow())
    db.session.commit()
    assert regrading.plan_regrade(db.session, _question("l1-essay")).changes == []
    question = _rekey("l1-q1", right=1)
    (change,) = regrading.plan_regrade(db.session, question).changes
    assert (change.new_score, change.new_attempt_score) == (1.0, 0.5)  # the essay counts 0
    regrading.apply_regrade(db.session, question, question.version, learner.id, utcnow())
    db.session.commit()
    db.session.refresh(attempt)
    assert (attempt.score, attempt.pending_answers) == (0.5, 1)
    (queued,) = manual_grading.grading_queue(db.session, course)
    assert db.session.get(Answer, queued.answer.id).awaiting_grade
