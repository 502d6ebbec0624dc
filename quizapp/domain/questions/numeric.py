"""Numeric: a number graded against value ± tolerance or min..max ranges, best weight wins."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from quizapp.domain.formats import gift_syntax as gift
from quizapp.domain.questions.base import (
    REQUIRED,
    GradeResult,
    Problem,
    QuestionType,
    accepted_answer_result,
    compact_number,
    floats,
    format_number,
    full_marks_problems,
    map_list,
    parse_number,
    with_defaults,
)

_EXACT = {"value": REQUIRED, "tolerance": 0.0, "weight": 100.0, "feedback": None}
_RANGE = {"min": REQUIRED, "max": REQUIRED, "weight": 100.0, "feedback": None}
_NUMBERS = ("value", "tolerance", "min", "max", "weight")


class Numeric(QuestionType):
    """Response: a str such as "3,5", "3.5" or " 3.5 ", or a Python number."""

    name = "numeric"
    raw_keys = ("answers", "answer", "tolerance")

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        if "answers" in raw:
            return {"answers": map_list(raw["answers"], _normalise_answer)}
        if "answer" in raw:  # shorthand: `answer: 3.5` with an optional `tolerance`
            exact = {"value": raw["answer"], "tolerance": raw.get("tolerance", 0.0)}
            return {"answers": [_normalise_answer(exact)]}
        return {}

    def validate(self, question: dict[str, Any]) -> list[Problem]:
        problems = []
        for index, answer in enumerate(question["answers"]):
            path = ("answers", index)
            numbers = [answer[key] for key in _NUMBERS if key in answer]
            if not all(math.isfinite(number) for number in numbers):
                problems.append(Problem(path, f"answer {index + 1}: numbers must be finite"))
            elif "min" in answer and answer["min"] > answer["max"]:
                problems.append(Problem(path, f"answer {index + 1}: min is greater than max"))
        return problems + full_marks_problems(question["answers"])

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        right_answer = self.describe_right_answer(question)
        number = parse_number(response)
        if number is None:
            return accepted_answer_result(None, right_answer)
        matches = [answer for answer in question["answers"] if _accepts(answer, number)]
        best = max(matches, key=lambda answer: answer["weight"], default=None)
        return accepted_answer_result(best, right_answer)

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        best = max(question["answers"], key=lambda answer: answer["weight"])
        value = best["value"] if best.get("value") is not None else best["min"]
        return str(value) if right else "-987654321"

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        full = [answer for answer in question["answers"] if answer["weight"] >= 100]
        return " / ".join(_describe(answer) for answer in full)

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        answers = question["answers"]
        only = answers[0]
        if (
            len(answers) == 1
            and "value" in only
            and only["weight"] == 100
            and only["feedback"] is None
        ):
            out: dict[str, Any] = {"answer": compact_number(only["value"])}
            if only["tolerance"]:
                out["tolerance"] = compact_number(only["tolerance"])
            return out
        return {"answers": [_answer_to_yaml(answer) for answer in answers]}

    def to_gift(self, question: dict[str, Any]) -> str:
        answers = question.get("answers")
        if answers is None:  # the bank format's shorthand: answer + tolerance
            answers = [{"value": question["answer"], "tolerance": question.get("tolerance", 0)}]
        only = answers[0]
        if len(answers) == 1 and only.get("weight", 100) == 100 and not only.get("feedback"):
            return gift.stem(question) + gift.block(["#" + _gift_value(only)], question)
        lines = ["#"]
        for answer in answers:
            weight = answer.get("weight", 100)
            prefix = "=" if weight == 100 else f"=%{gift.format_weight(weight)}%"
            lines.append(prefix + _gift_value(answer) + gift.feedback(answer.get("feedback")))
        return gift.stem(question) + gift.block(lines, question)

    def draft_answer(self, question: dict[str, Any]) -> str | None:
        return f"{question['answers'][0]['value']:g}"

    def with_draft_answer(self, question: dict[str, Any], text: str) -> dict[str, Any]:
        if not _DRAFT_NUMBER.fullmatch(text):
            raise ValueError(f"answer {text!r} is not a number")
        question["answers"][0]["value"] = float(text.replace(",", "."))
        return question


_DRAFT_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def _normalise_answer(raw: Any) -> Any:
    is_range = isinstance(raw, dict) and "value" not in raw and ("min" in raw or "max" in raw)
    return floats(with_defaults(raw, _RANGE if is_range else _EXACT), _NUMBERS)


def _exact(number: float) -> Decimal:
    """The decimal the author wrote: repr gives the shortest text of the float."""
    return Decimal(repr(float(number)))


def _accepts(answer: dict[str, Any], number: Decimal) -> bool:
    """Inclusive bounds, computed in Decimal so 3.5 ± 0.1 accepts exactly 3.4 and 3.6."""
    if "value" in answer:
        value, tolerance = _exact(answer["value"]), _exact(answer["tolerance"])
        return value - tolerance <= number <= value + tolerance
    return _exact(answer["min"]) <= number <= _exact(answer["max"])


def _describe(answer: dict[str, Any]) -> str:
    if "value" not in answer:
        return f"{format_number(answer['min'])}–{format_number(answer['max'])}"
    if answer["tolerance"]:
        return f"{format_number(answer['value'])} ± {format_number(answer['tolerance'])}"
    return format_number(answer["value"])


def _answer_to_yaml(answer: dict[str, Any]) -> dict[str, Any]:
    keys = ("value", "tolerance") if "value" in answer else ("min", "max")
    out: dict[str, Any] = {key: compact_number(answer[key]) for key in keys}
    if out.get("tolerance") == 0:
        del out["tolerance"]
    if answer["weight"] != 100:
        out["weight"] = compact_number(answer["weight"])
    if answer["feedback"] is not None:
        out["feedback"] = answer["feedback"]
    return out


def _gift_value(answer: dict) -> str:
    if "min" in answer:
        return f"{gift.format_number(answer['min'])}..{gift.format_number(answer['max'])}"
    value = gift.format_number(answer["value"])
    tolerance = answer.get("tolerance") or 0
    return f"{value}:{gift.format_number(tolerance)}" if tolerance else value
