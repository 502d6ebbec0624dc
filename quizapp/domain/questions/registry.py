"""The one place that maps a question's `type` to its module: normalise, check, grade, describe."""

from __future__ import annotations

import copy
from typing import Any

from quizapp.domain.questions.base import GradeResult, Problem, QuestionType
from quizapp.domain.questions.cloze import Cloze
from quizapp.domain.questions.description import Description
from quizapp.domain.questions.essay import Essay
from quizapp.domain.questions.flashcard import Flashcard
from quizapp.domain.questions.matching import Matching
from quizapp.domain.questions.multiple_response import MultipleResponse
from quizapp.domain.questions.numeric import Numeric
from quizapp.domain.questions.schema import location, question_problems
from quizapp.domain.questions.short_answer import ShortAnswer
from quizapp.domain.questions.single_choice import SingleChoice
from quizapp.domain.questions.true_false import TrueFalse

QUESTION_TYPES: dict[str, QuestionType] = {
    qtype.name: qtype
    for qtype in (
        SingleChoice(),
        MultipleResponse(),
        TrueFalse(),
        ShortAnswer(),
        Numeric(),
        Matching(),
        Cloze(),
        Flashcard(),
        Essay(),
        Description(),
    )
}

# Every normalised question starts with HEAD_KEYS, then its type's keys, then TAIL_KEYS.
HEAD_KEYS = ("id", "type", "title", "prompt")
TAIL_KEYS = ("explanation", "tags", "section", "lesson")
COMMON_KEYS = HEAD_KEYS + TAIL_KEYS


def is_gradable(question_type: str) -> bool:
    """Graded automatically when answered: False for flashcards (self-rated), essays
    (graded by hand), descriptions (nothing to answer) and unknown types."""
    qtype = QUESTION_TYPES.get(question_type)
    return qtype is not None and qtype.gradable


def is_scored(question_type: str) -> bool:
    """Counts in quiz scores, question counts and statistics (auto or hand graded)."""
    qtype = QUESTION_TYPES.get(question_type)
    return qtype is not None and qtype.scored


def in_quiz(question_type: str) -> bool:
    """Shown in a quiz: the scored types and descriptions (flashcards are review only)."""
    qtype = QUESTION_TYPES.get(question_type)
    return qtype is not None and qtype.in_quiz


def in_deck(question_type: str) -> bool:
    """Becomes a review card: the auto-graded types and flashcards, never an essay (no
    one grades it at review time) or a description."""
    qtype = QUESTION_TYPES.get(question_type)
    return qtype is not None and qtype.in_deck


def response_problem(question: dict[str, Any], response: Any) -> str | None:
    """Why a response cannot be accepted (an essay over its word limit), or None."""
    return _type_of(question).response_problem(question, response)


def normalise_question(raw: dict[str, Any]) -> dict[str, Any]:
    """The normalised dict of docs/bank-format.md from a raw (YAML) question.

    Shorthands are expanded and defaults filled; required keys that are missing stay missing
    and unknown keys are kept, so `validate_question` can report them. Idempotent.
    """
    qtype = QUESTION_TYPES.get(raw.get("type"))  # type: ignore[arg-type]
    question = {key: raw[key] for key in ("id", "type") if key in raw}
    question["title"] = raw.get("title")
    if "prompt" in raw:
        question["prompt"] = raw["prompt"]
    if qtype is not None:
        question.update(qtype.normalise(raw))
    question["explanation"] = raw.get("explanation")
    tags = raw.get("tags")
    question["tags"] = [] if tags is None else list(tags) if isinstance(tags, list) else tags
    question["section"] = raw.get("section")
    question["lesson"] = raw.get("lesson")
    consumed = set(COMMON_KEYS) | set(qtype.raw_keys if qtype else ())
    question.update((key, value) for key, value in raw.items() if key not in consumed)
    return question


def semantic_problems(question: dict[str, Any]) -> list[Problem]:
    """The type's own rules (blank markers, one right choice…) on a structurally valid question."""
    return QUESTION_TYPES[question["type"]].validate(question)


def validate_question(question: dict[str, Any]) -> list[str]:
    """Human-readable problems of a question; empty when it can be saved and graded."""
    return check_question(question)[1]


def check_question(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Validate and normalise in one pass: (the normalised question, no problems), or
    (the raw question, its problems). Saves callers normalising a second time."""
    problems = question_problems(raw)
    if problems:
        return raw, [problem.message for problem in problems]
    question = normalise_question(raw)
    return question, [problem.message for problem in semantic_problems(question)]


def grade_response(question: dict[str, Any], response: Any) -> GradeResult:
    """Grade a learner's response to a valid normalised question.

    Any malformed response (wrong Python type, index out of range, None…) scores 0.
    Raises ValueError for a flashcard, which is self-rated (see `is_gradable`).
    """
    return _type_of(question).grade(question, response)


def describe_right_answer(question: dict[str, Any]) -> str:
    """The right answer as plain text for result pages (a flashcard's back)."""
    return _type_of(question).describe_right_answer(question)


def example_response(question: dict[str, Any], right: bool = True) -> Any:
    """A fully right (or wholly wrong) response to a gradable question."""
    return _type_of(question).example_response(question, right)


def main_text(question: dict[str, Any]) -> str:
    """What the learner reads: a cloze's sentence, otherwise the prompt."""
    return question[_type_of(question).text_key]


def with_main_text(question: dict[str, Any], text: str) -> dict[str, Any]:
    return {**question, _type_of(question).text_key: text}


def draft_answer(question: dict[str, Any]) -> str | None:
    """The answer as one line of text, or None where the editor must change it."""
    return _type_of(question).draft_answer(question)


def with_draft_answer(question: dict[str, Any], text: str) -> dict[str, Any]:
    """A deep copy of `question` with the one-line answer written in (ValueError when
    `text` cannot be read as this type's answer)."""
    return _type_of(question).with_draft_answer(copy.deepcopy(question), text)


def question_to_yaml(question: dict[str, Any]) -> dict[str, Any]:
    """The shortest YAML form of a normalised question, without its lesson (the bank adds it)."""
    out: dict[str, Any] = {"id": question["id"], "type": question["type"]}
    if question.get("title") is not None:
        out["title"] = question["title"]
    out["prompt"] = question["prompt"]
    out.update(_type_of(question).to_yaml(question))
    if question.get("explanation") is not None:
        out["explanation"] = question["explanation"]
    if question.get("tags"):
        out["tags"] = list(question["tags"])
    if question.get("section") is not None:
        out["section"] = question["section"]
    return out


def _type_of(question: dict[str, Any]) -> QuestionType:
    try:
        return QUESTION_TYPES[question["type"]]
    except KeyError:
        raise ValueError(f"unknown question type {question.get('type')!r}") from None


__all__ = [
    "QUESTION_TYPES",
    "check_question",
    "describe_right_answer",
    "draft_answer",
    "example_response",
    "grade_response",
    "in_deck",
    "in_quiz",
    "is_gradable",
    "is_scored",
    "location",
    "main_text",
    "normalise_question",
    "question_to_yaml",
    "response_problem",
    "validate_question",
    "with_draft_answer",
    "with_main_text",
]
