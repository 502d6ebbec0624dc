"""JSON Schemas of answering: responses to questions by type (the API layer's
per-type table, with their conversion for the grader), quiz attempts and their results,
grading by hand and flashcard reviews. Shared pieces are in quizapp.api.schemas."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quizapp.api.schemas import (
    BOOLEAN,
    CHECKED_BY_VIEW,
    DATETIME,
    INTEGER,
    LEARNER_REF,
    LESSON_REF,
    MAX_ID,
    NUMBER,
    PUBLIC_QUESTION,
    SCORE,
    SLUG,
    STRING,
    array,
    nullable,
    obj,
    text,
)
from quizapp.domain.questions.essay import MAX_CHARS as ESSAY_MAX_CHARS
from quizapp.domain.questions.tables import ANSWERED, per_type_table
from quizapp.domain.quiz_layout import response_from_places

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


def read_response(question: dict[str, Any], layout: list, response: Any) -> Any:
    """A validated API response → the shape `grade_response` expects: converted by the
    type's entry, option places (in the shown order) mapped back to authored positions."""
    domain = RESPONSES[question["type"]].to_domain(response)
    return response_from_places(question, layout, domain)


RESPONSE = {
    "description": "A response in the shape of its question's type; null or absent = unanswered.",
    "anyOf": [*RESPONSE_BY_TYPE.values(), {"type": "null"}],
    # A request's body leaves it to the view, which checks each response against its own
    # question's type (RESPONSE_BY_TYPE) with a message naming the type.
    CHECKED_BY_VIEW: True,
}


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


REVIEW_DUE_QUERY = obj(
    {
        "course": {"type": "string", "pattern": SLUG},
        "lesson": {"type": "string", "pattern": SLUG, "description": "needs `course`"},
        "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
    required=[],
    dependentRequired={"lesson": ["course"]},
)


ANSWERS_SAVED = obj(
    {
        "saved": array(INTEGER, description="the answer ids stored"),
        "deadline": nullable(DATETIME),
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
        "regrades": array(
            obj(
                {
                    "answer_id": INTEGER,
                    "question_version": INTEGER,
                    "old_score": SCORE,
                    "new_score": SCORE,
                    "old_attempt_score": SCORE,
                    "new_attempt_score": SCORE,
                    "regraded_at": DATETIME,
                }
            ),
            description="the attempt's regrade log, oldest first (empty while the review "
            "options hide the score)",
        ),
    }
)


GRADING_QUEUE_QUERY = obj(
    {
        "lesson": {"type": "string", "pattern": SLUG, "description": "lesson slug or number"},
        "question": text(80, 1, description="the question's id (its bank id)"),
        "learner": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    },
    required=[],
)


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
