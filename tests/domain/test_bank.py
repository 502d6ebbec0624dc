"""YAML bank files: `file:line` errors, cross-file ids, and dump → parse round trips."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from quizapp.domain.formats.bank import BankError, check_banks, dump_bank, parse_bank, parse_banks
from tests.factories import DECK_TYPES


def bank(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


GOOD = bank(
    """
    lesson: 3
    questions:
      - id: flask-es-minimalista
        type: single_choice
        prompt: "¿Cómo se describe Flask?"
        choices:
          - {text: "Un microframework minimalista", correct: true, feedback: "¡Eso es!"}
          - {text: "Un framework con todo incluido", feedback: "Eso describe a Django."}
      - id: flask-card
        type: flashcard
        lesson: clase-2
        prompt: Flask
        back: Un microframework
    """
)


def test_good_bank_gives_normalised_questions_with_their_lesson() -> None:
    result = parse_bank(GOOD, "clase-3.yaml")
    assert result.errors == []
    assert result.lesson_key == 3
    assert [q["id"] for q in result.questions] == ["flask-es-minimalista", "flask-card"]
    assert [q["lesson"] for q in result.questions] == [3, "clase-2"]
    assert result.questions[0]["choices"][1] == {
        "text": "Un framework con todo incluido",
        "correct": False,
        "feedback": "Eso describe a Django.",
    }


BROKEN = bank(
    """
    lesson: 1
    questions:
      - id: q-ok
        type: true_false
        prompt: Flask es un microframework
        answer: true
      - id: q-bad-type
        type: ranking
        prompt: Escribe
      - id: q-no-correct
        type: single_choice
        prompt: Elige
        choices:
          - text: a
          - text: b
      - id: q-ok
        type: flashcard
        prompt: front
        back: back
    """
)


def test_bad_type_missing_correct_answer_and_duplicate_id_are_all_reported_by_line() -> None:
    result = parse_bank(BROKEN, "broken.yaml")
    assert [str(error) for error in result.errors] == [
        "broken.yaml:8: type: unknown question type 'ranking'; use one of: single_choice, "
        "multiple_response, true_false, short_answer, numeric, matching, cloze, flashcard, essay, "
        "description",
        "broken.yaml:13: no choice is marked `correct: true`; mark exactly one",
        "broken.yaml:16: duplicate id 'q-ok' (first used on line 3); ids must be unique",
    ]
    assert [q["id"] for q in result.questions] == ["q-ok"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param("questions:\n  - id: [a\n", 3, "YAML syntax error", id="unclosed-flow"),
        pytest.param(
            "questions:\n  - id: a\n   type: b\n", 3, "YAML syntax error", id="bad-indent"
        ),
        pytest.param("questions:\n\t- id: a\n", 2, "YAML syntax error", id="tab"),
        pytest.param("a: 1\n---\nb: 2\n", 2, "YAML syntax error", id="two-documents"),
        pytest.param(
            "questions: []\nx: !!python/object:os.system {}\n",
            2,
            "YAML syntax error",
            id="unsafe-tag",
        ),
        pytest.param("", 1, "the file is empty", id="empty"),
        pytest.param("- a\n", 1, "must be a mapping with a `questions` list", id="not-a-mapping"),
        pytest.param("lesson: 1\n", 1, "needs a `questions:` list", id="no-questions"),
        pytest.param("questions: {}\n", 1, "questions: must be a list", id="questions-not-list"),
        pytest.param("questions: []\ncourse: x\n", 2, "unknown key 'course'", id="unknown-top"),
        pytest.param(
            "lesson: [1]\nquestions: []\n", 1, "lesson: must be a lesson number", id="bad-lesson"
        ),
        pytest.param(
            "questions:\n  - just text\n",
            2,
            "each question must be a mapping",
            id="question-not-mapping",
        ),
        pytest.param(
            "questions: []\nlesson: 1\nlesson: 2\n", 3, "duplicate key 'lesson'", id="duplicate-key"
        ),
    ],
)
def test_file_level_problems_have_a_line(text: str, line: int, message: str) -> None:
    errors = parse_bank(text, "f.yaml").errors
    assert any(e.line == line and message in e.message for e in errors), errors


def test_nested_problems_point_at_the_offending_line() -> None:
    text = bank(
        """
        questions:
          - id: q1
            type: multiple_response
            prompt: p
            choices:
              - text: a
                weight: 100
              - text: b
                weight: 300
                colour: red
        """
    )
    assert parse_bank(text, "f.yaml").errors == [
        BankError("f.yaml", 9, "choices[2].weight: must be at most 100"),
        BankError("f.yaml", 10, "unknown key 'colour' in choices[2]"),
    ]


def test_duplicate_ids_across_files_are_reported_in_the_later_file() -> None:
    one = "lesson: 1\nquestions:\n  - {id: same, type: flashcard, prompt: a, back: b}\n"
    two = (
        "lesson: 2\nquestions:\n  - {id: other, type: flashcard, prompt: a, back: b}\n"
        "  - {id: same, type: flashcard, prompt: a, back: b}\n"
    )
    results, errors = parse_banks({"one.yaml": one, "two.yaml": two})
    assert errors == [
        BankError(
            "two.yaml",
            4,
            "duplicate id 'same' (also used at one.yaml:3); ids must be unique in a course",
        )
    ]
    assert check_banks(results) == errors


def test_yaml_anchors_and_aliases_are_refused_at_their_line() -> None:
    text = bank(
        """
        questions:
          - &card {id: a, type: flashcard, prompt: front, back: back}
          - <<: *card
            id: b
        """
    )
    result = parse_bank(text, "f.yaml")
    assert [str(error) for error in result.errors] == [
        "f.yaml:2: YAML anchors and aliases (&card, *card) are not allowed; write each question out"
    ]
    assert result.questions == []


ALL_TYPES = bank(
    """
    lesson: clase-3-que-es-flask
    questions:
      - id: sc
        type: single_choice
        title: Flask
        prompt: |
          ¿Cómo se describe **Flask**?

          Elige una.
        choices:
          - {text: Micro, correct: true, feedback: "¡Eso es!"}
          - {text: Macro}
        explanation: Flask es *minimalista*.
        tags: [flask, django]
        section: que-es-flask
      - id: mr
        type: multiple_response
        prompt: Elige las verdaderas
        choices:
          - {text: a, correct: true, feedback: bien}
          - {text: b, correct: true}
          - {text: c}
      - id: tf
        type: true_false
        prompt: Flask es un microframework
        answer: true
        feedback_false: "Sí lo es"
      - id: sa
        type: short_answer
        prompt: ¿Motor de plantillas?
        answers:
          - Jinja
          - {text: Jinja2, weight: 100, feedback: exacto}
          - {text: plantillas, weight: 50}
        accent_insensitive: true
      - id: nu
        type: numeric
        prompt: ¿Versión?
        answer: 3.1
        tolerance: 0.05
      - id: nu-ranges
        type: numeric
        prompt: ¿Año?
        answers:
          - {min: 2009, max: 2010}
          - {value: 2011, weight: 50, feedback: casi}
      - id: ma
        type: matching
        prompt: Empareja
        pairs:
          - {left: Flask, right: micro}
          - {left: Django, right: "con todo incluido"}
        distractors: [CMS]
      - id: cl
        type: cloze
        prompt: Completa
        text: "{{1}} usa {{2}} y {{3}}."
        blanks:
          - Flask
          - [Werkzeug, werkzeug]
          - {answers: [Jinja], options: [Jinja, Mako], accent_insensitive: false}
      - id: fc
        type: flashcard
        lesson: clase-2
        prompt: "WSGI"
        back: "Web Server Gateway Interface  \\nsegunda línea"
    """
)


def test_a_bank_with_all_eight_types_parses_cleanly() -> None:
    result = parse_bank(ALL_TYPES, "all.yaml")
    assert result.errors == []
    assert sorted({q["type"] for q in result.questions}) == sorted(DECK_TYPES)


@pytest.mark.parametrize("lesson", ["clase-3-que-es-flask", None], ids=["file-lesson", "none"])
def test_dump_then_parse_gives_the_same_questions(lesson: str | None) -> None:
    questions = parse_bank(ALL_TYPES, "all.yaml").questions
    dumped = dump_bank(questions, lesson=lesson)
    again = parse_bank(dumped, "dumped.yaml")
    assert again.errors == []
    assert again.questions == questions


def test_dump_writes_readable_block_yaml_in_key_order() -> None:
    questions = parse_bank(ALL_TYPES, "all.yaml").questions
    dumped = dump_bank(questions[:1], lesson="clase-3-que-es-flask")
    assert dumped.startswith("lesson: clase-3-que-es-flask\nquestions:\n  - id: sc\n")
    assert list(yaml.safe_load(dumped)["questions"][0]) == [
        "id",
        "type",
        "title",
        "prompt",
        "choices",
        "explanation",
        "tags",
        "section",
    ]
    assert "¿Cómo se describe **Flask**?\n" in dumped  # unicode kept, Markdown as a | block
    assert "prompt: |" in dumped


def test_case_sensitive_is_read_from_yaml_and_must_be_a_flag() -> None:
    good = bank(
        """
        questions:
          - id: cap
            type: short_answer
            prompt: Capital?
            answer: Paris
            case_sensitive: true
        """
    )
    assert parse_bank(good, "f.yaml").questions[0]["case_sensitive"] is True
    errors = parse_bank(good.replace("case_sensitive: true", "case_sensitive: si"), "f.yaml").errors
    assert [(e.line, e.message) for e in errors if "case_sensitive" in e.message] == [
        (6, "case_sensitive: must be true or false")
    ], errors
