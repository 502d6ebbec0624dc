"""Per-type tables outside this package (one per layer: editor form, API schema, GIFT
writer…) say so here, so that tests/domain/test_type_tables.py can check every one of them
against QUESTION_TYPES and a new type cannot be half-added."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

Entries = TypeVar("Entries", bound=Mapping[str, Any])


@dataclass(frozen=True)
class TypeTable:
    layer: str
    entries: Mapping[str, Any]
    # Flashcards are self-rated: tables about answering cover only the gradable types.
    gradable_only: bool


TYPE_TABLES: dict[str, TypeTable] = {}


def per_type_table(layer: str, entries: Entries, *, gradable_only: bool = False) -> Entries:
    """Register `entries` (keyed by question type) as the table of `layer`; returns them
    unchanged, so the module keeps using its own dict."""
    TYPE_TABLES[layer] = TypeTable(layer, entries, gradable_only)
    return entries
