"""The JSON API under /api/v1: Bearer tokens, JSON errors, bodies checked against
quizapp.api.schemas. Each route is declared once with `route(...)` (quizapp.api.routing),
which also puts it in the OpenAPI document; handlers call one service and commit."""

import random
import re
from datetime import timedelta
from typing import Any

from flask import current_app, g

from quizapp import clock

# The membership routes live in their own module, on the same blueprint.
from quizapp.api import course_members, schemas, serializers  # noqa: F401
from quizapp.api import grading as _grading_routes  # noqa: F401 (registers its routes)
from quizapp.api.auth import current_api_user
from quizapp.api.openapi import build_document
from quizapp.api.routing import OPERATIONS, bp, route
from quizapp.api.validation import ApiError, check_id, parse_json_body, validate
from quizapp.auth.limits import login_budget
from quizapp.database import reading_first
from quizapp.domain.course_access import EDIT, LEARN, READ, STAFF
from quizapp.domain.formats.registry import get_format
from quizapp.domain.questions.registry import is_gradable, response_problem
from quizapp.domain.quiz_layout import response_from_places, review_layout, shuffle_options
from quizapp.domain.quiz_rules import QuizRules, dates_problem, parse_moment, rules_from_block
from quizapp.extensions import db
from quizapp.media.messages import refusal_message, refusal_status
from quizapp.media.uploads import store_upload
from quizapp.models import Lesson
from quizapp.services import (
    access,
    accounts,
    bank_import,
    catalog,
    course_groups,
    progress,
    quizzes,
    ratings,
    review_queue,
    stats,
)
from quizapp.services.attempt_results import review_shown
from quizapp.services.media import MediaRefused
from quizapp.services.question_store import card_question, question_dict

_SLUG = re.compile(schemas.SLUG)


def _now():
    return clock.now()


def _course_or_404(slug: str):
    course = catalog.find_course(db.session, slug) if _SLUG.match(slug) else None
    if course is None:
        raise ApiError(404, "not_found", f"No course {slug!r}.")
    return course


def _lesson_or_404(course_slug: str, lesson_slug: str) -> Lesson:
    _course_or_404(course_slug)
    lesson = (
        catalog.find_lesson(db.session, course_slug, lesson_slug)
        if _SLUG.match(lesson_slug)
        else None
    )
    if lesson is None:
        raise ApiError(404, "not_found", f"No lesson {lesson_slug!r} in {course_slug!r}.")
    return lesson


# --- tokens ---------------------------------------------------------------------------------


def _requested_email() -> str | None:
    try:
        body = parse_json_body()
    except ApiError:
        return None
    return body.get("email") if isinstance(body, dict) else None


@route(
    "/tokens",
    "POST",
    summary="Exchange an email and password for an API token",
    tag="tokens",
    auth=False,
    body=schemas.TOKEN_REQUEST,
    responses={201: schemas.TOKEN_CREATED},
    errors=(401,),
    description="The token is shown once; only its SHA-256 is stored. Revoke it on the "
    "account page; a password change, logging out everywhere or a disabled account revokes "
    "every token. Shares the login form's budget (per address and per account).",
)
@login_budget(_requested_email)
def create_token(body: dict):
    with reading_first():
        user = accounts.authenticate(db.session, body["email"], body["password"])
        db.session.commit()  # ends the read (and keeps a password hash it upgraded)
    if user is None:
        raise ApiError(401, "invalid_credentials", "Wrong email or password.")
    token, api_token = accounts.create_api_token(db.session, user, body.get("name") or "API")
    db.session.commit()
    return serializers.token_created(api_token, token), 201


# --- catalogue ------------------------------------------------------------------------------


@route(
    "/courses",
    "GET",
    summary="List the courses the caller can see, with their role in each",
    description="The listed courses (public and code) and the caller's own; `role` is the "
    "caller's role in the course (instructor, assistant, learner) or null.",
    tag="catalogue",
    responses={200: schemas.COURSE_LIST},
)
def list_courses():
    user = current_api_user()
    courses = catalog.list_courses(db.session, where=access.visible_course_filter(user))
    roles = access.member_roles(db.session, user)
    return {
        "courses": [serializers.course_item(item, roles.get(item.course.id)) for item in courses]
    }


@route(
    "/courses/<course>/lessons",
    "GET",
    summary="List a course's lessons",
    course_need=READ,
    errors=(403,),
    tag="catalogue",
    responses={200: schemas.LESSON_LIST},
)
def list_lessons(course: str):
    found = _course_or_404(course)
    lessons = catalog.lesson_summaries(db.session, found)
    return {
        "course": serializers.course_ref(found),
        "lessons": [serializers.lesson_item(item) for item in lessons],
    }


@route(
    "/courses/<course>/lessons/<lesson>/questions",
    "GET",
    tag="catalogue",
    summary="A lesson's active questions (with answers for staff only)",
    course_need=READ,
    errors=(403,),
    responses={200: schemas.QUESTION_LIST},
)
def list_questions(course: str, lesson: str):
    found = _lesson_or_404(course, lesson)
    rows = catalog.active_questions(db.session, found)
    if g.standing.is_staff:
        questions = [serializers.staff_question(row, found) for row in rows]
    else:
        # Options in a fresh random order each time: the authored order would give the
        # key away (authors write the right choice first).
        rng = random.SystemRandom()
        questions = [
            serializers.public_question(question, shuffle_options(question, rng))
            for question in map(question_dict, rows)
        ]
    return {"lesson": serializers.lesson_ref(found), "questions": questions}


@route(
    "/courses/<course>/lessons/<lesson>/quiz",
    "PUT",
    tag="catalogue",
    summary="Set a lesson's quiz rules (course editors)",
    course_need=EDIT,
    description="The same rules as a bank's `quiz:` block (SPEC §12); dates need their "
    "offset. Keys left out take their defaults. 422 when the quiz would close before it opens.",
    body=schemas.QUIZ_RULES_REQUEST,
    responses={200: schemas.QUIZ_RULES},
    errors=(403, 422),
)
def set_quiz_rules(course: str, lesson: str, body: dict):
    found = _lesson_or_404(course, lesson)
    rules = _rules_from_body(body)
    found.set_quiz_rules(rules)
    db.session.commit()
    return serializers.quiz_rules(found.quiz_rules)


def _rules_from_body(body: dict) -> QuizRules:
    for key in ("opens", "closes"):
        if body.get(key) is not None and parse_moment(body[key]) is None:
            raise ApiError(
                422,
                "invalid_request",
                f"{key}: a date and time with its offset, e.g. 2026-12-08T23:59:00+01:00.",
            )
    rules = rules_from_block({key: value for key, value in body.items() if value is not None})
    problem = dates_problem(rules)
    if problem is not None:
        raise ApiError(422, "invalid_request", problem)
    return rules


# --- quizzes --------------------------------------------------------------------------------


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
    responses={201: schemas.ATTEMPT_STARTED, 200: schemas.ATTEMPT_STARTED},
    errors=(403, 409),
)
def start_attempt(course: str, lesson: str):
    found = _lesson_or_404(course, lesson)
    user = current_api_user()
    size = current_app.config["QUIZ_DEFAULT_SIZE"] or None
    try:
        opened = quizzes.open_or_start_attempt(
            db.session, user.id, found, _now(), size, preview=g.standing.is_staff
        )
    except quizzes.NoQuizQuestions:
        raise ApiError(409, "no_questions", "This lesson has no quiz questions yet.") from None
    except quizzes.QuizRefused as refused:
        raise ApiError(409, refused.code, _REFUSALS[refused.code]) from None
    deadline = quizzes.attempt_deadline_of(db.session, opened.attempt)
    if not opened.started:  # already open, or a concurrent request started it first
        return serializers.attempt_started(opened.attempt, found, deadline), 200
    attempt_id = opened.attempt.id
    db.session.commit()
    # The commit expired it: read it back with its questions (not one query per answer).
    attempt = quizzes.attempt_for_user(db.session, attempt_id, user.id)
    return serializers.attempt_started(attempt, found, deadline), 201


_REFUSALS = {
    "quiz_not_open": "This quiz is not open yet.",
    "quiz_closed": "This quiz is closed.",
    "no_attempts_left": "You have used every attempt this quiz allows.",
}


def _domain_response(question: dict, response: Any) -> Any:
    """API JSON → the response `grade_response` expects, by the type's table entry."""
    return schemas.RESPONSES[question["type"]].to_domain(response)


def _from_places(question: dict, layout: list, response: Any) -> Any:
    """An API response (positions are places in the shown order) → the grader's shape."""
    return response_from_places(question, layout, _domain_response(question, response))


def _review_layout(card) -> list:
    """The order a review card's options are listed in (and its response is read by)."""
    return review_layout(card_question(card), card.id, card.reps, current_app.secret_key)


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
        if question["type"] not in schemas.RESPONSE_BY_TYPE:
            raise ApiError(422, "invalid_request", f"{where}: this item takes no answer.")
        validate(response, schemas.RESPONSE_BY_TYPE[question["type"]], where)
        responses[answer.id] = _from_places(question, answer.display_order, response)
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
    responses={200: schemas.ATTEMPT_RESULT},
    errors=(404, 409),
)
def attempt_result(attempt_id: int):
    user = current_api_user()
    attempt = quizzes.attempt_for_user(db.session, check_id(attempt_id), user.id)
    if attempt is None:
        raise ApiError(404, "not_found", "No such attempt.")
    if not attempt.is_submitted:
        raise ApiError(409, "not_submitted", "The attempt is still open: submit it first.")
    return _shown_result(attempt, db.session.get(Lesson, attempt.lesson_id), user)


@route(
    "/attempts/<int:attempt_id>/answers",
    "PUT",
    tag="quizzes",
    summary="Save answers without submitting (autosave)",
    description="Stores the answers given (by `answer_id`; `response: null` clears one) "
    "in the open attempt; the others stay as saved. After the deadline (plus the grace "
    "period) or once submitted: 409 (`deadline_passed`, `already_submitted`) and nothing "
    "changes. A late submission is graded on what was saved in time.",
    body=schemas.SAVE_ANSWERS_REQUEST,
    responses={200: schemas.ANSWERS_SAVED},
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
        saved = quizzes.save_answers(db.session, attempt, responses, _now(), grace)
    except quizzes.AnswersClosed as closed:
        code = "already_submitted" if closed.reason == "submitted" else "deadline_passed"
        raise ApiError(409, code, "Answers are no longer saved for this attempt.") from None
    deadline = quizzes.attempt_deadline_of(db.session, attempt)
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
    body=schemas.SUBMIT_REQUEST,
    responses={200: schemas.ATTEMPT_RESULT},
    errors=(409,),
)
def submit_attempt(attempt_id: int, body: dict):
    user = current_api_user()
    attempt = quizzes.attempt_for_user(db.session, check_id(attempt_id), user.id)
    if attempt is None:
        raise ApiError(404, "not_found", "No such attempt.")
    lesson = db.session.get(Lesson, attempt.lesson_id)
    if not attempt.is_submitted:
        responses = _responses(attempt, body["answers"])
        grace = timedelta(seconds=current_app.config["QUIZ_GRACE_SECONDS"])
        try:
            quizzes.submit_attempt(
                db.session,
                attempt,
                responses,
                _now(),
                grace,
                confirm_unanswered=bool(body.get("confirm_unanswered")),
            )
        except quizzes.Unanswered as blanks:
            numbers = ", ".join(map(str, blanks.positions))
            raise ApiError(
                409,
                "unanswered",
                f"Not answered: question(s) {numbers} (positions from 1). Send "
                "confirm_unanswered: true to submit them as they are (they score 0).",
            ) from None
        db.session.commit()
    return _shown_result(attempt, lesson, user)


def _shown_result(attempt, lesson: Lesson, user) -> dict:
    """The attempt's result with what the lesson's review options hide from this caller
    taken out (the same parts the results page hides; staff and previews see all)."""
    rules = quizzes.learner_rules(db.session, lesson, attempt.user_id)
    staff = attempt.preview or access.is_course_staff(db.session, user, lesson.course_id)
    shown = review_shown(rules, _now(), staff=staff)
    return serializers.attempt_result(attempt, lesson, shown)


# --- reviews --------------------------------------------------------------------------------


@route(
    "/review/due",
    "GET",
    tag="reviews",
    summary="Flashcards due now",
    description="Due reviews (most overdue first), then today's allowance of new cards.",
    query=schemas.REVIEW_DUE_QUERY,
    responses={200: schemas.REVIEW_DUE},
    errors=(404,),
)
def review_due(query: dict):
    scope = None
    if "course" in query:
        scope = review_queue.find_scope(db.session, query["course"], query.get("lesson"))
        if scope is None:
            raise ApiError(404, "not_found", "No such course or lesson.")
    found = review_queue.review_queue(
        db.session, current_api_user().id, _now(), scope, limit=query["limit"]
    )
    return {
        "review_count": found.review_count,
        "new_count": found.new_count,
        "total": found.total,
        "cards": [serializers.due_card(card, _review_layout(card)) for card in found.cards],
    }


def _fuzzing() -> bool:
    return bool(current_app.config.get("REVIEW_FUZZING", True))


def _answer_and_rate(user_id: int, card_id: int, body: dict, moment):
    """Grade the response; a wrong one is rated Again by the service, a right one gets
    the learner's rating."""
    card = ratings.get_card(db.session, user_id, card_id)
    question = card_question(card)
    if not is_gradable(question["type"]):
        raise ApiError(422, "invalid_request", "response: flashcards are rated, not answered.")
    validate(
        body["response"],
        schemas.RESPONSE_BY_TYPE[question["type"]],
        f"response ({question['type']})",
    )
    options = {"duration_ms": body.get("duration_ms"), "enable_fuzzing": _fuzzing()}
    outcome = ratings.answer_card(
        db.session,
        user_id,
        card_id,
        _from_places(question, _review_layout(card), body["response"]),
        moment,
        expected_reps=body.get("expected_reps"),
        **options,
    )
    if outcome.rated:
        return outcome.card, review_queue.AGAIN, outcome.grade
    card = ratings.rate_card(
        db.session,
        user_id,
        card_id,
        body["rating"],
        moment,
        expected_reps=outcome.card.reps,
        **options,
    )
    return card, body["rating"], outcome.grade


@route(
    "/review/<int:card_id>",
    "POST",
    tag="reviews",
    summary="Rate (or answer, then rate) a card",
    description="`rating` 1 Again … 4 Easy. With a `response` (objective questions only) the "
    "answer is graded first: a wrong answer is rated Again. 409 when the card was reviewed "
    "since `expected_reps`.",
    body=schemas.REVIEW_REQUEST,
    responses={200: schemas.REVIEW_RESULT},
    errors=(409,),
)
def review_card(card_id: int, body: dict):
    user_id = current_api_user().id
    moment = _now()
    check_id(card_id)
    try:
        if body.get("response") is not None:
            card, rating, grade = _answer_and_rate(user_id, card_id, body, moment)
        else:
            card = ratings.rate_card(
                db.session,
                user_id,
                card_id,
                body["rating"],
                moment,
                expected_reps=body.get("expected_reps"),
                duration_ms=body.get("duration_ms"),
                enable_fuzzing=_fuzzing(),
            )
            rating, grade = body["rating"], None
    except ratings.CardNotFound:
        raise ApiError(404, "not_found", "No such card.") from None
    except ratings.StaleReview as error:
        raise ApiError(409, "stale_review", str(error)) from None
    except ratings.ReviewError as error:
        raise ApiError(422, "invalid_request", str(error)) from None
    db.session.commit()
    return serializers.review_result(card, rating, grade)


# --- dashboards -----------------------------------------------------------------------------


@route(
    "/me/progress",
    "GET",
    tag="dashboards",
    summary="The caller's learning progress",
    responses={200: schemas.PROGRESS},
)
def my_progress():
    found = progress.learner_progress(db.session, current_api_user(), _now())
    return serializers.progress(found)


@route(
    "/courses/<course>/stats",
    "GET",
    tag="dashboards",
    staff=True,
    summary="A course's item analysis, lesson and learner figures",
    description="With `group` (a group id of the course), the learner figures (learners, "
    "activity, the learner table) are that group's; lessons and questions stay course-wide.",
    course_need=STAFF,
    query=schemas.COURSE_STATS_QUERY,
    responses={200: schemas.COURSE_STATS},
    errors=(404,),
)
def course_stats(course: str, query: dict):
    found = _course_or_404(course)
    group_id = None
    if "group" in query:
        group = course_groups.find_group(db.session, found, check_id(query["group"]))
        if group is None:
            raise ApiError(404, "not_found", "No such group in this course.")
        group_id = group.id
    dashboard = stats.course_dashboard(db.session, found, _now(), group_id=group_id)
    return serializers.course_stats(dashboard)


# --- authoring ------------------------------------------------------------------------------


def _import_lesson(course, key: str | int | None) -> Lesson | None:
    if key is None or key == "":
        return None
    lesson = catalog.find_lesson(db.session, course.slug, str(key))
    if lesson is not None:
        return lesson
    raise ApiError(422, "unknown_lesson", f"lesson: no lesson {key!r} in this course.")


def _import_source(body: dict) -> tuple[str | bytes, str, str | None]:
    """(content, filename, format) from a multipart upload (bytes) or a JSON body (text)."""
    if "files" in body:
        upload = body["files"]["file"]
        fmt = body.get("format")
        return upload.read(), upload.filename or f"upload.{fmt or 'txt'}", fmt
    fmt = body["format"]
    found = get_format(fmt)
    if found is not None and found.binary:
        raise ApiError(422, "invalid_file", f"format: send a {fmt} file as a multipart upload.")
    return body["text"], body.get("filename") or f"upload{found.extension if found else ''}", fmt


@route(
    "/courses/<course>/import",
    "POST",
    tag="authoring",
    staff=True,
    summary="Import a question file (any importable format: GIFT, YAML, Anki CSV/TSV…)",
    course_need=EDIT,
    description="One transaction: a file with any error imports nothing and answers 422 "
    "with every `file:line: message` in `error.details`. `dry_run` only plans.",
    body=schemas.IMPORT_JSON_REQUEST,
    multipart=schemas.IMPORT_MULTIPART_REQUEST,
    responses={200: schemas.IMPORT_RESULT},
)
def import_questions(course: str, body: dict):
    found = _course_or_404(course)
    lesson = _import_lesson(found, body.get("lesson"))
    content, filename, fmt = _import_source(body)
    max_media_bytes = current_app.config["MEDIA_MAX_BYTES"]
    plan = bank_import.plan_import(
        db.session, found, lesson, content, filename, fmt, max_media_bytes=max_media_bytes
    )
    if plan.errors:
        raise ApiError(
            422,
            "invalid_file",
            f"{len(plan.errors)} problem(s) in {filename}; nothing was imported.",
            plan.errors,
        )
    dry_run = body.get("dry_run") in (True, "true")
    if not dry_run:
        media_dir = current_app.config["MEDIA_DIR"]
        bank_import.apply_import(db.session, plan, media_dir=media_dir, now=_now())
        db.session.commit()
    return serializers.import_result(plan, applied=not dry_run)


# --- media ----------------------------------------------------------------------------------


@route(
    "/courses/<course>/media",
    "POST",
    tag="authoring",
    staff=True,
    course_need=EDIT,
    summary="Upload an image or sound to a course's media",
    description="PNG, JPEG, GIF, WebP (decoded, stored without metadata), MP3 or OGG, at most "
    "MEDIA_MAX_BYTES (413 above). Anything else (SVG, HTML, a damaged file) is a 422 and "
    "nothing is stored. The same bytes give the same `name`; reference it in Markdown with "
    "the returned `markdown`.",
    multipart=schemas.MEDIA_MULTIPART_REQUEST,
    responses={201: schemas.MEDIA_STORED},
)
def upload_media(course: str, body: dict | None = None):
    found = _course_or_404(course)
    if body is None:
        raise ApiError(422, "invalid_request", "file: send the file as multipart/form-data.")
    try:
        media = store_upload(found, body["files"]["file"], current_api_user())
    except MediaRefused as refused:
        message = refusal_message(refused, current_app.config["MEDIA_MAX_BYTES"])
        raise ApiError(refusal_status(refused), refused.code, message) from None
    db.session.commit()
    return serializers.media_stored(media, body["alt"]), 201


# --- the document ---------------------------------------------------------------------------


@route(
    "/openapi.json",
    "GET",
    tag="meta",
    auth=False,
    summary="This document (OpenAPI 3.1)",
    description="Public, like any API documentation: it tells clients how to get a token.",
    responses={200: {"type": "object", "required": ["openapi", "paths"]}},
)
def openapi_document():
    return build_document(OPERATIONS, bp.url_prefix or "")
