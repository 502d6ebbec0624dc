"""The comparison rule of drafting: "A … mientras que B …" (or "whereas") in a lesson's
notes becomes true/false statements, some swapped, and a matching question per pair."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quizapp.domain.drafting_rules import COMPARISON, capitalised, source
from quizapp.domain.lesson_notes import LessonNotes, Sentence, sentences

_ARTICLES = frozenset(("el", "la", "los", "las", "un", "una", "unos", "unas", "the", "a", "an"))


@dataclass(frozen=True)
class Comparison:
    subjects: tuple[str, str]
    predicates: tuple[str, str]
    sentence: Sentence


def proper_names(notes: LessonNotes) -> dict[str, str]:
    """Words written with a capital somewhere other than at a sentence start."""
    names: dict[str, str] = {}
    for block in notes.blocks:
        for sentence in sentences(block):
            for word in re.findall(r"(?<=\s)[A-ZÁÉÍÓÚÑ][\w]*", sentence.text):
                names.setdefault(word.casefold(), word)
    return names


def comparison_in(sentence: Sentence, names: Mapping[str, str]) -> Comparison | None:
    parts = COMPARISON.split(sentence.text.rstrip(".;!"), maxsplit=1)
    if len(parts) != 2:
        return None
    left = re.sub(r"^[^:]{1,40}:\s+", "", parts[0])
    sides = [_subject_and_predicate(left, names), _subject_and_predicate(parts[1], names)]
    if None in sides:
        return None
    (first, first_rest), (second, second_rest) = sides  # type: ignore[misc]
    if first.casefold() == second.casefold():
        return None
    return Comparison((first, second), (first_rest, second_rest), sentence)


def _subject_and_predicate(clause: str, names: Mapping[str, str]) -> tuple[str, str] | None:
    words = clause.split()
    start = 1 if words and words[0].casefold() in _ARTICLES else 0
    if len(words) < start + 3:
        return None
    head = words[start]
    name = head if head[:1].isupper() else names.get(head.casefold())
    if name is None:
        return None
    subject = " ".join([*words[:start], name])
    return subject, " ".join(words[start + 1 :])


def comparison_drafts(comparisons: list[Comparison], texts: Mapping[str, str]):
    groups: dict[frozenset[str], list[Comparison]] = {}
    for comparison in comparisons:
        key = frozenset(subject.casefold() for subject in comparison.subjects)
        groups.setdefault(key, []).append(comparison)
    for index, comparison in enumerate(comparisons):
        b, (said_of_a, said_of_b) = comparison.subjects[1], comparison.predicates
        # Alternate true and swapped (false) statements, so the drafts are not all false.
        truthful = index % 2 == 1
        statement = f"{b} {said_of_b}." if truthful else f"{b} {said_of_a}."
        yield (
            {
                "type": "true_false",
                "prompt": statement,
                "answer": truthful,
                "explanation": source(comparison.sentence.text, texts),
            },
            ("comparison", 0.7, comparison.sentence.block),
        )
        if len(groups[frozenset(s.casefold() for s in comparison.subjects)]) == 1:
            yield _matching([comparison], texts), ("comparison", 0.6, comparison.sentence.block)
    for group in groups.values():
        if len(group) > 1:
            yield _matching(group, texts), ("comparison", 0.75, group[0].sentence.block)


def _matching(group: list[Comparison], texts: Mapping[str, str]) -> dict[str, Any]:
    a, b = group[0].subjects
    names = {a.casefold(): a, b.casefold(): b}
    pairs = [
        {"left": capitalised(predicate), "right": names[subject.casefold()]}
        for comparison in group
        for subject, predicate in zip(comparison.subjects, comparison.predicates, strict=True)
    ]
    return {
        "type": "matching",
        "prompt": texts["match"].format(a=a, b=b),
        "pairs": pairs,
        "explanation": "\n".join(f"- {c.sentence.text}" for c in group),
    }
