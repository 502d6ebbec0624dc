"""Description: an information item (a case text, instructions) with nothing to answer."""

from __future__ import annotations

from typing import Any

from quizapp.domain.formats import gift_syntax as gift
from quizapp.domain.questions.base import GradeResult, QuestionType


class Description(QuestionType):
    """Shown in a quiz in its place; never graded, counted or made a card (SPEC §4)."""

    name = "description"
    scoring = "none"
    raw_keys = ()

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {}

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        # A caller bug: descriptions are left out of scores (see QuestionType.scored).
        raise ValueError("descriptions have nothing to grade")

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        raise ValueError("descriptions have nothing to answer")

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        return ""

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        return {}

    def to_gift(self, question: dict[str, Any]) -> str:
        """GIFT rule: text without an answer block is a description; it has no general
        feedback, so an explanation cannot travel."""
        if question.get("explanation") and question["explanation"].strip():
            raise gift.Inexpressible("a GIFT description has no place for an explanation")
        return gift.stem(question)
