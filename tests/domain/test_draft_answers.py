"""Each type reads and writes its own one-line answer for the drafts page."""

import pytest

from quizapp.domain.questions.registry import (
    draft_answer,
    main_text,
    normalise_question,
    with_draft_answer,
    with_main_text,
)

QUESTIONS = {
    "flashcard": {"type": "flashcard", "prompt": "Flask", "back": "Un microframework"},
    "true_false": {"type": "true_false", "prompt": "¿Flask es Python?", "answer": True},
    "numeric": {"type": "numeric", "prompt": "¿Año?", "answers": [{"value": 2010}]},
    "short_answer": {"type": "short_answer", "prompt": "¿Quién?", "answers": ["Armin"]},
    "cloze": {
        "type": "cloze",
        "prompt": "Completa.",
        "text": "Flask usa {1} y {2}.",
        "blanks": [{"answers": ["Jinja"]}, {"answers": ["Werkzeug"]}],
    },
    "single_choice": {
        "type": "single_choice",
        "prompt": "¿Qué es Flask?",
        "choices": [{"text": "Un framework", "correct": True}, {"text": "Un editor"}],
    },
}


def _question(kind: str) -> dict:
    return normalise_question({"id": f"q-{kind}", **QUESTIONS[kind]})


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        ("flashcard", "Un microframework"),
        ("true_false", "true"),
        ("numeric", "2010"),
        ("short_answer", "Armin"),
        ("cloze", "Jinja | Werkzeug"),
        ("single_choice", None),
    ],
)
def test_the_draft_answer_is_one_line_or_none(kind, line):
    assert draft_answer(_question(kind)) == line


@pytest.mark.parametrize(
    ("kind", "text", "read"),
    [
        ("flashcard", "Otro reverso", lambda q: q["back"]),
        ("true_false", "Falso", lambda q: q["answer"]),
        ("numeric", "3,5", lambda q: q["answers"][0]["value"]),
        ("short_answer", "Ronacher", lambda q: q["answers"][0]["text"]),
        ("cloze", "Jinja2 | Werkzeug", lambda q: [b["answers"] for b in q["blanks"]]),
    ],
)
def test_writing_a_draft_answer_changes_a_copy(kind, text, read):
    question = _question(kind)
    edited = with_draft_answer(question, text)
    expected = {
        "flashcard": "Otro reverso",
        "true_false": False,
        "numeric": 3.5,
        "short_answer": "Ronacher",
        "cloze": [["Jinja2"], ["Werkzeug"]],
    }[kind]
    assert read(edited) == expected
    assert question == _question(kind)  # the original is untouched


@pytest.mark.parametrize(
    ("kind", "text"),
    [("true_false", "quizás"), ("numeric", "tres"), ("cloze", "solo una"), ("single_choice", "x")],
)
def test_an_unreadable_draft_answer_says_why(kind, text):
    with pytest.raises(ValueError, match=r"\w"):
        with_draft_answer(_question(kind), text)


def test_the_main_text_is_a_cloze_sentence_or_the_prompt():
    assert main_text(_question("cloze")) == "Flask usa {1} y {2}."
    assert main_text(_question("flashcard")) == "Flask"
    assert with_main_text(_question("cloze"), "Nueva {1} y {2}.")["text"] == "Nueva {1} y {2}."
