"""Multiple response: any subset of choices; each choice carries a GIFT-style percent weight."""

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
    compact_number,
    floats,
    make_result,
    with_defaults,
)

_CHOICE = {"text": REQUIRED, "weight": 0.0, "feedback": None}
# Positive weights must add up to 100 %; this slack absorbs 3 × 33.33 and similar.
_SUM_TOLERANCE = 0.01


class MultipleResponse(QuestionType):
    """Response: a set (or list) of picked choice indexes; score = Σ picked weights / 100."""

    name = "multiple_response"
    raw_keys = ("choices", "shuffle")

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        if "choices" not in raw:
            return choice_order(raw)
        choices = raw["choices"]
        if not isinstance(choices, list):
            return {"choices": choices, **choice_order(raw)}
        return {"choices": _weighted_choices(choices), **choice_order(raw)}

    def validate(self, question: dict[str, Any]) -> list[Problem]:
        positive = sum(c["weight"] for c in question["choices"] if c["weight"] > 0)
        if positive <= 0:
            return [
                Problem(
                    ("choices",),
                    "no choice has a positive weight; mark at least one choice `correct: true`",
                )
            ]
        if abs(positive - 100) > _SUM_TOLERANCE:
            return [
                Problem(
                    ("choices",),
                    f"the positive weights add up to {positive:g}%; they must add up to 100%",
                )
            ]
        return []

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        choices = question["choices"]
        picked = _picked_indexes(response, len(choices))
        right_answer = self.describe_right_answer(question)
        if picked is None:
            return make_result(0.0, [False] * len(choices), [], right_answer)
        parts = [(i in picked) == (c["weight"] > 0) for i, c in enumerate(choices)]
        score = sum(choices[i]["weight"] for i in picked) / 100
        feedback = [choices[i]["feedback"] for i in sorted(picked)]
        return make_result(score, parts, feedback, right_answer)

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        return [i for i, c in enumerate(question["choices"]) if (c["weight"] > 0) == right]

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        return "; ".join(c["text"] for c in question["choices"] if c["weight"] > 0)

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        choices = []
        for choice in question["choices"]:
            item: dict[str, Any] = {
                "text": choice["text"],
                "weight": compact_number(choice["weight"]),
            }
            if choice["feedback"] is not None:
                item["feedback"] = choice["feedback"]
            choices.append(item)
        return {"choices": choices, **choice_order(question)}

    def to_gift(self, question: dict[str, Any]) -> str:
        if question.get("shuffle") is False:
            raise gift.Inexpressible(gift.FIXED_ORDER)
        # GIFT rule: `~%n%` marks a weighted choice of a multiple-answer question.
        lines = [
            f"~%{gift.format_weight(c['weight'])}%"
            + gift.answer_text(c["text"])
            + gift.feedback(c.get("feedback"))
            for c in question["choices"]
        ]
        return gift.stem(question) + gift.block(lines, question)


def _weighted_choices(choices: list[Any]) -> list[Any]:
    """Expand the `correct: true/false` shorthand: right ones share +100, wrong ones -100.

    A question that gives any `weight` is read as weights throughout (mixing is a schema error).
    """
    dicts = [choice for choice in choices if isinstance(choice, dict)]
    if any("weight" in choice for choice in dicts):
        return [floats(with_defaults(choice, _CHOICE), ("weight",)) for choice in choices]
    right = sum(1 for choice in dicts if choice.get("correct") is True)
    wrong = len(dicts) - right
    out = []
    for choice in choices:
        if not isinstance(choice, dict):
            out.append(choice)
            continue
        is_right = choice.get("correct") is True
        weight = 100 / right if is_right else -100 / wrong
        rest = {key: value for key, value in choice.items() if key != "correct"}
        out.append(with_defaults({**rest, "weight": weight}, _CHOICE))
    return out


def _picked_indexes(response: Any, size: int) -> set[int] | None:
    """The set of picked indexes, or None when any item is not a valid index."""
    if not isinstance(response, set | frozenset | list | tuple):
        return None
    picked = {as_index(item, size) for item in response}
    return None if None in picked else picked  # type: ignore[return-value]
