"""Specifications for slugify and unique_slug: accent-free, stable URL slugs."""

import pytest

from quizapp.domain.slugs import slugify, text_slug, unique_slug


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


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Lee [la guía](https://flask.palletsprojects.com/es/3.0.x/#routing)", "lee-la-guia"),
        ('Mira [esto](/courses/c/l#seccion-2 "título") ya', "mira-esto-ya"),
        ("![El logo](media:logo.png) ¿qué es?", "el-logo-que-es"),
        ("Ver https://example.org/a?b=1#frag y www.x.org/y", "ver-y"),
        ("Abre <http://localhost:5000/#top> ahora", "abre-ahora"),
        ("¿Qué es Flask?", "que-es-flask"),
    ],
)
def test_text_slug_keeps_the_words_and_leaves_out_link_targets_and_urls(text, slug):
    assert text_slug(text) == slug


def test_text_slug_cuts_at_the_last_whole_word_that_fits():
    assert text_slug("uno dos tres cuatro", limit=12) == "uno-dos-tres"
    assert text_slug("uno dos tres cuatro", limit=10) == "uno-dos"
    assert text_slug("supercalifragilistico", limit=5) == "super"
