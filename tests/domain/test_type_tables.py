"""A question type is added whole or not at all: every type in the registry has its entry in
every per-type table of every layer (quizapp.domain.questions.tables), and no table names a
type the registry does not know."""

import importlib
import re
from pathlib import Path

import pytest

import quizapp
from quizapp.domain.questions.registry import QUESTION_TYPES
from quizapp.domain.questions.tables import TYPE_TABLES, per_type_table

# The layers that must have a table, so that one which stops registering is noticed too.
LAYERS = {
    "editor form",
    "API response",
    "draft answer hint",
    "Moodle XML writer",
    "GIFT writer",
    "answer fields",
    "review card",
}


PACKAGE = Path(quizapp.__file__).resolve().parent


def _import_every_module() -> None:
    """Tables register when their module is imported: import every module of the package
    (by file, so a folder without __init__.py is not passed over)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))


_import_every_module()


def _expected_types(scorings: tuple[str, ...]) -> set[str]:
    return {name for name, qtype in QUESTION_TYPES.items() if qtype.scoring in scorings}


def _missing(layer: str) -> set[str]:
    table = TYPE_TABLES[layer]
    return _expected_types(table.scorings) - set(table.entries)


def test_every_layer_has_registered_its_table():
    assert set(TYPE_TABLES) >= LAYERS


@pytest.mark.parametrize("layer", sorted(TYPE_TABLES))
def test_the_table_has_an_entry_for_every_registered_type(layer):
    missing = _missing(layer)
    assert not missing, f"{layer}: no entry for {sorted(missing)}"


@pytest.mark.parametrize("layer", sorted(TYPE_TABLES))
def test_the_table_names_only_registered_types(layer):
    table = TYPE_TABLES[layer]
    unknown = set(table.entries) - _expected_types(table.scorings)
    assert not unknown, f"{layer}: entries for types the registry lacks: {sorted(unknown)}"


def test_a_half_added_type_is_caught():
    per_type_table("a layer of this test", {name: 1 for name in QUESTION_TYPES if name != "cloze"})
    try:
        assert _missing("a layer of this test") == {"cloze"}
    finally:
        del TYPE_TABLES["a layer of this test"]


# Templates that still test a type by name, until their owners move the per-type part into
# a table (the answer fields): shrink, never grow.
TEMPLATES_STILL_TESTING_TYPES: set[str] = set()


def test_templates_do_not_switch_on_a_question_type_name():
    templates = PACKAGE.parent / "templates"
    names = "|".join(QUESTION_TYPES)
    test = re.compile(rf"""type\s*(==|!=|in)\s*[(\[]?\s*['"]({names})['"]""")
    found = {
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if test.search(path.read_text(encoding="utf-8"))
    }
    assert found <= TEMPLATES_STILL_TESTING_TYPES, sorted(found - TEMPLATES_STILL_TESTING_TYPES)
