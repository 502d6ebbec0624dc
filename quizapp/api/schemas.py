"""JSON Schemas (draft 2020-12) of the API's request and response bodies, defined once:
the views validate requests with them and quizapp.api.openapi builds the document from them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quizapp.domain.formats.registry import importable
from quizapp.domain.questions.essay import MAX_CHARS as ESSAY_MAX_CHARS
from quizapp.domain.questions.registry import QUESTION_TYPES
from quizapp.domain.questions.tables import ANSWERED, per_type_table

# PostgreSQL text cannot hold NUL; the API refuses it in every string it accepts.
NO_NUL = r"^[^\u0000]*$"
SLUG = r"^[a-z0-9][a-z0-9-]{0,159}$"
# Ids beyond a 32-bit integer column name nothing; the views answer 404 before querying.
MAX_ID = 2**31 - 1
QUESTION_TYPE_NAMES = sorted(QUESTION_TYPES)
# The formats table's importable rows (a binary one only as a multipart upload).
FORMATS = [fmt.name for fmt in importable()]


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

# --- errors ------------------------------------------------------------------------------

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

# --- responses to questions, by type (docs/bank-format.md) ----------------------------------

POSITION = {"type": "integer", "minimum": 0, "maximum": 999}


def _as_sent(response: Any) -> Any:
    return response


def _pairs(response: dict[str, int] | list[int]) -> dict[int, int]:
    """JSON object keys are strings (a list in left order is also accepted); grading
    wants int left positions."""
    if isinstance(response, list):
        return dict(enumerate(response))
    return {int(key): value for key, value in response.items()}


@dataclass(frozen=True)
class ResponseShape:
    """How a response to one type is sent (its JSON Schema) and read into the shape
    `grade_response` expects (after it validated)."""

    schema: dict[str, Any]
    to_domain: Callable[[Any], Any] = _as_sent


RESPONSES: dict[str, ResponseShape] = per_type_table(
    "API response",
    {
        "single_choice": ResponseShape(
            {**POSITION, "description": "`position` of the chosen option as listed"}
        ),
        "multiple_response": ResponseShape(array(POSITION, maxItems=100, uniqueItems=True)),
        "true_false": ResponseShape(BOOLEAN),
        "short_answer": ResponseShape(text(500)),
        "numeric": ResponseShape(
            {"anyOf": [{"type": "number"}, text(100)], "description": '3.5, "3,5"…'}
        ),
        "matching": ResponseShape(
            {
                "anyOf": [
                    {
                        "type": "object",
                        "patternProperties": {"^[0-9]{1,3}$": POSITION},
                        "additionalProperties": False,
                        "maxProperties": 100,
                        "description": "left position → option position",
                    },
                    array(POSITION, maxItems=100, description="option positions in left order"),
                ]
            },
            _pairs,
        ),
        "cloze": ResponseShape(array(text(200), maxItems=50, description="one text per blank")),
        "essay": ResponseShape(
            text(ESSAY_MAX_CHARS, description="free text, within the question's `max_words`")
        ),
    },
    scorings=ANSWERED,
)
RESPONSE_BY_TYPE: dict[str, dict[str, Any]] = {
    name: shape.schema for name, shape in RESPONSES.items()
}
RESPONSE = {
    "description": "A response in the shape of its question's type; null or absent = unanswered.",
    "anyOf": [*RESPONSE_BY_TYPE.values(), {"type": "null"}],
}

# --- requests ----------------------------------------------------------------------------

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

ANSWERS = array(
    obj(
        {"answer_id": {"type": "integer", "minimum": 1}, "response": RESPONSE},
        required=["answer_id"],
        additionalProperties=False,
    ),
    maxItems=500,
)
SUBMIT_REQUEST = obj(
    {
        "answers": ANSWERS,
        "confirm_unanswered": {
            **BOOLEAN,
            "description": "the learner confirmed submitting with questions unanswered "
            "(without it, blanks are refused with 409 `unanswered` listing them)",
        },
    },
    required=["answers"],
    additionalProperties=False,
)
SAVE_ANSWERS_REQUEST = obj(
    {"answers": ANSWERS},
    additionalProperties=False,
    description="Answers to keep without submitting (autosave); `response: null` clears one.",
)

REVIEW_REQUEST = obj(
    {
        "rating": {
            "type": "integer",
            "minimum": 1,
            "maximum": 4,
            "description": "1 Again, 2 Hard, 3 Good, 4 Easy",
        },
        "response": {
            **RESPONSE,
            "description": "For objective questions: graded first; a "
            "wrong answer is rated Again whatever `rating` says.",
        },
        "expected_reps": {
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_ID,
            "description": "The card's `reps` when shown; a mismatch is 409.",
        },
        "duration_ms": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    },
    required=["rating"],
    additionalProperties=False,
)

LESSON_KEY = {
    "anyOf": [text(160, 1), {"type": "integer", "minimum": 0, "maximum": MAX_ID}],
    "description": "lesson slug or number; every question of the file goes there",
}
IMPORT_JSON_REQUEST = obj(
    {
        "format": {"enum": FORMATS},
        "text": text(4 * 1024 * 1024),
        "lesson": LESSON_KEY,
        "filename": text(200, 1),
        "dry_run": BOOLEAN,
    },
    required=["format", "text"],
    additionalProperties=False,
)
IMPORT_MULTIPART_REQUEST = obj(
    {
        "file": {"type": "string", "format": "binary"},
        "format": {"enum": FORMATS},
        "lesson": text(160, 1),
        "dry_run": {"enum": ["true", "false"]},
    },
    required=["file"],
)

REVIEW_DUE_QUERY = obj(
    {
        "course": {"type": "string", "pattern": SLUG},
        "lesson": {"type": "string", "pattern": SLUG, "description": "needs `course`"},
        "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
    required=[],
    dependentRequired={"lesson": ["course"]},
)
COURSE_STATS_QUERY = obj(
    {"group": {"type": "integer", "minimum": 1, "description": "a group id of the course"}},
    required=[],
)

# --- responses ---------------------------------------------------------------------------

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
ANSWERS_SAVED = obj(
    {
        "saved": array(INTEGER, description="the answer ids stored"),
        "deadline": nullable(DATETIME),
    }
)
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

ATTEMPT_QUESTION = obj(
    {
        "answer_id": INTEGER,
        "position": INTEGER,
        "question": PUBLIC_QUESTION,
        "response": {"description": "the autosaved response, as sent (null: none yet)"},
    }
)
ATTEMPT_STARTED = obj(
    {
        "id": INTEGER,
        "lesson": LESSON_REF,
        "number": INTEGER,
        "started_at": DATETIME,
        "submitted": BOOLEAN,
        "preview": {**BOOLEAN, "description": "a staff preview: not learner data"},
        "deadline": {
            **nullable(DATETIME),
            "description": "when answers stop counting (null: no time limit or close date)",
        },
        "questions": array(ATTEMPT_QUESTION),
    }
)

GRADED_ANSWER = obj(
    {
        "answer_id": INTEGER,
        "position": INTEGER,
        "question": PUBLIC_QUESTION,
        "response": {},
        "answered": {**BOOLEAN, "description": "false: left blank (scored 0)"},
        "score": {**nullable(SCORE), "description": "null while the review options hide it"},
        "correct": {**nullable(BOOLEAN), "description": "null while hidden"},
        "right_answer": {**nullable(STRING), "description": "null while hidden"},
        "feedback": array(STRING),
        "explanation": nullable(STRING),
        "grading": {
            "enum": ["automatic", "pending", "by_hand", "none"],
            "description": "how the answer scores: `pending` (an essay awaiting its grade; "
            "`score` null) until graded `by_hand`; `none` for a description (not counted)",
        },
        "comment": nullable(STRING),
    }
)
ATTEMPT_RESULT = obj(
    {
        "id": INTEGER,
        "lesson": LESSON_REF,
        "number": INTEGER,
        "started_at": DATETIME,
        "submitted_at": DATETIME,
        "score": {**nullable(SCORE), "description": "null while the review options hide it"},
        "question_count": INTEGER,
        "grading": {
            "enum": ["pending", "complete"],
            "description": "`pending` while essays await a grade by hand: `score` counts "
            "them as 0 until then (a floor that grading only raises)",
        },
        "pending_answers": INTEGER,
        "shown": obj(
            {part: BOOLEAN for part in ("score", "correctness", "answers", "feedback")},
            description="what the lesson's review options show the caller now",
        ),
        "answers": array(GRADED_ANSWER),
    }
)

# --- grading by hand (essays) ----------------------------------------------------------------

GRADING_QUEUE_QUERY = obj(
    {
        "lesson": {"type": "string", "pattern": SLUG, "description": "lesson slug or number"},
        "question": text(80, 1, description="the question's id (its bank id)"),
        "learner": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    },
    required=[],
)
LEARNER_REF = obj({"id": INTEGER, "email": STRING, "display_name": STRING})
QUEUED_ANSWER = obj(
    {
        "answer_id": INTEGER,
        "attempt_id": INTEGER,
        "learner": LEARNER_REF,
        "lesson": LESSON_REF,
        "question": obj(
            {
                "id": STRING,
                "title": nullable(STRING),
                "prompt": STRING,
                "max_words": nullable(INTEGER),
                "grader_notes": nullable(STRING),
            }
        ),
        "response": STRING,
        "submitted_at": DATETIME,
    }
)
GRADING_QUEUE = obj({"answers": array(QUEUED_ANSWER)})
GRADE_REQUEST = obj(
    {
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "comment": nullable(text(5000, description="Markdown the learner reads with the grade")),
    },
    required=["score"],
    additionalProperties=False,
)
GRADE_GIVEN = obj(
    {
        "answer_id": INTEGER,
        "score": SCORE,
        "comment": nullable(STRING),
        "attempt": obj(
            {
                "id": INTEGER,
                "score": SCORE,
                "pending_answers": INTEGER,
                "grading": {"enum": ["pending", "complete"]},
            }
        ),
    }
)

CARD_STATE = obj(
    {
        "id": INTEGER,
        "state": INTEGER,
        "due": DATETIME,
        "reps": INTEGER,
        "lapses": INTEGER,
        "stability": nullable(NUMBER),
        "difficulty": nullable(NUMBER),
        "last_review": nullable(DATETIME),
    }
)
DUE_CARD = obj({"card": CARD_STATE, "lesson": LESSON_REF, "question": PUBLIC_QUESTION})
REVIEW_DUE = obj(
    {
        "review_count": INTEGER,
        "new_count": INTEGER,
        "total": INTEGER,
        "cards": array(DUE_CARD),
    }
)
GRADE = obj({"score": SCORE, "correct": BOOLEAN, "right_answer": STRING, "feedback": array(STRING)})
REVIEW_RESULT = obj(
    {
        "card": CARD_STATE,
        "rating": {"type": "integer", "minimum": 1, "maximum": 4},
        "grade": nullable(GRADE),
    }
)

LESSON_PROGRESS = obj(
    {
        "lesson": LESSON_REF,
        "question_count": INTEGER,
        "attempts": INTEGER,
        "grade": {
            **nullable(SCORE),
            "description": "the lesson's grade by its grading method (quiz.grading)",
        },
        "best_score": nullable(SCORE),
        "last_score": nullable(SCORE),
        "mastered": INTEGER,
        "mastery": nullable(NUMBER),
    }
)
PROGRESS = obj(
    {
        "lessons": array(LESSON_PROGRESS),
        "due_today": INTEGER,
        "forecast": array(obj({"date": DATE, "due": INTEGER})),
        "streak": INTEGER,
        "accuracy": array(
            obj({"week_start": DATE, "answers": INTEGER, "accuracy": nullable(NUMBER)})
        ),
    }
)

NUMBER_OR_NULL = nullable(NUMBER)
COURSE_STATS = obj(
    {
        "course": COURSE_REF,
        "group_id": nullable(INTEGER),
        "active_7_days": INTEGER,
        "active_30_days": INTEGER,
        "lessons": array(
            obj(
                {
                    "lesson": LESSON_REF,
                    "question_count": INTEGER,
                    "learners_completed": INTEGER,
                    "completion": NUMBER_OR_NULL,
                    "mean_best_score": NUMBER_OR_NULL,
                    "first_attempts": INTEGER,
                    "first_mean": NUMBER_OR_NULL,
                    "first_sd": NUMBER_OR_NULL,
                    "alpha": NUMBER_OR_NULL,
                }
            )
        ),
        "questions": array(
            obj(
                {
                    "id": STRING,
                    "type": STRING,
                    "title": STRING,
                    "lesson_number": INTEGER,
                    "attempts": INTEGER,
                    "facility": NUMBER_OR_NULL,
                    "discrimination": NUMBER_OR_NULL,
                    "flags": array(STRING),
                    "choices": array(
                        obj(
                            {
                                "position": INTEGER,
                                "label": STRING,
                                "text": STRING,
                                "is_correct": BOOLEAN,
                                "count": INTEGER,
                                "share": NUMBER_OR_NULL,
                            }
                        )
                    ),
                }
            )
        ),
        "learners": array(
            obj(
                {
                    "user_id": INTEGER,
                    "email": STRING,
                    "display_name": STRING,
                    "attempts": INTEGER,
                    "lessons_completed": INTEGER,
                    "mean_grade": NUMBER_OR_NULL,
                    "mean_best_score": NUMBER_OR_NULL,
                    "reviews": INTEGER,
                    "last_activity": nullable(DATETIME),
                }
            )
        ),
    }
)

IMPORT_RESULT = obj(
    {
        "filename": STRING,
        "format": {"enum": FORMATS},
        "applied": BOOLEAN,
        "created": array(STRING),
        "updated": array(STRING),
        "unchanged": array(STRING),
        "kept": array(STRING),
        "unsupported": array(STRING),
        "warnings": array(STRING),
        "summary": STRING,
    }
)

# --- media ---------------------------------------------------------------------------------

MEDIA_MULTIPART_REQUEST = obj(
    {
        "file": {"type": "string", "format": "binary"},
        "alt": text(300, 1, description="what learners who cannot see (or hear) it read"),
    },
    required=["file", "alt"],
)
MEDIA_STORED = obj(
    {
        "name": STRING,
        "url": STRING,
        "markdown": STRING,
        "kind": {"enum": ["image", "audio"]},
        "content_type": STRING,
        "size": INTEGER,
        "width": nullable(INTEGER),
        "height": nullable(INTEGER),
    }
)
