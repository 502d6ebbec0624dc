"""The exported deck: choices on the front, the explanation on the back, images as the
package's media; importing the package gives the same notes back."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile

from quizapp.domain.formats.anki import markdown_to_html
from quizapp.domain.formats.anki_apkg import read_apkg_file
from quizapp.domain.formats.anki_notes import question_id
from quizapp.domain.formats.anki_package import open_package
from quizapp.domain.formats.base import ExportCourse, ExportLesson
from quizapp.domain.questions.registry import normalise_question

PNG_NAME = "a" * 64 + ".png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 16


def _course() -> ExportCourse:
    questions = [
        {
            "id": "q-choice",
            "type": "single_choice",
            "prompt": "¿Qué motor de plantillas usa **Flask**?",
            "choices": [{"text": "Jinja2", "correct": True}, {"text": "Mako"}],
            "explanation": f"Mira el logo: ![logo de Jinja](media:{PNG_NAME})",
        },
        {
            "id": "q-card",
            "type": "flashcard",
            "prompt": "WSGI",
            "back": "La interfaz entre servidor y aplicación",
            "tags": ["web"],
        },
        {
            "id": "q-match",
            "type": "matching",
            "prompt": "Empareja",
            "pairs": [{"left": "Flask", "right": "micro"}, {"left": "Django", "right": "baterías"}],
        },
    ]
    lesson = ExportLesson(1, "clase-1", "Clase 1", [normalise_question(q) for q in questions])
    return ExportCourse("curso", "Curso", [lesson], media={PNG_NAME: PNG})


def _export() -> bytes:
    from quizapp.domain.formats.registry import get_format

    return get_format("apkg").write(_course()).data


def _notes(package: bytes) -> dict[str, list[str]]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        raw = archive.read("collection.anki2")
    connection = sqlite3.connect(":memory:")
    connection.deserialize(raw)
    rows = connection.execute("SELECT flds FROM notes ORDER BY id").fetchall()
    return [row[0].split("\x1f") for row in rows]


def test_the_front_shows_the_choices_and_the_back_the_explanation():
    (front, back), (card_front, card_back), (match_front, _) = _notes(_export())
    assert "<li>Jinja2</li>" in front
    assert "<li>Mako</li>" in front
    assert back.startswith("<p>Jinja2</p>")
    assert f'<img src="{PNG_NAME}" alt="logo de Jinja"' in back
    assert (card_front, card_back) == (
        "<p>WSGI</p>\n",
        "<p>La interfaz entre servidor y aplicación</p>\n",
    )
    assert "<li>Flask</li>" in match_front
    assert "micro · baterías" in match_front


def test_images_travel_as_the_packages_media_files():
    package = _export()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = json.loads(archive.read("media"))
        assert list(names.values()) == [PNG_NAME]
        assert archive.read(next(iter(names))) == PNG


def test_importing_the_export_gives_the_same_notes():
    package = _export()
    exported = _notes(package)
    parsed = read_apkg_file(package, "curso.apkg")
    assert parsed.errors == []
    assert parsed.unsupported == []
    imported = [question for question, _ in parsed.questions]
    assert [q["type"] for q in imported] == ["flashcard"] * 3
    # Rendered again, each imported card shows exactly the exported note's fields.
    rendered = [
        [
            markdown_to_html(q["prompt"].replace("](media:", "](")),
            markdown_to_html(q["back"].replace("](media:", "](")),
        ]
        for q in imported
    ]
    assert rendered == exported
    assert imported[1]["tags"] == ["web"]
    assert parsed.media[imported[0]["id"]] == {PNG_NAME: PNG}
    assert open_package(package).media == {PNG_NAME: PNG}
    assert imported[0]["id"] == question_id(open_package(package).notes[0]["guid"])
