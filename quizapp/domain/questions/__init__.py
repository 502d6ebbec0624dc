"""Question types: one module per type, reached only through `registry`."""

from quizapp.domain.questions.base import GradeResult
from quizapp.domain.questions.registry import (
    QUESTION_TYPES,
    describe_right_answer,
    grade_response,
    is_gradable,
    normalise_question,
    validate_question,
)

__all__ = [
    "QUESTION_TYPES",
    "GradeResult",
    "describe_right_answer",
    "grade_response",
    "is_gradable",
    "normalise_question",
    "validate_question",
]
