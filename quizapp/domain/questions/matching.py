"""Matching: pair each left item with a right one; each right pair earns an equal share."""

from __future__ import annotations

from typing import Any

from quizapp.domain.formats import gift_syntax as gift
from quizapp.domain.questions.base import (
    REQUIRED,
    GradeResult,
    Problem,
    QuestionType,
    as_index,
    make_result,
    map_list,
    normalise_text,
    with_defaults,
)

_PAIR = {"left": REQUIRED, "right": REQUIRED}


class Matching(QuestionType):
    """Response: `{left index: option index}` (or a list in left order), where the options are
    the pairs' rights followed by the distractors (see `options`)."""

    name = "matching"
    raw_keys = ("pairs", "distractors")

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        out = {"pairs": map_list(raw["pairs"], _normalise_pair)} if "pairs" in raw else {}
        distractors = raw.get("distractors")
        out["distractors"] = [] if distractors is None else distractors
        return out

    def validate(self, question: dict[str, Any]) -> list[Problem]:
        seen: set[str] = set()
        problems = []
        for index, pair in enumerate(question["pairs"]):
            left = normalise_text(pair["left"])
            if left in seen:
                problems.append(
                    Problem(
                        ("pairs", index, "left"),
                        f"pair {index + 1}: left item "
                        f"{pair['left']!r} appears twice; each left item must be unique",
                    )
                )
            seen.add(left)
        return problems

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        pairs = question["pairs"]
        options = self.options(question)
        chosen = _chosen_options(response, len(pairs), len(options))
        parts = [
            index in chosen and options[chosen[index]] == pair["right"]
            for index, pair in enumerate(pairs)
        ]
        score = sum(parts) / len(pairs) if pairs else 0.0
        return make_result(score, parts, [], self.describe_right_answer(question))

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        count = len(question["pairs"])
        return {i: i if right else (i + 1) % count for i in range(count)}

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        return "; ".join(f"{pair['left']} → {pair['right']}" for pair in question["pairs"])

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pairs": [{"left": p["left"], "right": p["right"]} for p in question["pairs"]]
        }
        if question["distractors"]:
            out["distractors"] = list(question["distractors"])
        return out

    def to_gift(self, question: dict[str, Any]) -> str:
        lines = []
        for pair in question["pairs"]:
            if "->" in pair["left"]:
                raise gift.Inexpressible("a left-hand item contains '->', GIFT's pair separator")
            lines.append(
                "=" + gift.answer_text(pair["left"]) + " -> " + gift.escape(pair["right"].strip())
            )
        # GIFT rule: a pair with an empty left side is an extra, never-matching right item.
        lines += ["= -> " + gift.escape(d.strip()) for d in question.get("distractors") or []]
        return gift.stem(question) + gift.block(lines, question)

    @staticmethod
    def options(question: dict[str, Any]) -> list[str]:
        """The right-hand options a response indexes: pair rights, then distractors.

        The web layer shuffles their display but submits these indexes.
        """
        return [pair["right"] for pair in question["pairs"]] + list(question["distractors"])


def _normalise_pair(raw: Any) -> Any:
    return with_defaults(raw, _PAIR)


def _chosen_options(response: Any, lefts: int, options: int) -> dict[int, int]:
    """Valid `left → option` entries of a response; anything malformed is simply not chosen.

    Rights are compared by text, so two pairs sharing a right answer accept either index.
    """
    if isinstance(response, list | tuple):
        response = dict(enumerate(response))
    if not isinstance(response, dict):
        return {}
    chosen = {}
    for key, value in response.items():
        left, option = as_index(key, lefts), as_index(value, options)
        if left is not None and option is not None:
            chosen[left] = option
    return chosen
