"""Per-type tables outside this package (one per layer: editor form, API schema, GIFT
writer…) say so here, so that tests/domain/test_type_tables.py can check every one of them
against QUESTION_TYPES and a new type cannot be half-added."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from quizapp.domain.questions.base import SCORINGS

Entries = TypeVar("Entries", bound=Mapping[str, Any])


@dataclass(frozen=True)
class TypeTable:
    layer: str
    entries: Mapping[str, Any]
    # The scorings (QuestionType.scoring) of the types the table covers: tables about
    # answering cover ANSWERED ones, interchange writers every type but self-rated cards.
    scorings: tuple[str, ...]


TYPE_TABLES: dict[str, TypeTable] = {}

EVERY_TYPE = SCORINGS
# The types a learner answers in a quiz: graded automatically or by hand.
ANSWERED = ("auto", "manual")
# What Moodle's question types (GIFT, Moodle XML) can hold: all but flashcards.
NOT_SELF_RATED = ("auto", "manual", "none")


def per_type_table(
    layer: str, entries: Entries, *, scorings: tuple[str, ...] = EVERY_TYPE
) -> Entries:
    """Register `entries` (keyed by question type) as the table of `layer`, covering the
    types whose scoring is in `scorings`; returns them unchanged, so the module keeps
    using its own dict."""
    TYPE_TABLES[layer] = TypeTable(layer, entries, scorings)
    return entries
