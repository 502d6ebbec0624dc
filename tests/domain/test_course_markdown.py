"""Specifications for parse_course_markdown: course files become a title and lessons."""

import re
from pathlib import Path

import pytest
import yaml

from quizapp.domain.course_markdown import ParsedCourse, SourceError, parse_course_markdown
from quizapp.domain.questions.registry import QUESTION_TYPES
from quizapp.domain.rendering import section_anchors
from tests.factories import DECK_TYPES

DATA = Path(__file__).parent / "data"


@pytest.fixture
def seed_course() -> ParsedCourse:
    # An exact copy of the original seed notes: tabs after list markers, trailing
    # double-space line breaks, a heading with a trailing space and no blank line.
    return parse_course_markdown((DATA / "seed_course.md").read_text("utf-8"), "seed_course.md")


def test_seed_imports_without_errors(seed_course):
    assert seed_course.errors == []
    assert seed_course.title == "Curso de Flask (Platzi)"


def test_seed_has_three_numbered_lessons_with_slugs(seed_course):
    assert [(lesson.number, lesson.slug) for lesson in seed_course.lessons] == [
        (1, "clase-1-introduccion"),
        (2, "clase-2-como-funcionan-las-aplicaciones-web"),
        (3, "clase-3-que-es-flask"),
    ]


def test_seed_lesson_titles_drop_the_clase_prefix(seed_course):
    assert [lesson.title for lesson in seed_course.lessons] == [
        "Introducción",
        "¿Cómo funcionan las aplicaciones web?",
        "¿Qué es Flask?",
    ]


def test_seed_lessons_remember_their_heading_lines(seed_course):
    assert [lesson.line for lesson in seed_course.lessons] == [8, 14, 30]


def test_seed_table_of_contents_is_neither_lesson_nor_description(seed_course):
    assert seed_course.description == ""
    assert all("](#" not in lesson.body_markdown for lesson in seed_course.lessons)


def test_lesson_body_starts_right_after_a_heading_without_blank_line(seed_course):
    assert seed_course.lessons[1].body_markdown.startswith("Cuando utilizas una aplicación web")


def test_lesson_body_keeps_tabs_and_hard_breaks_verbatim(seed_course):
    body = seed_course.lessons[2].body_markdown
    assert "-\tDjango trae todo incluido" in body
    assert "**Algunas diferencias con Django son:**  \n" in body


def test_description_is_the_markdown_before_the_first_lesson():
    text = "# Curso\n\nUn curso **breve**.\n\nSegundo párrafo.\n\n## Clase 1 Uno\n\nHola.\n"
    course = parse_course_markdown(text, "c.md")
    assert course.description == "Un curso **breve**.\n\nSegundo párrafo."
    assert course.lessons[0].body_markdown == "Hola."


def test_link_list_table_of_contents_and_its_label_are_dropped():
    text = (
        "# Curso\n\nIntro.\n\n**Contenido**\n\n- [Uno](#uno)\n-\t[Dos](#dos)\n\n"
        "[Tres](#tres) | [Cuatro](#cuatro)\n\n## Clase 1 Uno\n"
    )
    assert parse_course_markdown(text, "c.md").description == "Intro."


def test_paragraph_with_a_link_and_prose_stays_in_the_description():
    text = "# Curso\n\nLee [la guía](https://flask.palletsprojects.com) primero.\n\n## Uno\n"
    assert "la guía" in parse_course_markdown(text, "c.md").description


def test_hash_lines_inside_code_blocks_are_not_headings():
    text = "# Curso\n\n## Clase 1 Uno\n\n```bash\n# comentario\n## otro\n```\n\n    # indentado\n"
    course = parse_course_markdown(text, "c.md")
    assert course.errors == []
    assert len(course.lessons) == 1
    assert "# comentario" in course.lessons[0].body_markdown


def test_headings_without_clase_take_the_next_number_and_whole_heading_slug():
    text = "# Curso\n\n## Clase 4 Rutas\n\n## Repaso final\n\n## Anexo: ¿y ahora?\n"
    lessons = parse_course_markdown(text, "c.md").lessons
    assert [(lesson.number, lesson.slug, lesson.title) for lesson in lessons] == [
        (4, "clase-4-rutas", "Rutas"),
        (5, "repaso-final", "Repaso final"),
        (6, "anexo-y-ahora", "Anexo: ¿y ahora?"),
    ]


def test_clase_with_punctuation_after_the_number():
    lesson = parse_course_markdown("# C\n\n## Clase 10: Plantillas\n", "c.md").lessons[0]
    assert (lesson.number, lesson.title, lesson.slug) == (10, "Plantillas", "clase-10-plantillas")


def test_deeper_headings_stay_inside_the_lesson_body():
    text = "# C\n\n## Clase 1 Uno\n\n### Detalle\n\nTexto.\n"
    course = parse_course_markdown(text, "c.md")
    assert course.lessons[0].body_markdown == "### Detalle\n\nTexto."


def test_windows_newlines_and_bom_are_accepted():
    text = "\ufeff# Curso\r\n\r\n## Clase 1 Uno\r\nHola.\r\n"
    course = parse_course_markdown(text, "c.md")
    assert course.errors == []
    assert course.title == "Curso"
    assert course.lessons[0].body_markdown == "Hola."


def test_missing_title_is_reported_on_line_one():
    course = parse_course_markdown("## Clase 1 Uno\n", "sin-titulo.md")
    assert course.errors == [
        SourceError("sin-titulo.md", 1, "missing course title: no `# ` heading")
    ]


def test_missing_lessons_is_reported_at_the_title():
    course = parse_course_markdown("\n# Curso\n\nSolo una intro.\n", "c.md")
    assert [(error.line, error.message) for error in course.errors] == [
        (2, "no lessons: no `## ` heading")
    ]


def test_duplicate_lesson_number_is_reported_at_the_second_heading():
    text = "# C\n\n## Clase 1 Uno\n\n## Clase 1 Otra\n"
    errors = parse_course_markdown(text, "c.md").errors
    assert [str(error) for error in errors] == [
        "c.md:5: duplicate lesson number 1 (first used on line 3)"
    ]


def test_duplicate_lesson_slug_is_reported():
    text = "# C\n\n## Repaso\n\n## Repaso\n"
    errors = parse_course_markdown(text, "c.md").errors
    assert [str(error) for error in errors] == [
        "c.md:5: duplicate lesson slug 'repaso' (first used on line 3)"
    ]


def test_second_course_title_is_reported():
    errors = parse_course_markdown("# C\n\n## Uno\n\n# Otro\n", "c.md").errors
    assert [(error.line, error.message) for error in errors] == [
        (5, "a course file has only one `# ` heading")
    ]


def test_heading_without_letters_or_digits_is_reported():
    errors = parse_course_markdown("# C\n\n## ¿?\n", "c.md").errors
    assert [error.message for error in errors] == ["lesson heading has no letters or digits"]


def test_source_error_prints_as_file_line_message():
    assert str(SourceError("a.md", 7, "mal")) == "a.md:7: mal"


# --- the bundled course (questions/curso-flask) ---------------------------------------------

BUNDLED = Path(__file__).parents[2] / "questions" / "curso-flask"
ALL_TYPES = set(DECK_TYPES)


@pytest.fixture
def bundled_course() -> ParsedCourse:
    return parse_course_markdown((BUNDLED / "course.md").read_text("utf-8"), "course.md")


def _bank(number: int) -> dict:
    return yaml.safe_load((BUNDLED / f"clase-{number}.yaml").read_text("utf-8"))


def test_bundled_course_has_the_three_seed_lessons(bundled_course):
    assert bundled_course.errors == []
    assert bundled_course.title == "Curso de Flask"
    assert bundled_course.description
    assert [lesson.slug for lesson in bundled_course.lessons] == [
        "clase-1-introduccion",
        "clase-2-como-funcionan-las-aplicaciones-web",
        "clase-3-que-es-flask",
    ]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_bundled_bank_covers_every_question_type(number):
    bank = _bank(number)
    questions = bank["questions"]
    assert bank["lesson"] == number
    assert len(questions) >= 14
    # Every type that becomes a review card; lesson 2 also has an essay and a description
    # (graded quizzes, issue #17), which never do.
    assert {q["type"] for q in questions if q["type"] in DECK_TYPES} == ALL_TYPES
    assert sum(question["type"] == "flashcard" for question in questions) >= 3
    assert any(question.get("accent_insensitive") for question in questions)


def test_the_bundled_course_has_every_registered_type():
    types = {question["type"] for number in (1, 2, 3) for question in _bank(number)["questions"]}
    assert types == set(QUESTION_TYPES)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_bundled_questions_have_id_explanation_tags_and_a_real_section(number, bundled_course):
    lesson = bundled_course.lessons[number - 1]
    anchors = {anchor for anchor, _title in section_anchors(lesson.body_markdown)} | {lesson.slug}
    for question in _bank(number)["questions"]:
        assert re.fullmatch(rf"c{number}-[a-z0-9][a-z0-9-]*", question["id"])
        if question["type"] != "description":  # a text to read: nothing to explain
            assert question["explanation"], question["id"]
        assert question["tags"], question["id"]
        assert question["section"] in anchors, question["id"]


def test_bundled_question_ids_are_unique_across_the_course():
    ids = [question["id"] for number in (1, 2, 3) for question in _bank(number)["questions"]]
    assert len(ids) == len(set(ids))
