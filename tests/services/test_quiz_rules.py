"""The quiz rules of SPEC §12 at the service level, with a fixed clock (every `now` is
given): dates, attempts, grading method, overrides, preview, shuffle."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.domain.quiz_rules import REVIEW_PARTS, QuizRules
from quizapp.extensions import db
from quizapp.models import (
    Answer,
    Attempt,
    Card,
    CourseGroup,
    GroupMember,
    QuizOverride,
    ReviewLog,
)
from quizapp.services import (
    bank_export,
    bank_import,
    catalog,
    quiz_overrides,
    quiz_submission,
    quizzes,
)
from quizapp.services.attempt_results import ReviewShown, review_shown, shown_results
from quizapp.services.question_store import question_dict

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def lesson(bundled_course):
    return catalog.find_lesson(db.session, "curso-flask", "clase-3-que-es-flask")


def _set(lesson, **rules) -> None:
    lesson.set_quiz_rules(QuizRules(**rules))
    db.session.commit()


def _take(user, lesson, now=NOW, scores=None):
    """Start and submit one attempt; `scores` forces its stored score (grading tests)."""
    opened = quizzes.open_or_start_attempt(db.session, user.id, lesson, now)
    quiz_submission.submit_attempt(db.session, opened.attempt, {}, now + timedelta(minutes=1))
    if scores is not None:
        opened.attempt.score = scores
    db.session.commit()
    return opened.attempt


def test_a_practice_quiz_keeps_todays_defaults(lesson):
    rules = lesson.quiz_rules
    assert rules == QuizRules()
    assert rules.review == dict.fromkeys(
        ("score", "correctness", "answers", "feedback"), "immediate"
    )


def test_an_attempt_may_not_start_before_the_quiz_opens(lesson, make_user):
    _set(lesson, opens=NOW + timedelta(hours=1))
    with pytest.raises(quizzes.QuizRefused) as refused:
        quizzes.open_or_start_attempt(db.session, make_user().id, lesson, NOW)
    assert refused.value.code == "quiz_not_open"
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


def test_an_attempt_may_not_start_once_the_quiz_closed(lesson, make_user):
    _set(lesson, closes=NOW)
    with pytest.raises(quizzes.QuizRefused) as refused:
        quizzes.open_or_start_attempt(db.session, make_user().id, lesson, NOW)
    assert refused.value.code == "quiz_closed"


def test_an_attempt_starts_between_the_dates(lesson, make_user):
    _set(lesson, opens=NOW - timedelta(days=1), closes=NOW + timedelta(days=1))
    opened = quizzes.open_or_start_attempt(db.session, make_user().id, lesson, NOW)
    assert opened.started


def test_the_attempts_allowed_are_a_limit(lesson, make_user):
    _set(lesson, attempts=2)
    user = make_user()
    _take(user, lesson)
    _take(user, lesson)
    with pytest.raises(quizzes.QuizRefused) as refused:
        quizzes.open_or_start_attempt(db.session, user.id, lesson, NOW)
    assert refused.value.code == "no_attempts_left"
    assert quizzes.lesson_history(db.session, user.id, lesson.id).attempts == 2


def test_the_open_attempt_reopens_even_at_the_limit(lesson, make_user):
    _set(lesson, attempts=1)
    user = make_user()
    first = quizzes.open_or_start_attempt(db.session, user.id, lesson, NOW).attempt
    db.session.commit()
    again = quizzes.open_or_start_attempt(db.session, user.id, lesson, NOW)
    assert not again.started
    assert again.attempt.id == first.id


@pytest.mark.parametrize(
    ("method", "grade"),
    [("highest", 0.9), ("average", 0.6), ("first", 0.5), ("last", 0.4)],
)
def test_the_lesson_grade_follows_its_grading_method(lesson, make_user, method, grade):
    _set(lesson, grading=method)
    user = make_user()
    for minutes, score in ((0, 0.5), (10, 0.9), (20, 0.4)):
        _take(user, lesson, NOW + timedelta(minutes=minutes), scores=score)
    history = quizzes.lesson_history(db.session, user.id, lesson.id)
    assert history.grade == pytest.approx(grade)
    assert history.best_score == pytest.approx(0.9)


def test_a_learner_override_gives_an_extra_attempt(lesson, make_user):
    _set(lesson, attempts=1)
    user, other = make_user(), make_user()
    db.session.add(QuizOverride(lesson_id=lesson.id, user_id=user.id, extra_attempts=1))
    db.session.commit()
    _take(user, lesson)
    _take(user, lesson)  # the second is the override's
    _take(other, lesson)
    for who in (user, other):
        with pytest.raises(quizzes.QuizRefused):
            quizzes.open_or_start_attempt(db.session, who.id, lesson, NOW)


def test_a_group_override_closes_later_for_its_learners_only(lesson, make_user):
    _set(lesson, closes=NOW - timedelta(hours=1))
    member, other = make_user(), make_user()
    group = CourseGroup(course_id=lesson.course_id, name="Tarde")
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMember(group_id=group.id, user_id=member.id))
    db.session.add(QuizOverride(lesson_id=lesson.id, group_id=group.id, closes=NOW + timedelta(1)))
    db.session.commit()
    assert quizzes.open_or_start_attempt(db.session, member.id, lesson, NOW).started
    with pytest.raises(quizzes.QuizRefused):
        quizzes.open_or_start_attempt(db.session, other.id, lesson, NOW)


def test_a_staff_preview_is_graded_but_not_learner_data(lesson, make_user):
    _set(lesson, attempts=1, closes=NOW - timedelta(hours=1))  # rules never stop a preview
    instructor = make_user("instructor")
    opened = quizzes.open_or_start_attempt(db.session, instructor.id, lesson, NOW, preview=True)
    attempt = opened.attempt
    responses = {answer.id: 0 for answer in attempt.answers}
    outcome = quiz_submission.submit_attempt(db.session, attempt, responses, NOW)
    db.session.commit()
    assert outcome.newly_submitted
    assert attempt.preview
    assert attempt.score is not None
    assert db.session.scalar(sa.select(sa.func.count(Card.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 0
    assert quizzes.attempts_used(db.session, instructor.id, lesson.id) == 0
    assert quizzes.lesson_history(db.session, instructor.id, lesson.id).attempts == 0


def test_without_shuffle_questions_and_options_keep_the_authored_order(lesson, make_user):
    _set(lesson, shuffle=False)
    attempt = quizzes.open_or_start_attempt(db.session, make_user().id, lesson, NOW).attempt
    ordered = [row.id for row in quizzes.quiz_questions(db.session, lesson)]
    assert [answer.question_id for answer in attempt.answers] == ordered
    for answer in attempt.answers:
        layout = answer.display_order
        flat = layout[0] if layout and isinstance(layout[0], list) else layout
        assert flat == sorted(flat)


def test_a_yaml_import_sets_the_rules_and_the_export_round_trips_them(lesson):
    text = (
        "lesson: 3\nquiz:\n  attempts: 2\n  closes: 2026-12-08T23:59:00+01:00\n"
        "  review: {answers: never}\nquestions:\n"
        "  - id: regla-1\n    type: true_false\n    prompt: Sí.\n    answer: true\n"
    )
    course = lesson.course
    plan = bank_import.plan_import(db.session, course, None, text, "clase-3.yaml")
    assert plan.errors == []
    bank_import.apply_import(db.session, plan)
    db.session.commit()
    rules = lesson.quiz_rules
    assert (rules.attempts, rules.review["answers"]) == (2, "never")
    assert rules.closes == datetime(2026, 12, 8, 22, 59, tzinfo=UTC)
    exported = bank_export.export_course(db.session, course, "yaml").decode()
    assert "quizzes:" in exported
    lesson.set_quiz_rules(QuizRules())
    again = bank_import.plan_import(db.session, course, None, exported, "export.yaml")
    bank_import.apply_import(db.session, again)
    assert lesson.quiz_rules == rules


def test_quiz_rules_for_a_lesson_the_course_lacks_are_an_error(lesson):
    text = "quizzes:\n  99: {attempts: 1}\nquestions: []\n"
    plan = bank_import.plan_import(db.session, lesson.course, None, text, "x.yaml")
    assert plan.errors == ["x.yaml:1: quiz rules for lesson 99, which the course does not have"]


# --- time limit, autosave, blanks -------------------------------------------------------------

GRACE = timedelta(seconds=30)


def _true_false(attempt):
    """Two true/false answers of the attempt and their right responses."""
    items = [a for a in attempt.answers if a.question.type == "true_false"][:2]
    return [(answer, question_dict(answer.question)["answer"]) for answer in items]


def test_a_late_submission_is_graded_on_the_answers_saved_in_time(lesson, make_user):
    _set(lesson, time_limit=10)
    attempt = quizzes.open_or_start_attempt(db.session, make_user().id, lesson, NOW).attempt
    (saved, saved_right), (unsaved, unsaved_right) = _true_false(attempt)
    quiz_submission.save_answers(
        db.session, attempt, {saved.id: saved_right}, NOW + timedelta(minutes=5)
    )
    late = NOW + timedelta(minutes=10) + GRACE + timedelta(seconds=1)
    sent = {saved.id: not saved_right, unsaved.id: unsaved_right}  # what arrives too late
    outcome = quiz_submission.submit_attempt(db.session, attempt, sent, late, GRACE)
    db.session.commit()
    assert outcome.late
    assert (saved.score, saved.response) == (1.0, saved_right)
    assert (unsaved.score, unsaved.response) == (0.0, None)


def test_a_submission_within_the_grace_counts_what_it_sends(lesson, make_user):
    _set(lesson, time_limit=10)
    attempt = quizzes.open_or_start_attempt(db.session, make_user().id, lesson, NOW).attempt
    (answer, right), _other = _true_false(attempt)
    at = NOW + timedelta(minutes=10) + GRACE
    outcome = quiz_submission.submit_attempt(db.session, attempt, {answer.id: right}, at, GRACE)
    assert not outcome.late
    assert answer.score == 1.0


def test_saving_after_the_deadline_is_refused_and_changes_nothing(lesson, make_user):
    _set(lesson, time_limit=10, closes=NOW + timedelta(minutes=5))  # the close date is first
    attempt = quizzes.open_or_start_attempt(db.session, make_user().id, lesson, NOW).attempt
    (answer, right), _other = _true_false(attempt)
    quiz_submission.save_answers(
        db.session, attempt, {answer.id: right}, NOW + timedelta(minutes=5)
    )
    db.session.commit()
    after = NOW + timedelta(minutes=5) + GRACE + timedelta(seconds=1)
    with pytest.raises(quiz_submission.AnswersClosed):
        quiz_submission.save_answers(db.session, attempt, {answer.id: not right}, after, GRACE)
    db.session.rollback()
    db.session.expire_all()
    stored = db.session.get(Answer, answer.id)
    assert (stored.response, stored.saved_at) == (right, NOW + timedelta(minutes=5))


def test_saving_to_a_submitted_attempt_is_refused(lesson, make_user):
    attempt = _take(make_user(), lesson)
    with pytest.raises(quiz_submission.AnswersClosed):
        quiz_submission.save_answers(db.session, attempt, {attempt.answers[0].id: True}, NOW)


def test_reopening_an_attempt_finds_the_saved_answers_and_a_cleared_one_is_blank(lesson, make_user):
    user = make_user()
    attempt = quizzes.open_or_start_attempt(db.session, user.id, lesson, NOW).attempt
    (first, right), (second, _right) = _true_false(attempt)
    quiz_submission.save_answers(db.session, attempt, {first.id: right, second.id: True}, NOW)
    quiz_submission.save_answers(db.session, attempt, {second.id: None}, NOW)
    db.session.commit()
    db.session.expire_all()
    again = quizzes.open_or_start_attempt(db.session, user.id, lesson, NOW).attempt
    saved = {answer.id: answer.response for answer in again.answers}
    assert (saved[first.id], saved[second.id]) == (right, None)


def test_extra_time_moves_the_deadline_for_that_learner(lesson, make_user):
    _set(lesson, time_limit=10)
    user = make_user()
    db.session.add(QuizOverride(lesson_id=lesson.id, user_id=user.id, extra_minutes=10))
    db.session.commit()
    attempt = quizzes.open_or_start_attempt(db.session, user.id, lesson, NOW).attempt
    assert quiz_submission.attempt_deadline_of(db.session, attempt) == NOW + timedelta(minutes=20)
    (answer, right), _other = _true_false(attempt)
    quiz_submission.save_answers(
        db.session, attempt, {answer.id: right}, NOW + timedelta(minutes=15)
    )


def test_blank_questions_need_a_confirmation_until_the_time_is_up(lesson, make_user):
    _set(lesson, time_limit=10)
    attempt = quizzes.open_or_start_attempt(db.session, make_user().id, lesson, NOW).attempt
    with pytest.raises(quiz_submission.Unanswered) as blanks:
        quiz_submission.submit_attempt(db.session, attempt, {}, NOW, confirm_unanswered=False)
    assert blanks.value.numbers == list(range(1, len(attempt.answers) + 1))
    assert attempt.submitted_at is None
    at_zero = NOW + timedelta(minutes=10)  # the countdown submits the form itself
    outcome = quiz_submission.submit_attempt(
        db.session, attempt, {}, at_zero, confirm_unanswered=False
    )
    assert outcome.newly_submitted
    assert attempt.score == 0.0


def test_a_preview_keeps_the_time_limit_but_not_the_close_date(lesson, make_user):
    _set(lesson, time_limit=10, closes=NOW - timedelta(days=1))
    staff = make_user("instructor")
    attempt = quizzes.open_or_start_attempt(db.session, staff.id, lesson, NOW, preview=True).attempt
    assert quiz_submission.attempt_deadline_of(db.session, attempt) == NOW + timedelta(minutes=10)


# --- review options --------------------------------------------------------------------------


def _graded(lesson, user):
    attempt = quizzes.open_or_start_attempt(db.session, user.id, lesson, NOW).attempt
    responses = {answer.id: right for answer, right in _true_false(attempt)}
    quiz_submission.submit_attempt(db.session, attempt, responses, NOW, confirm_unanswered=True)
    db.session.commit()
    return attempt


@pytest.mark.parametrize("part", ["score", "correctness", "answers", "feedback"])
@pytest.mark.parametrize(
    ("when", "before", "after"),
    [("immediate", True, True), ("after_close", False, True), ("never", False, False)],
)
def test_each_review_option_shows_its_part_when_it_says(
    lesson, make_user, part, when, before, after
):
    closes = NOW + timedelta(days=1)
    _set(lesson, closes=closes, review={part: when})
    attempt = _graded(lesson, make_user())
    rules = quiz_overrides.learner_rules(db.session, lesson, attempt.user_id)
    for moment, expected in ((NOW, before), (closes, after)):
        shown = review_shown(rules, moment)
        assert getattr(shown, part) is expected
        others = [getattr(shown, other) for other in REVIEW_PARTS if other != part]
        assert all(others)
        results = shown_results(attempt, shown)
        right = [result for result in results if result.answer.is_correct]
        assert right  # the two true/false answers were right
        if part == "answers":
            assert all(bool(result.right_answer) is expected for result in results)
        if part == "correctness":
            assert all(result.correct is expected for result in right)
        if part == "score":
            assert all((result.score == 1.0) is expected for result in right)
    # Staff always see everything.
    assert review_shown(rules, NOW, staff=True) == ReviewShown()


def test_a_later_close_date_override_delays_after_close_for_that_learner(lesson, make_user):
    closes = NOW + timedelta(hours=1)
    _set(lesson, closes=closes, review={"answers": "after_close"})
    user = make_user()
    later = closes + timedelta(days=2)
    db.session.add(QuizOverride(lesson_id=lesson.id, user_id=user.id, closes=later))
    db.session.commit()
    mine = quiz_overrides.learner_rules(db.session, lesson, user.id)
    assert not review_shown(mine, closes).answers
    assert review_shown(mine, later).answers
