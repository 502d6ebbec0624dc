"""Validation of single questions: each broken rule gives one message a human understands."""

from __future__ import annotations

import pytest

from quizapp.domain.questions import QUESTION_TYPES, normalise_question, validate_question


def question(qtype: str, **keys: object) -> dict:
    return {"id": "q-1", "type": qtype, "prompt": "Why?", **keys}


TWO_CHOICES = [{"text": "a", "correct": True}, {"text": "b"}]
VALID = {
    "single_choice": question("single_choice", choices=TWO_CHOICES),
    "multiple_response": question("multiple_response", choices=TWO_CHOICES),
    "true_false": question("true_false", answer=False),
    "short_answer": question("short_answer", answer="Flask"),
    "numeric": question("numeric", answers=[{"min": 1, "max": 2}]),
    "matching": question(
        "matching", pairs=[{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]
    ),
    "cloze": question("cloze", text="{{1}} and {{2}}", blanks=["a", ["b", "B"]]),
    "flashcard": question("flashcard", back="Back", tags=["flask"], title="Card"),
    "essay": question("essay", max_words=200, grader_notes="Look for *routing*."),
    "description": question("description", title="The case"),
}


def test_every_type_has_a_valid_example() -> None:
    assert set(VALID) == set(QUESTION_TYPES)


@pytest.mark.parametrize("raw", VALID.values(), ids=VALID.keys())
def test_valid_questions_have_no_problems_raw_or_normalised(raw: dict) -> None:
    assert validate_question(raw) == []
    assert validate_question(normalise_question(raw)) == []


@pytest.mark.parametrize("raw", VALID.values(), ids=VALID.keys())
def test_normalising_is_idempotent(raw: dict) -> None:
    once = normalise_question(raw)
    assert normalise_question(once) == once


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param({**VALID["flashcard"], "id": "Bad Id"}, "not a valid id", id="id-pattern"),
        pytest.param({**VALID["flashcard"], "id": "a" * 81}, "at most 80", id="id-too-long"),
        pytest.param({**VALID["flashcard"], "id": 12}, "id: must be text", id="id-number"),
        pytest.param(
            {**VALID["flashcard"], "prompt": "  "}, "prompt: must not be empty", id="prompt-blank"
        ),
        pytest.param(
            {"id": "x", "type": "flashcard", "back": "b"},
            "missing required key 'prompt'",
            id="prompt-missing",
        ),
        pytest.param(
            {**VALID["flashcard"], "type": "ranking"},
            "unknown question type 'ranking'",
            id="unknown-type",
        ),
        pytest.param(
            {**VALID["flashcard"], "tags": "flask"}, "tags: must be a list", id="tags-not-list"
        ),
        pytest.param(
            {**VALID["flashcard"], "tags": ["ok", 3]}, "tags[2]: must be text", id="tag-not-text"
        ),
        pytest.param(
            {**VALID["flashcard"], "colour": "red"}, "unknown key 'colour'", id="unknown-key"
        ),
        pytest.param(
            question("single_choice", choices=TWO_CHOICES[:1]), "at least 2", id="single-one-choice"
        ),
        pytest.param(
            question("single_choice", choices=[{"text": "a"}, {"text": "b"}]),
            "no choice is marked",
            id="single-no-correct",
        ),
        pytest.param(
            question("single_choice", choices=[{"text": "a", "correct": True}] * 2),
            "exactly one",
            id="single-two-correct",
        ),
        pytest.param(
            question("single_choice", choices=[*TWO_CHOICES, {"text": "c", "x": 1}]),
            "unknown key 'x' in choices[3]",
            id="single-choice-unknown-key",
        ),
        pytest.param(
            question("single_choice", choices=[*TWO_CHOICES, {"text": True}]),
            "put quotes around",
            id="single-choice-yaml-bool-text",
        ),
        pytest.param(
            question("multiple_response", choices=[{"text": "a"}, {"text": "b"}]),
            "no choice has a positive weight",
            id="multi-no-correct",
        ),
        pytest.param(
            question(
                "multiple_response",
                choices=[{"text": "a", "weight": 150}, {"text": "b", "weight": 0}],
            ),
            "at most 100",
            id="multi-weight-range",
        ),
        pytest.param(
            question(
                "multiple_response",
                choices=[{"text": "a", "weight": 50}, {"text": "b", "weight": 40}],
            ),
            "add up to 90%",
            id="multi-weights-sum",
        ),
        pytest.param(
            question(
                "multiple_response",
                choices=[{"text": "a", "weight": 100}, {"text": "b", "correct": True}],
            ),
            "not a mix",
            id="multi-mixed-forms",
        ),
        pytest.param(
            question("true_false", answer="yes"),
            "answer: must be true or false",
            id="tf-answer-text",
        ),
        pytest.param(question("true_false"), "missing required key 'answer'", id="tf-missing"),
        pytest.param(question("short_answer", answers=[]), "at least 1 item", id="short-none"),
        pytest.param(question("short_answer"), "either `answer`", id="short-missing"),
        pytest.param(
            question("short_answer", answers=[{"text": "a", "weight": 50}]),
            "full marks",
            id="short-no-full-marks",
        ),
        pytest.param(question("numeric", answers=[]), "at least 1 item", id="numeric-none"),
        pytest.param(
            question("numeric", answers=[{"min": 3, "max": 2}]),
            "min is greater",
            id="numeric-min-above-max",
        ),
        pytest.param(
            question("numeric", answer=1, tolerance=-1),
            "tolerance: must be at least 0",
            id="numeric-negative-tolerance",
        ),
        pytest.param(
            question("numeric", answers=[{"min": 1}]),
            "missing required key 'max'",
            id="numeric-half-range",
        ),
        pytest.param(
            question("numeric", answers=[{"value": 1}], tolerance=1),
            "only allowed together with 'answer'",
            id="numeric-stray-tolerance",
        ),
        pytest.param(question("numeric", answer=float("nan")), "finite", id="numeric-nan"),
        pytest.param(
            question("matching", pairs=[{"left": "a", "right": "1"}]),
            "at least 2",
            id="matching-one-pair",
        ),
        pytest.param(
            question(
                "matching", pairs=[{"left": "a", "right": "1"}, {"left": " A ", "right": "2"}]
            ),
            "appears twice",
            id="matching-duplicate-left",
        ),
        pytest.param(
            question("cloze", text="{{1}} and {{3}}", blanks=["a", "b"]),
            "blank markers",
            id="cloze-markers-mismatch",
        ),
        pytest.param(
            question("cloze", text="no blanks", blanks=["a"]),
            "blank markers",
            id="cloze-no-markers",
        ),
        pytest.param(
            question("cloze", text="{{1}}", blanks=[{"answers": []}]),
            "at least 1 item",
            id="cloze-blank-no-answers",
        ),
        pytest.param(
            question("cloze", text="{{1}}", blanks=[{"answers": ["c"], "options": ["a", "b"]}]),
            "not one of its options",
            id="cloze-answer-not-an-option",
        ),
        pytest.param(question("flashcard", back=""), "back: must not be empty", id="flash-back"),
    ],
)
def test_broken_rule_is_reported(raw: dict, message: str) -> None:
    problems = validate_question(raw)
    assert any(message in problem for problem in problems), problems


def test_unknown_type_reports_only_the_type() -> None:
    assert validate_question(question("ranking", order=[1, 2])) == [
        "type: unknown question type 'ranking'; use one of: single_choice, multiple_response, "
        "true_false, short_answer, numeric, matching, cloze, flashcard, essay, description"
    ]


def test_shorthands_expand_to_the_documented_shape() -> None:
    numeric = normalise_question(question("numeric", answer=3, tolerance=0.5))
    assert numeric["answers"] == [
        {"value": 3.0, "tolerance": 0.5, "weight": 100.0, "feedback": None}
    ]
    assert "answer" not in numeric
    assert "tolerance" not in numeric
    multi = normalise_question(
        question("multiple_response", choices=[{"text": "a", "correct": True}, {"text": "b"}])
    )
    assert [c["weight"] for c in multi["choices"]] == [100.0, -100.0]
    cloze = normalise_question(VALID["cloze"])
    assert cloze["blanks"][1] == {
        "answers": ["b", "B"],
        "options": None,
        "accent_insensitive": False,
    }
