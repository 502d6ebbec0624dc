"""Cloze: a sentence with numbered blanks `{{1}}`, `{{2}}`…; each right blank earns a share."""

from __future__ import annotations

import re
from typing import Any

from quizapp.domain.formats import gift_syntax as gift
from quizapp.domain.questions.base import (
    REQUIRED,
    GradeResult,
    Problem,
    QuestionType,
    choice_order,
    make_result,
    map_list,
    texts_match,
    with_defaults,
)

BLANK_MARKER = re.compile(r"\{\{\s*(\d+)\s*\}\}")
_BLANK = {"answers": REQUIRED, "options": None, "accent_insensitive": False}


class Cloze(QuestionType):
    """Response: a list of str, one per blank in blank order.

    A blank with `options` is a drop-down: the response must be one of its answers exactly;
    its options are shuffled unless the question says `shuffle: false` (Moodle's
    MULTICHOICE, against MULTICHOICE_S). Other blanks are compared like short answers.
    """

    name = "cloze"
    raw_keys = ("text", "blanks", "shuffle")
    text_key = "text"

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        out = {"text": raw["text"]} if "text" in raw else {}
        if "blanks" in raw:
            out["blanks"] = map_list(raw["blanks"], _normalise_blank)
        blanks = out.get("blanks")
        drop_downs = isinstance(blanks, list) and any(
            isinstance(b, dict) and b.get("options") for b in blanks
        )
        # Only drop-downs have an order to keep: without one the key would mean nothing.
        return {**out, **choice_order(raw)} if drop_downs else out

    def validate(self, question: dict[str, Any]) -> list[Problem]:
        problems = []
        markers = {int(number) for number in BLANK_MARKER.findall(question["text"])}
        expected = set(range(1, len(question["blanks"]) + 1))
        if markers != expected:
            problems.append(Problem(("text",), _marker_message(markers, expected)))
        for index, blank in enumerate(question["blanks"]):
            options = blank["options"]
            missing = [a for a in blank["answers"] if options is not None and a not in options]
            if missing:
                problems.append(
                    Problem(
                        ("blanks", index, "answers"),
                        f"blank {index + 1}: answer {missing[0]!r} is not one of its options",
                    )
                )
        return problems

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        blanks = question["blanks"]
        given = list(response) if isinstance(response, list | tuple) else []
        given += [None] * (len(blanks) - len(given))
        parts = [_blank_is_right(blank, text) for blank, text in zip(blanks, given, strict=False)]
        score = sum(parts) / len(blanks) if blanks else 0.0
        return make_result(score, parts, [], self.describe_right_answer(question))

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        return [blank["answers"][0] if right else "—" for blank in question["blanks"]]

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        """The sentence with each blank filled with its first answer."""
        blanks = question["blanks"]

        def fill(match: re.Match[str]) -> str:
            number = int(match.group(1))
            return blanks[number - 1]["answers"][0] if 0 < number <= len(blanks) else match[0]

        return BLANK_MARKER.sub(fill, question["text"])

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        blanks = [_blank_to_yaml(b) for b in question["blanks"]]
        return {"text": question["text"], "blanks": blanks, **choice_order(question)}

    def to_gift(self, question: dict[str, Any]) -> str:
        """A one-blank cloze is GIFT's missing-word form: `before {answers} after`."""
        blanks = question.get("blanks") or []
        text = question.get("text", "")
        if len(blanks) != 1 or text.count(gift.BLANK) != 1:
            raise gift.Inexpressible("GIFT's missing-word form holds exactly one blank")
        blank = blanks[0]
        options = blank.get("options")
        if options and question.get("shuffle") is False:
            raise gift.Inexpressible(gift.FIXED_ORDER)
        if options:
            right = [o for o in options if o in blank["answers"]]
            if len(right) != 1:
                raise gift.Inexpressible(
                    "a drop-down blank needs exactly one right option for GIFT"
                )
            lines = [("=" if o in right else "~") + gift.answer_text(o) for o in options]
        else:
            lines = gift.accepted([{"text": a} for a in blank["answers"]])
        before, after = text.split(gift.BLANK)
        prompt = question.get("prompt", "").strip()
        if prompt:
            before = prompt + "\n\n" + before.lstrip()
        stem = "[markdown]" + gift.escape(before.lstrip())
        return stem + gift.block(lines, question) + gift.escape(after.rstrip())

    def draft_answer(self, question: dict[str, Any]) -> str | None:
        return " | ".join(blank["answers"][0] for blank in question["blanks"])

    def with_draft_answer(self, question: dict[str, Any], text: str) -> dict[str, Any]:
        answers = [part.strip() for part in text.split("|")]
        blanks = question["blanks"]
        if len(answers) != len(blanks) or not all(answers):
            raise ValueError(f"give one answer per blank ({len(blanks)}), separated by |")
        for blank, answer in zip(blanks, answers, strict=True):
            if answer not in blank["answers"]:
                blank["answers"] = [answer]
        return question


def _normalise_blank(raw: Any) -> Any:
    """A blank may be written as one answer or a list of answers."""
    if isinstance(raw, str):
        raw = {"answers": [raw]}
    elif isinstance(raw, list):
        raw = {"answers": raw}
    return with_defaults(raw, _BLANK)


def _blank_is_right(blank: dict[str, Any], text: Any) -> bool:
    if not isinstance(text, str):
        return False
    if blank["options"] is not None:
        return text in blank["answers"]
    accent_insensitive = blank["accent_insensitive"]
    return any(
        texts_match(answer, text, accent_insensitive=accent_insensitive)
        for answer in blank["answers"]
    )


def _marker_message(markers: set[int], expected: set[int]) -> str:
    wanted = ", ".join(f"{{{{{n}}}}}" for n in sorted(expected)) or "none"
    found = ", ".join(f"{{{{{n}}}}}" for n in sorted(markers)) or "none"
    return f"the text's blank markers ({found}) must match the blanks given ({wanted})"


def _blank_to_yaml(blank: dict[str, Any]) -> Any:
    if blank["options"] is None and not blank["accent_insensitive"]:
        answers = blank["answers"]
        return answers[0] if len(answers) == 1 else list(answers)
    out: dict[str, Any] = {"answers": list(blank["answers"])}
    if blank["options"] is not None:
        out["options"] = list(blank["options"])
    if blank["accent_insensitive"]:
        out["accent_insensitive"] = True
    return out
