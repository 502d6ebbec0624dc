"""JSON Schemas (draft 2020-12) of the API's request and response bodies, defined once:
the views validate requests with them and quizapp.api.openapi builds the document from them."""

from typing import Any

from quizapp.domain.questions.registry import QUESTION_TYPES

# PostgreSQL text cannot hold NUL; the API refuses it in every string it accepts.
NO_NUL = r"^[^\u0000]*$"


SLUG = r"^[a-z0-9][a-z0-9-]{0,159}$"


# Ids beyond a 32-bit integer column name nothing; the views answer 404 before querying.
MAX_ID = 2**31 - 1

# A part of a request schema marked `CHECKED_BY_VIEW: True` is in the OpenAPI document but
# the body's validation (quizapp.api.validation) accepts anything there: its view checks it
# knowing more than the schema, as an answer's response against its own question's type
# rather than against every type's (that anyOf was two thirds of a submission's checks).
CHECKED_BY_VIEW = "x-checked-by-view"


QUESTION_TYPE_NAMES = sorted(QUESTION_TYPES)


def text(max_length: int, min_length: int = 0, **extra: Any) -> dict[str, Any]:
    schema = {"type": "string", "maxLength": max_length, "pattern": NO_NUL, **extra}
    if min_length:
        schema["minLength"] = min_length
    return schema


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict:
    """An object schema; `required` defaults to every property (response shapes)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        **extra,
    }


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


STRING = {"type": "string"}


INTEGER = {"type": "integer"}


NUMBER = {"type": "number"}


BOOLEAN = {"type": "boolean"}


DATETIME = {"type": "string", "format": "date-time"}


DATE = {"type": "string", "format": "date"}


SCORE = {"type": "number", "minimum": 0, "maximum": 1}


ERROR = obj(
    {
        "error": obj(
            {
                "code": STRING,
                "message": STRING,
                "details": array(STRING, description="`file:line: message` or per-field errors"),
            },
            required=["code", "message"],
        )
    }
)


TOKEN_REQUEST = obj(
    {"email": text(254, 1), "password": text(1024, 1), "name": text(80)},
    required=["email", "password"],
    additionalProperties=False,
)


ENROLMENT_REQUEST = obj(
    {"code": text(32, description="the course's join code (code courses)")},
    required=[],
    additionalProperties=False,
)


TOKEN_CREATED = obj(
    {"token": STRING, "id": INTEGER, "name": STRING, "prefix": STRING, "created_at": DATETIME}
)


COURSE = obj(
    {
        "slug": STRING,
        "title": STRING,
        "description": STRING,
        "lesson_count": INTEGER,
        "question_count": INTEGER,
        "flashcard_count": INTEGER,
        "visibility": {"enum": ["public", "code", "invite"]},
        "role": nullable({"enum": ["instructor", "assistant", "learner"]}),
    }
)


COURSE_LIST = obj({"courses": array(COURSE)})


COURSE_ROLE = {"enum": ["instructor", "assistant", "learner"]}


ENROLMENT = obj({"course": obj({"slug": STRING, "title": STRING}), "role": COURSE_ROLE})


MEMBER_LIST = obj(
    {
        "members": array(
            obj(
                {
                    "user_id": INTEGER,
                    "email": STRING,
                    "display_name": STRING,
                    "role": COURSE_ROLE,
                    "joined_at": DATETIME,
                }
            )
        ),
        "invitations": array(obj({"email": STRING, "role": COURSE_ROLE})),
    }
)


LEFT_COURSE = obj({"course": obj({"slug": STRING, "title": STRING}), "left": {"const": True}})


MEMBER_REMOVED = obj({"user_id": INTEGER, "removed": {"const": True}})


REVIEW_WHEN = {"enum": ["immediate", "after_close", "never"]}


def _count(maximum: int, description: str) -> dict[str, Any]:
    return nullable(
        {"type": "integer", "minimum": 1, "maximum": maximum, "description": description}
    )


# A lesson's quiz rules (SPEC §12), the same keys as a bank's `quiz:` block.
QUIZ_RULES_FIELDS = {
    "size": _count(500, "questions drawn per attempt (null: all)"),
    "shuffle": BOOLEAN,
    "time_limit": _count(10080, "minutes (null: none)"),
    "attempts": _count(100, "attempts allowed (null: unlimited)"),
    "opens": nullable({**DATETIME, "description": "with its offset"}),
    "closes": nullable({**DATETIME, "description": "with its offset"}),
    "grading": {"enum": ["highest", "average", "first", "last"]},
    "review": obj(
        {part: REVIEW_WHEN for part in ("score", "correctness", "answers", "feedback")},
        description="what a learner sees of a submitted attempt, and when",
    ),
}


QUIZ_RULES = obj(QUIZ_RULES_FIELDS)


QUIZ_RULES_REQUEST = obj(
    {
        **QUIZ_RULES_FIELDS,
        "opens": nullable(text(40, 1, description="ISO 8601 with its offset")),
        "closes": nullable(text(40, 1, description="ISO 8601 with its offset")),
        "review": obj(
            {part: REVIEW_WHEN for part in ("score", "correctness", "answers", "feedback")},
            required=[],
            additionalProperties=False,
        ),
    },
    required=[],
    additionalProperties=False,
    description="Every rule the lesson's quiz follows; a key left out takes its default "
    "(a practice quiz: all questions, shuffled, untimed, unlimited, always open, the highest "
    "attempt counts, everything shown at once).",
)


COURSE_REF = obj({"slug": STRING, "title": STRING})


LESSON = obj(
    {
        "number": INTEGER,
        "slug": STRING,
        "title": STRING,
        "question_count": INTEGER,
        "flashcard_count": INTEGER,
        "quiz_size": nullable(INTEGER),
        "quiz": QUIZ_RULES,
    }
)


LESSON_REF = obj({"course": STRING, "number": INTEGER, "slug": STRING, "title": STRING})


LESSON_LIST = obj({"course": COURSE_REF, "lessons": array(LESSON)})


OPTION = obj({"position": INTEGER, "text": STRING})


PUBLIC_QUESTION = obj(
    {
        "id": STRING,
        "type": {"enum": QUESTION_TYPE_NAMES},
        "title": nullable(STRING),
        "prompt": STRING,
        "prompt_html": STRING,
        "section": nullable(STRING),
        "tags": array(STRING),
        "options": array(OPTION, description="choices, or matching's right-hand options"),
        "items": array(OPTION, description="matching's left-hand items"),
        "text": STRING,
        "blanks": array(obj({"position": INTEGER, "options": nullable(array(OPTION))})),
        "back": STRING,
        "max_words": nullable(INTEGER),
        "response_template": nullable(STRING),
    },
    required=["id", "type", "title", "prompt", "prompt_html", "section", "tags"],
    description="A question without its answers. Options are listed in display order (an "
    "attempt's or a review's own shuffle); each `position` is the option's place in that "
    "list, not its authored position, and responses name options by it. Staff listings keep "
    "the authored order.",
)


STAFF_QUESTION = {
    "allOf": [
        PUBLIC_QUESTION,
        obj(
            {
                "lesson": STRING,
                "explanation": nullable(STRING),
                "right_answer": STRING,
                "definition": {"type": "object", "description": "the normalised bank form"},
            }
        ),
    ]
}


QUESTION_LIST = obj(
    {
        "lesson": LESSON_REF,
        "questions": array(
            {"anyOf": [STAFF_QUESTION, PUBLIC_QUESTION]},
            description="staff get answers, learners do not",
        ),
    }
)


LEARNER_REF = obj({"id": INTEGER, "email": STRING, "display_name": STRING})
