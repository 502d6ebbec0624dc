"""Moodle's embedded answers (Cloze): `{1:MULTICHOICE:=right#feedback~wrong}` inside a text.

Each `{weight:TYPE:answers}` is one sub-question. Answers are separated by `~`; `=` or
`%n%` before an answer gives its credit (none: 0), `#` starts its feedback, a numerical
answer is `value:tolerance`, and `\\` escapes `} ~ # / " \\`. QuizApp's cloze blanks are
all-or-nothing text or drop-down answers, so what they cannot hold is reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from quizapp.domain.formats.rich_text import html_to_plain

# Moodle's sub-question type names, long and short, by what QuizApp makes of them.
_KINDS = {
    "short": ("SHORTANSWER", "SA", "MW"),
    "short_case": ("SHORTANSWER_C", "SAC", "MWC"),
    "numeric": ("NUMERICAL", "NM"),
    "choice": (
        "MULTICHOICE",
        "MC",
        "MULTICHOICE_V",
        "MCV",
        "MULTICHOICE_H",
        "MCH",
        "MULTICHOICE_S",
        "MCS",
        "MULTICHOICE_VS",
        "MCVS",
        "MULTICHOICE_HS",
        "MCHS",
    ),
    "multi": (
        "MULTIRESPONSE",
        "MR",
        "MULTIRESPONSE_H",
        "MRH",
        "MULTIRESPONSE_S",
        "MRS",
        "MULTIRESPONSE_HS",
        "MRHS",
    ),
}
_KIND_OF = {name: kind for kind, names in _KINDS.items() for name in names}
_NAMES = "|".join(sorted(_KIND_OF, key=len, reverse=True))
EMBEDDED = re.compile(r"\{(\d*):(" + _NAMES + r"):((?:\\.|[^\\}])*)\}", re.DOTALL)
_FRACTION = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_ESCAPABLE = '}~#/"\\:'


class NotABlank(Exception):
    """A sub-question QuizApp's cloze cannot hold at all (the whole question is skipped)."""


@dataclass
class SubAnswer:
    text: str
    fraction: float
    feedback: str


@dataclass
class Blank:
    """One converted sub-question and what of it was not kept."""

    blank: dict
    weight: int
    dropped: list[str] = field(default_factory=list)
    # For a drop-down: whether Moodle shuffles its options (the _S kinds); else None.
    shuffled: bool | None = None


def split_unescaped(text: str, separator: str) -> list[str]:
    parts, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


# At an answer's start `=` and `%` would be read as its credit, so there they are escaped.
_CREDIT_MARKS = "=%"


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: m[1] if m[1] in _ESCAPABLE + _CREDIT_MARKS else m[0], text)


def escape(text: str) -> str:
    escaped = "".join("\\" + char if char in _ESCAPABLE else char for char in text)
    return "\\" + escaped if escaped[:1] and escaped[0] in _CREDIT_MARKS else escaped


def read_answers(body: str) -> list[SubAnswer]:
    answers = []
    for part in split_unescaped(body, "~"):
        fraction = 0.0
        if part.startswith("="):
            fraction, part = 100.0, part[1:]
        elif match := _FRACTION.match(part):
            fraction, part = float(match[1]), part[match.end() :]
        pieces = split_unescaped(part, "#")
        text, feedback = pieces[0], "#".join(pieces[1:])
        text = unescape(text)
        # Markup inside an answer is dropped; plain text is kept exactly (grading trims it).
        text = html_to_plain(text) if "<" in text else text
        answers.append(SubAnswer(text, fraction, unescape(feedback)))
    return answers


def read_blank(match: re.Match[str]) -> Blank:
    """The QuizApp blank of one embedded sub-question; raises NotABlank for what has none."""
    weight = int(match[1]) if match[1] else 1
    kind = _KIND_OF[match[2]]
    answers = read_answers(match[3])
    if kind == "multi":
        raise NotABlank(f"{match[2]} (several answers in one blank)")
    dropped: list[str] = []
    if any(a.feedback.strip() for a in answers):
        dropped.append("per-answer feedback in blanks")
    if any(0 < a.fraction < 100 for a in answers):
        dropped.append("partial credit in blanks")
    if kind == "choice":
        right = list(dict.fromkeys(a.text for a in answers if a.fraction >= 100))
        blank = {"answers": right, "options": [a.text for a in answers]}
    else:
        right = [a.text for a in answers if a.fraction >= 100 and a.text.strip() != "*"]
        if kind == "numeric":
            right = [_numeric_text(a.text, dropped) for a in answers if a.fraction >= 100]
            right = [text for text in right if text]
        if kind == "short_case":
            dropped.append("case-sensitive blanks (compared ignoring case)")
        blank = {"answers": right, "options": None}
    if any(a.text.strip() == "*" for a in answers):
        dropped.append("the `*` any-other-answer of a blank")
    if not right:
        raise NotABlank(f"{match[2]} with no fully right answer")
    blank["accent_insensitive"] = False
    shuffled = match[2].endswith("S") if kind == "choice" else None
    return Blank(blank, weight, dropped, shuffled)


def _numeric_text(text: str, dropped: list[str]) -> str:
    value, _, tolerance = text.partition(":")
    try:
        if tolerance.strip() and Decimal(tolerance.strip()) != 0:
            dropped.append("numerical tolerance in blanks (only the exact value is accepted)")
    except InvalidOperation:
        dropped.append("an unreadable numerical tolerance in a blank")
    return value.strip() if value.strip() != "*" else ""


def write_blank(number_weight: int, blank: dict, shuffled: bool = True) -> str:
    """A QuizApp blank as an embedded sub-question: a drop-down is MULTICHOICE_S, or
    MULTICHOICE when its options keep their order; any other blank SHORTANSWER."""
    if blank.get("options") is not None:
        answers = blank["answers"]
        parts = [("=" if option in answers else "") + escape(option) for option in blank["options"]]
        kind = "MULTICHOICE_S" if shuffled else "MULTICHOICE"
        return f"{{{number_weight}:{kind}:{'~'.join(parts)}}}"
    parts = ["=" + escape(answer) for answer in blank["answers"]]
    return f"{{{number_weight}:SHORTANSWER:{'~'.join(parts)}}}"
