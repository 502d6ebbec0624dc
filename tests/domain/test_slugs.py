"""Specifications for slugify and unique_slug: accent-free, stable URL slugs."""

import pytest

from quizapp.domain.slugs import slugify, unique_slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("¿Qué es Flask?", "que-es-flask"),
        ("Clase 3 ¿Qué es Flask?", "clase-3-que-es-flask"),
        ("Clase 1 Introducción", "clase-1-introduccion"),
        (
            "Clase 2 ¿Cómo funcionan las aplicaciones web?",
            "clase-2-como-funcionan-las-aplicaciones-web",
        ),
        ("  Ñandú   y  pingüino  ", "nandu-y-pinguino"),
        ("Flask vs. Django: ¡diferencias!", "flask-vs-django-diferencias"),
        ("MVC (MTV)", "mvc-mtv"),
        ("ＡＰＩ ＲＥＳＴ", "api-rest"),
        ("---", ""),
        ("", ""),
    ],
)
def test_slugify_gives_accent_free_lowercase_hyphenated_ascii(text, slug):
    assert slugify(text) == slug


def test_slugify_drops_characters_without_an_ascii_form():
    assert slugify("Python 日本 3") == "python-3"


def test_unique_slug_numbers_repeats_from_two():
    taken: set[str] = set()
    assert [unique_slug("hola", taken) for _ in range(3)] == ["hola", "hola-2", "hola-3"]


def test_unique_slug_uses_fallback_for_an_empty_slug():
    taken: set[str] = set()
    assert unique_slug("", taken, fallback="seccion") == "seccion"
    assert unique_slug("", taken, fallback="seccion") == "seccion-2"


def test_unique_slug_skips_a_suffix_already_taken():
    taken = {"hola", "hola-2"}
    assert unique_slug("hola", taken) == "hola-3"
