"""Shared pieces of every question type: the grade result, the type contract and text matching."""

from __future__ import annotations

import math
import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

SCORINGS = ("auto", "manual", "self", "none")

# A score this close to 1 counts as fully correct: weights such as 3 × 33.333 % add up to
# 99.999 %, which an author means as full marks.
FULL_MARKS = 0.999

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one response; `parts` has one flag per choice, pair or blank."""

    score: float
    correct: bool
    parts: list[bool] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    right_answer: str = ""
    # True for a response a person still has to score (an essay): `score` is 0 meanwhile.
    pending: bool = False


@dataclass(frozen=True)
class Problem:
    """A validation problem: `path` locates it inside the question (for line numbers)."""

    path: Path
    message: str


def make_result(
    score: float, parts: list[bool], feedback: list[str | None], right_answer: str
) -> GradeResult:
    """Clamp the score to [0, 1], round away float noise and drop empty feedback."""
    score = round(min(1.0, max(0.0, float(score))), 6)
    return GradeResult(
        score=score,
        correct=score >= FULL_MARKS,
        parts=list(parts),
        feedback=[text for text in feedback if text],
        right_answer=right_answer,
    )


def accepted_answer_result(best: dict[str, Any] | None, right_answer: str) -> GradeResult:
    """The grade of a typed response (short answer, number): the weight and feedback of
    the best accepted answer it matched; nothing matched (None) scores 0."""
    if best is None:
        return make_result(0.0, [False], [], right_answer)
    score = best["weight"] / 100
    return make_result(score, [score >= FULL_MARKS], [best["feedback"]], right_answer)


def full_marks_problems(answers: list[dict[str, Any]]) -> list[Problem]:
    """Accepted answers must include one worth full marks, or nobody can be right."""
    if any(answer["weight"] >= 100 for answer in answers):
        return []
    return [Problem(("answers",), "no answer gives full marks; give one weight 100")]


class QuestionType(ABC):
    """What every question type module provides; the registry is the only caller."""

    name: ClassVar[str]
    # How a response scores (SCORINGS): "auto" by `grade`, "manual" by an instructor or
    # assistant (an essay is pending until then), "self" rated by the learner in review
    # (a flashcard), "none" for an item with nothing to answer (a description).
    scoring: ClassVar[str] = "auto"
    # Keys this type reads from a raw (YAML) question, shorthands included; any other
    # key beyond the common ones is unknown and kept for validation to report.
    raw_keys: ClassVar[tuple[str, ...]]
    # The key of the text the learner reads: the prompt, or a cloze's sentence.
    text_key: ClassVar[str] = "prompt"

    @abstractmethod
    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Return the type-specific keys of `raw` in normalised form (shorthands expanded).

        Anything unexpected is passed through unchanged so that validation can name it.
        """

    @property
    def gradable(self) -> bool:
        """Graded by `grade` the moment it is answered (review asks only these)."""
        return self.scoring == "auto"

    @property
    def scored(self) -> bool:
        """Counts in a quiz's score, its question count and the statistics."""
        return self.scoring in ("auto", "manual")

    @property
    def in_quiz(self) -> bool:
        """Shown in a quiz (a description in its place; flashcards only in review)."""
        return self.scoring != "self"

    @property
    def in_deck(self) -> bool:
        """Becomes a flashcard-review card: what review can grade or the learner rate."""
        return self.scoring in ("auto", "self")

    def response_problem(self, question: dict[str, Any], response: Any) -> str | None:
        """Why a well-shaped response cannot be accepted (an essay over its word limit),
        in English for the API; None when it can. Grading never raises either way."""
        return None

    def validate(self, question: dict[str, Any]) -> list[Problem]:
        """Check the rules JSON Schema cannot express; `question` is structurally valid."""
        return []

    @abstractmethod
    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        """Grade `response`; garbage of any Python type scores 0 and never raises."""

    @abstractmethod
    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        """A response that is fully right (or wholly wrong): for demos, benchmarks, tests."""

    @abstractmethod
    def describe_right_answer(self, question: dict[str, Any]) -> str:
        """The right answer as plain text for result pages."""

    @abstractmethod
    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        """The type-specific keys in their shortest YAML form (parsing it gives them back)."""

    def to_gift(self, question: dict[str, Any]) -> str:
        """The question as GIFT after its id, tag and title comments (formats/gift_write
        writes those): stem and answer block, built from formats/gift_syntax's pieces;
        `gift_syntax.Inexpressible` for a question of the type GIFT cannot say. A type GIFT
        cannot hold at all (a flashcard) leaves this out, and the writer reports it."""
        raise NotImplementedError

    def draft_answer(self, question: dict[str, Any]) -> str | None:
        """The answer as one line of text for the drafts page, or None where one line
        cannot hold it (choices, pairs): those are edited in the editor after accepting."""
        return None

    def with_draft_answer(self, question: dict[str, Any], text: str) -> dict[str, Any]:
        """`question` (a copy the caller owns) with the one-line answer `text` written in;
        ValueError with a message for the author when `text` cannot be read."""
        raise ValueError("this type's answer is edited in the question editor")


# --- building normalised dicts -------------------------------------------------------------

REQUIRED = object()


def with_defaults(raw: Any, defaults: dict[str, Any]) -> Any:
    """Copy `raw` in the key order of `defaults`, filling optional keys.

    Required keys stay missing and unknown keys are kept, so validation can report both.
    """
    if not isinstance(raw, dict):
        return raw
    out: dict[str, Any] = {}
    for key, default in defaults.items():
        if key in raw:
            out[key] = raw[key]
        elif default is not REQUIRED:
            out[key] = list(default) if isinstance(default, list) else default
    out.update((key, value) for key, value in raw.items() if key not in defaults)
    return out


def as_float(value: Any) -> Any:
    """YAML reads `100` as an int; the normalised form keeps every number as a float."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def floats(raw: Any, keys: tuple[str, ...]) -> Any:
    """Convert the numeric `keys` of a dict to floats, leaving anything else alone."""
    if isinstance(raw, dict):
        for key in keys:
            if key in raw:
                raw[key] = as_float(raw[key])
    return raw


def convert_key(raw: dict[str, Any], key: str, convert: Any) -> dict[str, Any]:
    """`{key: convert(raw[key])}`, or `{}` when the key is missing (validation reports it)."""
    return {key: convert(raw[key])} if key in raw else {}


def choice_order(raw: dict[str, Any]) -> dict[str, Any]:
    """`{"shuffle": False}` for choices that keep the authored order (Moodle's
    shuffleanswers 0: "all of the above" stays last), else `{}`: said only when false, so
    questions stored before the key keep their content hash. quiz_layout honours it."""
    return {"shuffle": raw["shuffle"]} if raw.get("shuffle") not in (None, True) else {}


def map_list(value: Any, convert: Any) -> Any:
    """Apply `convert` to each item of a list; a non-list is left for validation to report."""
    return [convert(item) for item in value] if isinstance(value, list) else value


def compact_number(value: float) -> int | float:
    """Write 100.0 as 100 in YAML; parsing turns it back into the same float."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def format_number(value: float) -> str:
    """Plain text for a number: 3 rather than 3.0, 0.1 rather than 0.1000000001."""
    number = compact_number(value)
    return str(number) if isinstance(number, int) else repr(number)


# --- reading responses ---------------------------------------------------------------------

_MAX_INDEX_DIGITS = 9  # int() of a huge digit string raises in Python >= 3.11


def as_index(value: Any, size: int) -> int | None:
    """An index into a list of `size` items, or None for anything else (bools, negatives…)."""
    if isinstance(value, str):
        text = value.strip()
        if not (text.isdecimal() and len(text) <= _MAX_INDEX_DIGITS):
            return None
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value < size else None


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d{1,6})?", re.IGNORECASE)


def parse_number(value: Any) -> Decimal | None:
    """Read a learner's number exactly: `3,5`, `3.5`, ` 3.5 ` or a Python number; else None.

    Decimal (not float) keeps boundaries exact: 3.6 is within 3.5 ± 0.1.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().replace("\u2212", "-").replace(",", ".")
    return Decimal(text) if _NUMBER.fullmatch(text) else None


# --- comparing text ------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """Drop combining marks after NFD, so "jínja" reads as "jinja" (and "año" as "ano")."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare)


def normalise_text(
    text: str, *, accent_insensitive: bool = False, case_sensitive: bool = False
) -> str:
    """Text as compared for grading: NFKC, case-folded (unless `case_sensitive`), trimmed,
    inner spaces collapsed.

    NFKC runs again after casefold because folding can leave non-normalised sequences.
    """
    text = unicodedata.normalize("NFKC", text)
    if not case_sensitive:
        text = unicodedata.normalize("NFKC", text.casefold())
    if accent_insensitive:
        text = strip_accents(text)
    return _SPACES.sub(" ", text).strip()


def texts_match(
    expected: str, given: str, *, accent_insensitive: bool = False, case_sensitive: bool = False
) -> bool:
    """Whether a learner's text equals an accepted answer under the grading normalisation."""
    options = {"accent_insensitive": accent_insensitive, "case_sensitive": case_sensitive}
    wanted = normalise_text(expected, **options)
    return bool(wanted) and wanted == normalise_text(given, **options)
