"""Anki exchange: the text-import layout both ways, and `.apkg` decks with stable GUIDs."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from quizapp.domain.formats.anki import build_apkg, card_id, read_anki_text, write_anki_text
from quizapp.domain.questions.registry import validate_question


def flashcard(front: str, back: str, tags: list[str] | None = None) -> dict:
    return {
        "id": card_id(front),
        "type": "flashcard",
        "title": None,
        "prompt": front,
        "back": back,
        "explanation": None,
        "tags": tags or [],
        "section": None,
        "lesson": None,
    }


# --- reading ---------------------------------------------------------------------------


def test_tsv_without_headers_reads_front_back_tags():
    questions, errors = read_anki_text("¿Flask?\tUn microframework\tflask web\n", "c.tsv")
    assert errors == []
    assert questions == [flashcard("¿Flask?", "Un microframework", ["flask", "web"])]


def test_csv_extension_defaults_to_comma():
    questions, errors = read_anki_text("Front,Back\n", "cards.csv")
    assert errors == []
    assert (questions[0]["prompt"], questions[0]["back"]) == ("Front", "Back")


def test_separator_header_overrides_the_extension():
    questions, _ = read_anki_text("#separator:semicolon\nA;B;t1\n", "cards.csv")
    assert (questions[0]["prompt"], questions[0]["back"], questions[0]["tags"]) == (
        "A",
        "B",
        ["t1"],
    )


@pytest.mark.parametrize(
    ("name", "char"), [("tab", "\t"), ("Comma", ","), ("pipe", "|"), ("semicolon", ";"), ("|", "|")]
)
def test_separator_names_and_literal_characters(name, char):
    questions, errors = read_anki_text(f"#separator:{name}\nA{char}B\n", "cards.txt")
    assert errors == []
    assert questions[0]["back"] == "B"


def test_unknown_separator_is_an_error():
    assert read_anki_text("#separator:wavy\nA~B\n", "c.txt")[1] == [
        ("c.txt", 1, "unknown separator 'wavy'")
    ]


def test_columns_header_maps_fields_by_name():
    text = "#separator:comma\n#columns:Tags,Back,Front\nt1 t2,The back,The front\n"
    (question,), _ = read_anki_text(text, "c.csv")
    assert (question["prompt"], question["back"], question["tags"]) == (
        "The front",
        "The back",
        ["t1", "t2"],
    )


def test_tags_column_header_is_one_based():
    text = "#separator:comma\n#tags column:1\nt1,F,B\n"
    (question,), _ = read_anki_text(text, "c.csv")
    assert question["tags"] == ["t1"]


def test_notetype_deck_and_html_headers_are_accepted_and_ignored():
    text = "#separator:tab\n#html:true\n#notetype:Basic\n#deck:Flask\n<b>F</b>\tB\n"
    (question,), errors = read_anki_text(text, "c.txt")
    assert errors == []
    assert question["prompt"] == "<b>F</b>"


def test_quoted_fields_may_hold_separators_quotes_and_newlines():
    text = '"a, b","line 1\nline 2 ""quoted"""\n'
    (question,), errors = read_anki_text(text, "c.csv")
    assert errors == []
    assert question["prompt"] == "a, b"
    assert question["back"] == 'line 1\nline 2 "quoted"'


def test_bad_rows_are_reported_with_their_line_and_good_rows_kept():
    text = '#separator:comma\n"multi\nline",ok\nonly one column\n\n,empty front\nA,B\n'
    questions, errors = read_anki_text(text, "c.csv")
    assert [q["prompt"] for q in questions] == ["multi\nline", "A"]
    assert errors == [
        ("c.csv", 4, "expected at least 2 columns (front, back), found 1"),
        ("c.csv", 6, "empty front"),
    ]


def test_repeated_front_is_an_error_pointing_at_the_first():
    _, errors = read_anki_text("A\tB\nA\tC\n", "c.tsv")
    assert errors == [("c.tsv", 2, "same front as line 1")]


def test_ids_are_a_hash_of_the_front_and_stable():
    (question,), _ = read_anki_text("Front\tBack\n", "c.tsv")
    assert question["id"] == card_id("Front")
    assert question["id"].startswith("anki-")
    assert len(question["id"]) == len("anki-") + 12


# --- writing ---------------------------------------------------------------------------


def test_writer_emits_headers_then_rows():
    text = write_anki_text([flashcard("F", "B", ["t"])])
    assert text == (
        '#separator:tab\n#html:false\n#columns:Front\tBack\tTags\n#tags column:3\n"F"\t"B"\t"t"\n'
    )


@pytest.mark.parametrize("separator", ["\t", ",", ";", "|"])
def test_write_then_read_gives_the_same_flashcards(separator):
    cards = [
        flashcard("# Heading?", "**bold**, with; separators | and\ttabs", ["a", "b-c"]),
        flashcard('"Quoted" front', "Multi\nline\n\nback"),
    ]
    text = write_anki_text(cards, separator=separator)
    questions, errors = read_anki_text(text, "cards.txt")
    assert errors == []
    assert questions == cards


FORMULAS = [
    flashcard('=HYPERLINK("http://x")', "+1+2", ["@tag", "-minus"]),
    flashcard("-3 es negativo", "@SUM(A1)"),
    flashcard("\tTabulado", "=1+1"),
]


def _cells(text: str) -> list[str]:
    rows = [line for line in text.split("\n") if line and not line.startswith("#")]
    return [cell.strip('"') for row in rows for cell in row.split("\t")]


def test_cells_that_a_spreadsheet_would_evaluate_are_made_inert():
    cells = _cells(write_anki_text(FORMULAS))
    assert cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert ' =HYPERLINK(""http://x"")' in cells


def test_inert_cells_read_back_as_the_same_cards():
    questions, errors = read_anki_text(write_anki_text(FORMULAS), "cards.txt")
    assert errors == []
    # Fronts and backs are read stripped, escaped or not: "\tTabulado" is "Tabulado".
    assert [(q["prompt"], q["back"], q["tags"]) for q in questions] == [
        ('=HYPERLINK("http://x")', "+1+2", ["@tag", "-minus"]),
        ("-3 es negativo", "@SUM(A1)", []),
        ("Tabulado", "=1+1", []),
    ]


def test_other_types_export_their_right_answer_as_the_back():
    question = {
        "id": "q",
        "type": "single_choice",
        "prompt": "¿Flask?",
        "tags": [],
        "choices": [
            {"text": "Micro", "correct": True, "feedback": None},
            {"text": "Full", "correct": False, "feedback": None},
        ],
    }
    (card,), _ = read_anki_text(write_anki_text([question]), "c.txt")
    assert (card["prompt"], card["back"]) == ("¿Flask?", "Micro")


def test_read_cards_are_valid_bank_questions():
    questions, _ = read_anki_text("F\tB\tt1\n", "c.tsv")
    assert validate_question(questions[0]) == []


def test_a_cloze_card_shows_the_sentence_with_gaps_and_the_filled_sentence():
    question = {
        "id": "c",
        "type": "cloze",
        "prompt": "Completa.",
        "text": "Flask es {{1}}.",
        "blanks": [{"answers": ["ligero"], "options": None, "accent_insensitive": False}],
        "tags": [],
    }
    (card,), _ = read_anki_text(write_anki_text([question]), "c.txt")
    assert card["prompt"] == "Completa.\n\nFlask es _____."
    assert "ligero" in card["back"]


def test_tags_with_spaces_become_underscored():
    text = write_anki_text([flashcard("F", "B", ["web dev"])])
    assert read_anki_text(text, "c.txt")[0][0]["tags"] == ["web_dev"]


# --- .apkg -------------------------------------------------------------------------------


def read_apkg(path: Path, tmp_path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    with zipfile.ZipFile(path) as archive:
        archive.extract("collection.anki2", tmp_path)
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        (decks_json,) = connection.execute("SELECT decks FROM col").fetchone()
        notes = connection.execute("SELECT guid, flds FROM notes").fetchall()
    finally:
        connection.close()
    return sorted(d["name"] for d in json.loads(decks_json).values()), notes


def test_apkg_has_a_course_deck_and_a_sub_deck_per_lesson(tmp_path):
    lessons = [
        ("Clase 1", [flashcard("¿Flask?", "Micro", ["flask"]), flashcard("F2", "B2")]),
        ("Clase 2", [flashcard("F3", "B3")]),
    ]
    build_apkg("Curso de Flask", lessons, tmp_path / "curso.apkg")

    decks, notes = read_apkg(tmp_path / "curso.apkg", tmp_path)

    assert decks == [
        "Curso de Flask",
        "Curso de Flask::Clase 1",
        "Curso de Flask::Clase 2",
        "Default",
    ]
    assert len(notes) == 3
    assert sorted(guid for guid, _ in notes) == sorted(
        genanki.guid_for(card_id(front)) for front in ("¿Flask?", "F2", "F3")
    )


def test_apkg_fields_are_sanitised_html_from_markdown(tmp_path):
    card = flashcard("**Flask** <script>alert(1)</script>", "Un *micro*framework")
    build_apkg("C", [("L", [card])], tmp_path / "c.apkg")

    _, ((_, fields),) = read_apkg(tmp_path / "c.apkg", tmp_path)

    front, back = fields.split("\x1f")
    assert "<strong>Flask</strong>" in front
    assert "<script>" not in front
    assert back == "<p>Un <em>micro</em>framework</p>\n"


def test_apkg_deck_ids_and_guids_are_stable_across_exports(tmp_path):
    lessons = [("Clase 1", [flashcard("F", "B")])]
    first = build_apkg("Curso", lessons, tmp_path / "a.apkg")
    second = build_apkg("Curso", lessons, tmp_path / "b.apkg")
    assert [d.deck_id for d in first] == [d.deck_id for d in second]
    assert [n.guid for n in first[1].notes] == [n.guid for n in second[1].notes]


@pytest.mark.parametrize("number", ["²", "٣", "99999999999999999999"])
def test_a_tags_column_that_is_no_plain_number_is_ignored(number):
    # "²".isdigit() is true and int() refuses it: such a header must not break the import.
    cards, errors = read_anki_text(f"#tags column:{number}\nfront\tback\n", "deck.txt")
    assert errors == []
    assert [(card["prompt"], card["back"]) for card in cards] == [("front", "back")]
