"""The API's quizzes: starting an attempt, submitting it and reading its result, through
the same services as the quiz pages."""

from datetime import timedelta
from typing import Any

from flask import current_app, g

from quizapp import clock
from quizapp.api import answer_schemas, answer_serializers, serializers
from quizapp.api.answer_schemas import read_response
from quizapp.api.auth import current_api_user
from quizapp.api.course_access import lesson_or_404
from quizapp.api.routing import route
from quizapp.api.validation import ApiError, check_id, validate
from quizapp.domain.course_access import LEARN
from quizapp.domain.questions.registry import response_problem
from quizapp.extensions import db
from quizapp.services import access, quiz_submission, quizzes, regrading
from quizapp.services.attempt_results import learner_review_shown
from quizapp.services.question_store import question_dict


@route(
    "/courses/<course>/lessons/<lesson>/attempts",
    "POST",
    tag="quizzes",
    summary="Start a quiz attempt (or get the open one)",
    course_need=LEARN,
    description="201 with a new attempt (the lesson's flashcards join the caller's deck); "
    "200 with the caller's open (unsubmitted) attempt at this lesson when there is one. "
    "Questions come in the attempt's order with options shuffled; answer with the options' "
    "`position`, their place in this attempt's order (it says nothing of the authored order).",
    responses={201: answer_schemas.ATTEMPT_STARTED, 200: answer_schemas.ATTEMPT_STARTED},
    errors=(403, 409),
)
def start_attempt(course: str, lesson: str):
    found = lesson_or_404(lesson)
    user = current_api_user()
    size = current_app.config["QUIZ_DEFAULT_SIZE"] or None
    try:
        opened = quizzes.open_or_start_attempt(
            db.session, user.id, found, clock.now(), size, preview=g.standing.is_staff
        )
    except quizzes.NoQuizQuestions:
        raise ApiError(409, "no_questions", "This lesson has no quiz questions yet.") from None
    except quizzes.QuizRefused as refused:
        raise ApiError(409, refused.code, _REFUSALS[refused.code]) from None
    deadline = quiz_submission.attempt_deadline_of(db.session, opened.attempt)
    if not opened.started:  # already open, or a concurrent request started it first
        return answer_serializers.attempt_started(opened.attempt, found, deadline), 200
    attempt_id = opened.attempt.id
    db.session.commit()
    # The commit expired it: read it back with its questions (not one query per answer).
    attempt = quizzes.attempt_for_user(db.session, attempt_id, user.id)
    return answer_serializers.attempt_started(attempt, found, deadline), 201


_REFUSALS = {
    "quiz_not_open": "This quiz is not open yet.",
    "quiz_closed": "This quiz is closed.",
    "no_attempts_left": "You have used every attempt this quiz allows.",
}


def _responses(attempt, answers: list[dict], keep_null: bool = False) -> dict[int, Any]:
    """Answer id → domain response. A null response is left out (the autosaved one
    counts), or kept as a blank with `keep_null` (autosave clearing an answer)."""
    by_id = {answer.id: answer for answer in attempt.answers}
    responses: dict[int, Any] = {}
    for index, item in enumerate(answers):
        answer = by_id.get(item["answer_id"])
        if answer is None:
            raise ApiError(
                422,
                "invalid_request",
                f"answers[{index}].answer_id: not a question of this attempt.",
            )
        if answer.id in responses:
            raise ApiError(422, "invalid_request", f"answers[{index}].answer_id: answered twice.")
        response = item.get("response")
        if response is None:
            if keep_null:
                responses[answer.id] = None
            continue
        question = question_dict(answer.question)
        where = f"answers[{index}].response ({question['type']})"
        if question["type"] not in answer_schemas.RESPONSE_BY_TYPE:
            raise ApiError(422, "invalid_request", f"{where}: this item takes no answer.")
        validate(response, answer_schemas.RESPONSE_BY_TYPE[question["type"]], where)
        responses[answer.id] = read_response(question, answer.display_order, response)
        problem = response_problem(question, responses[answer.id])
        if problem is not None:
            raise ApiError(422, "invalid_request", f"{where}: {problem}.")
    return responses


@route(
    "/attempts/<int:attempt_id>",
    "GET",
    tag="quizzes",
    summary="A submitted attempt's result, as graded so far",
    description="The learner's own attempt: what submitting returned, with the grades and "
    "comments given by hand since (`grading` says whether essays still await theirs). "
    "409 while the attempt is still open.",
    responses={200: answer_schemas.ATTEMPT_RESULT},
    errors=(404, 409),
)
def attempt_result(attempt_id: int):
    user = current_api_user()
    attempt = quizzes.attempt_for_user(db.session, check_id(attempt_id), user.id)
    if attempt is None:
        raise ApiError(404, "not_found", "No such attempt.")
    if not attempt.is_submitted:
        raise ApiError(409, "not_submitted", "The attempt is still open: submit it first.")
    return _shown_result(attempt, quiz_submission.attempt_lesson(db.session, attempt), user)


@route(
    "/attempts/<int:attempt_id>/answers",
    "PUT",
    tag="quizzes",
    summary="Save answers without submitting (autosave)",
    description="Stores the answers given (by `answer_id`; `response: null` clears one) "
    "in the open attempt; the others stay as saved. After the deadline (plus the grace "
    "period) or once submitted: 409 (`deadline_passed`, `already_submitted`) and nothing "
    "changes. A late submission is graded on what was saved in time.",
    body=answer_schemas.SAVE_ANSWERS_REQUEST,
    responses={200: answer_schemas.ANSWERS_SAVED},
    errors=(409,),
)
def save_answers(attempt_id: int, body: dict):
    user = current_api_user()
    attempt = quizzes.attempt_for_user(db.session, check_id(attempt_id), user.id)
    if attempt is None:
        raise ApiError(404, "not_found", "No such attempt.")
    responses = _responses(attempt, body.get("answers") or [], keep_null=True)
    grace = timedelta(seconds=current_app.config["QUIZ_GRACE_SECONDS"])
    try:
        saved = quiz_submission.save_answers(db.session, attempt, responses, clock.now(), grace)
    except quiz_submission.AnswersClosed as closed:
        code = "already_submitted" if closed.reason == "submitted" else "deadline_passed"
        raise ApiError(409, code, "Answers are no longer saved for this attempt.") from None
    deadline = quiz_submission.attempt_deadline_of(db.session, attempt)
    db.session.commit()
    return {"saved": saved, "deadline": serializers.iso(deadline)}


@route(
    "/attempts/<int:attempt_id>/submit",
    "POST",
    tag="quizzes",
    summary="Submit an attempt's answers and get the graded result",
    description="Idempotent: submitting an attempt again returns the stored result "
    "unchanged (200) and stores nothing. Answers not sent count as autosaved. Questions "
    "left unanswered score 0 and need `confirm_unanswered: true` (else 409 `unanswered`, "
    "its message listing them), as on the web; after the deadline the attempt is graded "
    "on the answers saved in time and the ones sent are ignored.",
    body=answer_schemas.SUBMIT_REQUEST,
    responses={200: answer_schemas.ATTEMPT_RESULT},
    errors=(409,),
)
def submit_attempt(attempt_id: int, body: dict):
    user = current_api_user()
    attempt = quizzes.attempt_for_user(db.session, check_id(attempt_id), user.id)
    if attempt is None:
        raise ApiError(404, "not_found", "No such attempt.")
    lesson = quiz_submission.attempt_lesson(db.session, attempt)
    if attempt.is_submitted:
        _check_shapes(body["answers"])  # replayed: nothing is read, but bad input is refused
    else:
        responses = _responses(attempt, body["answers"])
        grace = timedelta(seconds=current_app.config["QUIZ_GRACE_SECONDS"])
        try:
            outcome = quiz_submission.submit_attempt(
                db.session,
                attempt,
                responses,
                clock.now(),
                grace,
                confirm_unanswered=bool(body.get("confirm_unanswered")),
                lesson=lesson,
            )
        except quiz_submission.Unanswered as blanks:
            numbers = ", ".join(map(str, blanks.positions))
            raise ApiError(
                409,
                "unanswered",
                f"Not answered: question(s) {numbers} (positions from 1). Send "
                "confirm_unanswered: true to submit them as they are (they score 0).",
            ) from None
        _commit_keeping_objects()
        # From the objects as this transaction wrote them (reading the attempt, its
        # answers and questions back would be four more statements), after the commit:
        # the locks its writes took (SQLite's write lock, PostgreSQL's rows of the
        # lesson's statistics, which every submission of the lesson updates) do not wait
        # for the result's serialisation. A submission this moment has no regrades yet.
        return _shown_result(attempt, lesson, user, fresh=outcome.newly_submitted)
    return _shown_result(attempt, lesson, user)


def _commit_keeping_objects() -> None:
    """Commits without expiring the session's objects (as the commit otherwise does)."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


# A response in the shape of any type (the body's validation leaves responses to the view).
_ANY_RESPONSE = {"anyOf": answer_schemas.RESPONSE["anyOf"]}


def _check_shapes(answers: list[dict]) -> None:
    for index, item in enumerate(answers):
        validate(item.get("response"), _ANY_RESPONSE, f"answers[{index}].response")


def _shown_result(attempt, of: quiz_submission.AttemptLesson, user, fresh: bool = False) -> dict:
    """The attempt's result with what the lesson's review options hide from this caller
    taken out (the same parts the results page hides; staff and previews see all).
    `fresh`: submitted in this transaction, so nothing regraded it yet."""
    lesson = of.lesson
    staff = (
        attempt.preview
        or access.standing(db.session, user, lesson.course, of.learner_role).is_staff
    )
    shown = learner_review_shown(db.session, lesson, attempt.user_id, clock.now(), staff=staff)
    regrades = [] if fresh else regrading.attempt_regrades(db.session, attempt.id)
    return answer_serializers.attempt_result(attempt, lesson, shown, regrades)
