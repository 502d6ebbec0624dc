"""Single choice: one of N choices is right; the learner picks one and scores 1 or 0."""

from __future__ import annotations

from typing import Any

from quizapp.domain.formats import gift_syntax as gift
from quizapp.domain.questions.base import (
    REQUIRED,
    GradeResult,
    Problem,
    QuestionType,
    as_index,
    choice_order,
    convert_key,
    make_result,
    map_list,
    with_defaults,
)

_CHOICE = {"text": REQUIRED, "correct": False, "feedback": None}


class SingleChoice(QuestionType):
    """Response: the int index of the picked choice."""

    name = "single_choice"
    raw_keys = ("choices", "shuffle")

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        choices = convert_key(raw, "choices", lambda items: map_list(items, _normalise_choice))
        return {**choices, **choice_order(raw)}

    def validate(self, question: dict[str, Any]) -> list[Problem]:
        correct = [choice for choice in question["choices"] if choice["correct"]]
        if not correct:
            return [Problem(("choices",), "no choice is marked `correct: true`; mark exactly one")]
        if len(correct) > 1:
            return [
                Problem(
                    ("choices",),
                    f"{len(correct)} choices are marked `correct: true`; a single-choice "
                    "question needs exactly one (use multiple_response for several)",
                )
            ]
        return []

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        choices = question["choices"]
        picked = as_index(response, len(choices))
        parts = [(index == picked) == choice["correct"] for index, choice in enumerate(choices)]
        if picked is None:
            return make_result(0.0, parts, [], self.describe_right_answer(question))
        choice = choices[picked]
        return make_result(
            1.0 if choice["correct"] else 0.0,
            parts,
            [choice["feedback"]],
            self.describe_right_answer(question),
        )

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        return next(i for i, c in enumerate(question["choices"]) if c["correct"] == right)

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        return "; ".join(c["text"] for c in question["choices"] if c["correct"])

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        choices = []
        for choice in question["choices"]:
            item: dict[str, Any] = {"text": choice["text"]}
            if choice["correct"]:
                item["correct"] = True
            if choice["feedback"] is not None:
                item["feedback"] = choice["feedback"]
            choices.append(item)
        return {"choices": choices, **choice_order(question)}

    def to_gift(self, question: dict[str, Any]) -> str:
        if question.get("shuffle") is False:
            raise gift.Inexpressible(gift.FIXED_ORDER)
        lines = [
            ("=" if c.get("correct") else "~")
            + gift.answer_text(c["text"])
            + gift.feedback(c.get("feedback"))
            for c in question["choices"]
        ]
        return gift.stem(question) + gift.block(lines, question)


def _normalise_choice(raw: Any) -> Any:
    return with_defaults(raw, _CHOICE)
