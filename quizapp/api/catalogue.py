"""The API's catalogue: API tokens, the courses, lessons and questions a caller can
see, and a lesson's quiz rules."""

import random

from flask import g

from quizapp.api import schemas, serializers
from quizapp.api.auth import current_api_user
from quizapp.api.course_access import lesson_or_404
from quizapp.api.routing import route
from quizapp.api.validation import ApiError, parse_json_body
from quizapp.auth.limits import login_budget
from quizapp.database import reading_first
from quizapp.domain.course_access import EDIT, READ
from quizapp.domain.quiz_layout import shuffle_options
from quizapp.domain.quiz_rules import QuizRules, dates_problem, parse_moment, rules_from_block
from quizapp.extensions import db
from quizapp.services import (
    access,
    accounts,
    catalog,
)
from quizapp.services.question_store import question_dict


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
    found = g.course
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
    found = lesson_or_404(lesson)
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
    found = lesson_or_404(lesson)
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
