"""Essays and descriptions under the quiz rules (SPEC §12), at the service level with a
fixed clock: the blank rule numbers questions as the page does and asks about a blank
essay too, a late submission grades the essay saved in time, and the review options hide
a hand grade and its comment until they show them."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from quizapp.extensions import db
from quizapp.services import manual_grading, quiz_overrides, quiz_submission, quizzes
from quizapp.services.attempt_results import review_shown, shown_results
from tests.factories import answer_to

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def course(essay_course):
    return essay_course


@pytest.fixture
def lesson(course):
    return course.lessons[0]


def _numbers(attempt) -> dict[str, int]:
    """Each asked question's number as the quiz page shows it (descriptions unnumbered)."""
    asked = [a for a in attempt.answers if a.question.type != "description"]
    return {a.question.external_id: number for number, a in enumerate(asked, 1)}


def test_the_blank_rule_numbers_questions_as_shown_and_leaves_descriptions_out(lesson, make_user):
    attempt = quizzes.start_attempt(db.session, make_user().id, lesson, NOW, seed=3)
    with pytest.raises(quiz_submission.Unanswered) as refused:
        quiz_submission.submit_attempt(db.session, attempt, {}, NOW, confirm_unanswered=False)
    assert refused.value.numbers == [1, 2]  # two questions; the two descriptions are not
    asked = [a for a in attempt.answers if a.question.type != "description"]
    assert refused.value.positions == [a.position + 1 for a in asked]
    assert attempt.submitted_at is None


def test_a_blank_essay_needs_the_confirmation_and_then_scores_zero(lesson, make_user):
    attempt = quizzes.start_attempt(db.session, make_user().id, lesson, NOW, seed=3)
    chosen = {answer_to(attempt, "l1-q1").id: 0}
    with pytest.raises(quiz_submission.Unanswered) as refused:
        quiz_submission.submit_attempt(db.session, attempt, chosen, NOW, confirm_unanswered=False)
    assert refused.value.numbers == [_numbers(attempt)["l1-essay"]]
    quiz_submission.submit_attempt(db.session, attempt, chosen, NOW, confirm_unanswered=True)
    assert (attempt.pending_answers, attempt.score) == (0, pytest.approx(0.5))
    assert answer_to(attempt, "l1-essay").score == 0.0


def test_a_late_submission_grades_the_essay_saved_in_time_as_pending(lesson, make_user):
    lesson.set_quiz_rules(replace(lesson.quiz_rules, time_limit=10))
    db.session.commit()
    attempt = quizzes.start_attempt(db.session, make_user().id, lesson, NOW, seed=3)
    essay, choice = answer_to(attempt, "l1-essay"), answer_to(attempt, "l1-q1")
    quiz_submission.save_answers(db.session, attempt, {essay.id: "Guardado a tiempo."}, NOW)
    outcome = quiz_submission.submit_attempt(
        db.session,
        attempt,
        {essay.id: "Enviado tarde.", choice.id: 0},
        NOW + timedelta(minutes=11),
        confirm_unanswered=False,  # the time is up: nothing to confirm
    )
    assert outcome.late
    assert essay.response == "Guardado a tiempo."
    assert (essay.awaiting_grade, attempt.pending_answers) == (True, 1)
    assert attempt.score == 0.0  # the choice was never saved; the essay counts 0 for now


def test_review_options_hide_a_hand_grade_and_its_comment_until_they_show_them(
    course, lesson, make_user
):
    closes = NOW + timedelta(days=1)
    review = {"score": "after_close", "feedback": "never"}
    lesson.set_quiz_rules(replace(lesson.quiz_rules, closes=closes, review=review))
    db.session.commit()
    learner = make_user()
    attempt = quizzes.start_attempt(db.session, learner.id, lesson, NOW, seed=3)
    essay = answer_to(attempt, "l1-essay")
    quiz_submission.submit_attempt(db.session, attempt, {essay.id: "Es pequeño."}, NOW)
    manual_grading.grade_answer(
        db.session, course, essay.id, 0.8, "Falta Werkzeug.", make_user("instructor").id, NOW
    )
    db.session.flush()
    rules = quiz_overrides.learner_rules(db.session, lesson, learner.id)

    def essay_result(shown):
        return next(r for r in shown_results(attempt, shown) if r.answer.id == essay.id)

    before = essay_result(review_shown(rules, NOW))
    assert (before.score, before.comment) == (0.0, None)
    after_close = essay_result(review_shown(rules, closes))
    assert (after_close.score, after_close.comment) == (pytest.approx(0.8), None)
    staff = essay_result(review_shown(rules, NOW, staff=True))
    assert (staff.score, staff.comment) == (pytest.approx(0.8), "Falta Werkzeug.")
