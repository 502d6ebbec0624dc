"""Flashcard: a front (the prompt) and a back, self-rated in review and never graded.
With `reverse: true` each learner also gets a reverse card, studied back to front."""

from __future__ import annotations

from typing import Any

from quizapp.domain.questions.base import GradeResult, QuestionType


class Flashcard(QuestionType):
    """No response to grade: the learner flips the card and rates their own recall."""

    name = "flashcard"
    scoring = "self"
    raw_keys = ("back", "reverse")

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        found = {"back": raw["back"]} if "back" in raw else {}
        # Only a reverse card is said: a plain flashcard's dict stays as it always was.
        if raw.get("reverse") not in (None, False):
            found["reverse"] = raw["reverse"]
        return found

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        # A caller bug, not learner garbage: review self-rates flashcards (see is_gradable).
        raise ValueError("flashcards are self-rated, not graded")

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        raise ValueError("flashcards are self-rated; they have no response to give")

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        return question["back"]

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        written = {"back": question["back"]}
        if question.get("reverse"):
            written["reverse"] = True
        return written

    def draft_answer(self, question: dict[str, Any]) -> str | None:
        return question["back"]

    def with_draft_answer(self, question: dict[str, Any], text: str) -> dict[str, Any]:
        question["back"] = text
        return question


def reversed_card(question: dict[str, Any]) -> dict[str, Any]:
    """The question as its reverse card shows it: the back is asked, the front answers."""
    return {**question, "prompt": question["back"], "back": question["prompt"]}
