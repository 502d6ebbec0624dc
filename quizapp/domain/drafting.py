"""Draft questions from a lesson's Markdown notes with plain rules over the markdown-it
token stream: offline, no model; each draft names its rule, section and confidence."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizapp.domain.drafting_comparisons import (
    Comparison,
    comparison_drafts,
    comparison_in,
    proper_names,
)
from quizapp.domain.drafting_rules import (
    TEXTS,
    Candidate,
    list_drafts,
    sentence_drafts,
    table_drafts,
)
from quizapp.domain.lesson_notes import read_notes, sentences
from quizapp.domain.questions.registry import (
    check_question,
    describe_right_answer,
    normalise_question,
)

# The question types the rules draft: bold terms and names → cloze; definitions → flashcard
# (and true/false); lists → multiple_response (and true/false per item); comparisons →
# true_false and matching; negations → true_false; tables → matching; numbers → numeric.
DRAFT_TYPES = ("cloze", "flashcard", "multiple_response", "true_false", "matching", "numeric")


@dataclass(frozen=True)
class Draft:
    """A proposed question (normalised dict, `id` and `section` set) and why it exists."""

    question: dict[str, Any]
    rule: str  # definition, term, negation, number, comparison, list or table
    confidence: float  # 0–1: how likely the instructor keeps it as it is
    paragraph: str | None = None
    line: int = 0

    @property
    def id(self) -> str:
        return self.question["id"]

    @property
    def section(self) -> str | None:
        return self.question.get("section")


def draft_questions(
    markdown: str,
    *,
    lesson_number: int,
    lesson_anchor: str | None = None,
    course_markdown: Sequence[str] = (),
    existing: Iterable[Mapping[str, Any]] = (),
) -> list[Draft]:
    """Valid draft questions for a lesson, best first within document order.

    `course_markdown` holds the notes of the course's lessons (this one may be among
    them): their lists lend distractors. Drafts that duplicate one of `existing` (same
    id, same normalised prompt, or same type and right answer) or each other are left out.
    """
    notes = read_notes(markdown, lesson_anchor)
    others = [read_notes(text) for text in course_markdown]
    texts = TEXTS[notes.language]
    names = proper_names(notes)
    candidates: list[Candidate] = []
    comparisons: list[Comparison] = []
    listed = {id(item) for lst in notes.lists if lst.label for item in lst.items}
    for block in notes.blocks:
        for sentence in sentences(block):
            candidates.extend(sentence_drafts(sentence, texts, notes.language, id(block) in listed))
            comparison = comparison_in(sentence, names)
            if comparison is not None:
                comparisons.append(comparison)
    candidates.extend(comparison_drafts(comparisons, texts))
    pool = [
        item.text.strip() for other in [notes, *others] for lst in other.lists for item in lst.items
    ]
    candidates.extend(list_drafts(notes.lists, pool, texts, notes.language))
    candidates.extend(table_drafts(notes.tables, texts))
    return _finish(candidates, lesson_number, existing)


def _finish(
    candidates: list[Candidate], lesson_number: int, existing: Iterable[Mapping[str, Any]]
) -> list[Draft]:
    seen_ids, seen_prompts, seen_answers = set(), set(), set()
    for question in existing:
        seen_ids.add(question.get("id"))
        seen_prompts.add(prompt_key(question))
        seen_answers.add(answer_key(question))
    drafts: list[Draft] = []
    for raw, (rule, confidence, source) in candidates:
        raw["section"] = source.section.anchor
        raw["id"] = draft_id(lesson_number, raw)
        question, problems = check_question(raw)
        if problems:
            continue
        question.pop("lesson", None)
        keys = (question["id"], prompt_key(question), answer_key(question))
        if keys[0] in seen_ids or keys[1] in seen_prompts or keys[2] in seen_answers:
            continue
        seen_ids.add(keys[0])
        seen_prompts.add(keys[1])
        if keys[2] is not None:
            seen_answers.add(keys[2])
        drafts.append(Draft(question, rule, round(confidence, 2), source.paragraph, source.line))
    # Reading order, surest first within a block (sorted() is stable for equal keys).
    return sorted(drafts, key=lambda draft: (draft.line, -draft.confidence))


def normalised_text(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form used to spot duplicates."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def prompt_key(question: Mapping[str, Any]) -> str:
    """The prompt, plus a cloze's sentence: cloze prompts are often the same instruction."""
    return normalised_text(f"{question.get('prompt') or ''} {question.get('text') or ''}")


def answer_key(question: Mapping[str, Any]) -> tuple[str, str] | None:
    """Type and right answer; None for true/false, whose answer alone says nothing."""
    if question.get("type") == "true_false":
        return None
    try:
        answer = describe_right_answer(normalise_question(dict(question)))
    except (KeyError, TypeError, ValueError):
        return None
    return (question["type"], normalised_text(answer))


def draft_id(lesson_number: int, question: Mapping[str, Any]) -> str:
    """`draft-<lesson>-<hash>`: the same text drafts the same id on every run."""
    key = f"{question['type']}|{prompt_key(question)}"
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"draft-{lesson_number}-{digest}"
