"""Grading rules of every question type, as tables of (question, response, expected score)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quizapp.domain.questions import (
    describe_right_answer,
    grade_response,
    is_gradable,
    normalise_question,
    validate_question,
)


def make(qtype: str, **keys: object) -> dict:
    question = normalise_question({"id": f"{qtype}-q", "type": qtype, "prompt": "?", **keys})
    assert validate_question(question) == []
    return question


SINGLE = make(
    "single_choice",
    choices=[
        {"text": "Flask", "correct": True, "feedback": "Yes!"},
        {"text": "Django", "feedback": "Too big."},
        {"text": "Pyramid"},
    ],
)
MULTI = make(
    "multiple_response",
    choices=[
        {"text": "a", "weight": 50, "feedback": "a ok"},
        {"text": "b", "weight": 50},
        {"text": "c", "weight": -100, "feedback": "c wrong"},
        {"text": "d", "weight": -30},
    ],
)
MULTI_SHORTHAND = make(
    "multiple_response",
    choices=[{"text": "a", "correct": True}, {"text": "b", "correct": True}, {"text": "c"}],
)
TRUE_FALSE = make("true_false", answer=True, feedback_true="Right.", feedback_false="No: true.")
SHORT = make(
    "short_answer",
    answers=[
        "Jinja",
        {"text": "Jinja2", "weight": 100, "feedback": "Version 2!"},
        {"text": "templates", "weight": 50, "feedback": "Close."},
    ],
)
SHORT_ACCENTS = make("short_answer", answers=["Jinja", "año"], accent_insensitive=True)
NUMERIC = make("numeric", answer=3.5, tolerance=0.1)
NUMERIC_RANGES = make(
    "numeric",
    answers=[
        {"min": 1, "max": 2, "feedback": "In range."},
        {"value": 10, "weight": 50, "feedback": "Half."},
        {"min": 9, "max": 11, "weight": 25},
    ],
)
MATCHING = make(
    "matching",
    pairs=[
        {"left": "Flask", "right": "micro"},
        {"left": "Django", "right": "full-stack"},
        {"left": "Bottle", "right": "micro"},
    ],
    distractors=["CMS"],
)
CLOZE = make(
    "cloze",
    text="{{1}} is a {{2}} framework written in {{3}}.",
    blanks=[
        "Flask",
        {"answers": ["micro"], "options": ["micro", "full-stack"]},
        {"answers": ["Python", "Pythón"], "accent_insensitive": True},
    ],
)


@pytest.mark.parametrize(
    ("question", "response", "score"),
    [
        pytest.param(SINGLE, 0, 1.0, id="single-right"),
        pytest.param(SINGLE, 1, 0.0, id="single-wrong"),
        pytest.param(SINGLE, "0", 1.0, id="single-index-as-form-text"),
        pytest.param(MULTI, {0, 1}, 1.0, id="multi-both-right"),
        pytest.param(MULTI, [0], 0.5, id="multi-half"),
        pytest.param(MULTI, [0, 0], 0.5, id="multi-repeated-index-counts-once"),
        pytest.param(MULTI, (0, 1, 3), 0.7, id="multi-penalty"),
        pytest.param(MULTI, {0, 1, 2, 3}, 0.0, id="multi-negative-total-clamps-to-0"),
        pytest.param(MULTI, set(), 0.0, id="multi-nothing-selected"),
        pytest.param(MULTI_SHORTHAND, [0, 1], 1.0, id="multi-shorthand-right"),
        pytest.param(MULTI_SHORTHAND, [0, 1, 2], 0.0, id="multi-shorthand-all-cancels"),
        pytest.param(MULTI_SHORTHAND, [0], 0.5, id="multi-shorthand-half"),
        pytest.param(TRUE_FALSE, True, 1.0, id="tf-right"),
        pytest.param(TRUE_FALSE, False, 0.0, id="tf-wrong"),
        pytest.param(SHORT, "jinja", 1.0, id="short-case"),
        pytest.param(SHORT, "  JINJA  ", 1.0, id="short-trim"),
        pytest.param(SHORT, "ｊｉｎｊａ", 1.0, id="short-nfkc-full-width"),
        pytest.param(SHORT, "jínja", 0.0, id="short-accent-not-allowed"),
        pytest.param(SHORT, "Templates", 0.5, id="short-partial-weight"),
        pytest.param(SHORT, "the   templates", 0.0, id="short-no-substring"),
        pytest.param(SHORT, "", 0.0, id="short-empty"),
        pytest.param(SHORT_ACCENTS, "jínja", 1.0, id="short-accent-allowed"),
        pytest.param(SHORT_ACCENTS, "ano", 1.0, id="short-accent-allowed-reverse"),
        pytest.param(SHORT_ACCENTS, "Jinja", 1.0, id="short-accent-plain"),
        pytest.param(NUMERIC, "3.5", 1.0, id="numeric-dot"),
        pytest.param(NUMERIC, "3,5", 1.0, id="numeric-decimal-comma"),
        pytest.param(NUMERIC, " 3.5 ", 1.0, id="numeric-spaces"),
        pytest.param(NUMERIC, "3.6", 1.0, id="numeric-upper-boundary"),
        pytest.param(NUMERIC, "3,4", 1.0, id="numeric-lower-boundary"),
        pytest.param(NUMERIC, "3.6000001", 0.0, id="numeric-just-above"),
        pytest.param(NUMERIC, "3.3999999", 0.0, id="numeric-just-below"),
        pytest.param(NUMERIC, 3.6, 1.0, id="numeric-float-boundary"),
        pytest.param(NUMERIC, Decimal("3.45"), 1.0, id="numeric-decimal"),
        pytest.param(NUMERIC, "３.５", 1.0, id="numeric-full-width"),
        pytest.param(NUMERIC, "3.5.1", 0.0, id="numeric-bad-text"),
        pytest.param(NUMERIC, "3 1/2", 0.0, id="numeric-fraction-text"),
        pytest.param(NUMERIC, "nan", 0.0, id="numeric-nan-text"),
        pytest.param(NUMERIC, float("inf"), 0.0, id="numeric-infinity"),
        pytest.param(NUMERIC_RANGES, "1", 1.0, id="range-min-inclusive"),
        pytest.param(NUMERIC_RANGES, "2", 1.0, id="range-max-inclusive"),
        pytest.param(NUMERIC_RANGES, "2.01", 0.0, id="range-outside"),
        pytest.param(NUMERIC_RANGES, 10, 0.5, id="range-best-weight-wins"),
        pytest.param(NUMERIC_RANGES, "9", 0.25, id="range-lower-weight"),
        pytest.param(MATCHING, {0: 0, 1: 1, 2: 2}, 1.0, id="matching-all"),
        pytest.param(MATCHING, {0: 2, 1: 1, 2: 0}, 1.0, id="matching-equal-rights-swap"),
        pytest.param(MATCHING, {0: 0, 1: 3, 2: 1}, 1 / 3, id="matching-partial"),
        pytest.param(MATCHING, {"0": "0", "1": "1"}, 2 / 3, id="matching-form-text-missing-one"),
        pytest.param(MATCHING, [0, 1, 3], 2 / 3, id="matching-list-form"),
        pytest.param(CLOZE, ["flask", "micro", "python"], 1.0, id="cloze-all"),
        pytest.param(CLOZE, ["Flask", "micro", "PYTHÖN"], 1.0, id="cloze-accent-allowed-blank"),
        pytest.param(CLOZE, ["Flask", "Micro", "Python"], 2 / 3, id="cloze-dropdown-exact"),
        pytest.param(CLOZE, ["flásk", "micro"], 1 / 3, id="cloze-partial-short-list"),
    ],
)
def test_score(question: dict, response: object, score: float) -> None:
    result = grade_response(question, response)
    assert result.score == pytest.approx(score, abs=1e-6)
    assert result.correct == (score >= 0.999)


# None of these is a right answer to any GRADABLE question; False is garbage except for
# true/false, where it is simply wrong.
GARBAGE = {
    "none": None,
    "text": "x",
    "negative-index": -1,
    "index-out-of-range": 99,
    "bool": False,
    "huge-float": 1e9,
    "list-of-none": [None],
    "dict-of-objects": {"a": object()},
    "object": object(),
    "bytes": b"0",
    "huge-digit-string": "9" * 5000,
}
GRADABLE = {
    "single": SINGLE,
    "multi": MULTI,
    "true-false": TRUE_FALSE,
    "short": SHORT,
    "numeric": NUMERIC,
    "numeric-ranges": NUMERIC_RANGES,
    "matching": MATCHING,
    "cloze": CLOZE,
}


@pytest.mark.parametrize("question", GRADABLE.values(), ids=GRADABLE.keys())
@pytest.mark.parametrize("response", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_response_scores_zero_without_raising(question: dict, response: object) -> None:
    result = grade_response(question, response)
    assert result.score == 0.0
    assert result.correct is False


@pytest.mark.parametrize(
    ("response", "parts"),
    [
        pytest.param(0, [True, True, True], id="right-pick"),
        pytest.param(1, [False, False, True], id="wrong-pick"),
        pytest.param(None, [False, True, True], id="no-pick"),
    ],
)
def test_single_choice_parts_say_whether_each_choice_was_judged_right(
    response: object, parts: list[bool]
) -> None:
    assert grade_response(SINGLE, response).parts == parts


@pytest.mark.parametrize(
    ("question", "response", "feedback"),
    [
        pytest.param(SINGLE, 1, ["Too big."], id="single-picked-choice"),
        pytest.param(SINGLE, 2, [], id="single-no-feedback-written"),
        pytest.param(MULTI, [2, 0], ["a ok", "c wrong"], id="multi-picked-in-order"),
        pytest.param(TRUE_FALSE, True, ["Right."], id="tf-picked-true"),
        pytest.param(TRUE_FALSE, False, ["No: true."], id="tf-picked-false"),
        pytest.param(SHORT, "jinja2", ["Version 2!"], id="short-matched-answer"),
        pytest.param(SHORT, "nope", [], id="short-no-match"),
        pytest.param(NUMERIC_RANGES, "1.5", ["In range."], id="numeric-matched-answer"),
        pytest.param(NUMERIC_RANGES, "10", ["Half."], id="numeric-best-answer"),
    ],
)
def test_feedback_follows_the_response(question: dict, response: object, feedback: list) -> None:
    assert grade_response(question, response).feedback == feedback


@pytest.mark.parametrize(
    ("question", "response", "parts"),
    [
        pytest.param(MULTI, [0, 2], [True, False, False, True], id="multi"),
        pytest.param(MATCHING, {0: 0, 1: 0}, [True, False, False], id="matching"),
        pytest.param(CLOZE, ["Flask", "full-stack", 3], [True, False, False], id="cloze"),
    ],
)
def test_parts_flag_each_choice_pair_or_blank(
    question: dict, response: object, parts: list
) -> None:
    assert grade_response(question, response).parts == parts


@pytest.mark.parametrize(
    ("question", "right_answer"),
    [
        pytest.param(SINGLE, "Flask", id="single"),
        pytest.param(MULTI, "a; b", id="multi"),
        pytest.param(TRUE_FALSE, "True", id="true-false"),
        pytest.param(SHORT, "Jinja / Jinja2", id="short"),
        pytest.param(NUMERIC, "3.5 ± 0.1", id="numeric"),
        pytest.param(NUMERIC_RANGES, "1–2", id="numeric-range"),
        pytest.param(MATCHING, "Flask → micro; Django → full-stack; Bottle → micro", id="matching"),
        pytest.param(CLOZE, "Flask is a micro framework written in Python.", id="cloze"),
        pytest.param(make("flashcard", back="The back"), "The back", id="flashcard"),
    ],
)
def test_describe_right_answer(question: dict, right_answer: str) -> None:
    assert describe_right_answer(question) == right_answer


def test_grade_result_carries_the_right_answer() -> None:
    assert grade_response(SINGLE, 2).right_answer == "Flask"


def test_three_equal_shares_give_full_marks() -> None:
    three = make("multiple_response", choices=[{"text": t, "correct": True} for t in "abc"])
    assert grade_response(three, [0, 1, 2]).correct is True


@pytest.mark.parametrize(
    ("question_type", "gradable"),
    [("single_choice", True), ("cloze", True), ("flashcard", False), ("essay", False)],
)
def test_is_gradable(question_type: str, gradable: bool) -> None:
    assert is_gradable(question_type) is gradable


def test_grading_a_flashcard_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="self-rated"):
        grade_response(make("flashcard", back="b"), True)


def _bundled_questions() -> list[dict]:
    from pathlib import Path

    from quizapp.domain.formats.bank import parse_bank

    folder = Path(__file__).resolve().parents[2] / "questions" / "curso-flask"
    return [
        question
        for path in sorted(folder.glob("*.yaml"))
        for question in parse_bank(path.read_text(encoding="utf-8"), str(path)).questions
        # What grades itself: flashcards are rated, essays graded by hand, descriptions
        # not at all (their examples are in tests/services/test_manual_grading.py).
        if is_gradable(question["type"])
    ]


@pytest.mark.parametrize("question", _bundled_questions(), ids=lambda q: q["id"])
def test_example_responses_grade_right_and_wrong(question):
    from quizapp.domain.questions.registry import example_response

    assert grade_response(question, example_response(question, right=True)).score == 1.0
    assert grade_response(question, example_response(question, right=False)).score < 1.0


CASE_SENSITIVE = normalise_question(
    {"id": "cap", "type": "short_answer", "prompt": "Capital?", "case_sensitive": True}
    | {"answers": ["Paris", {"text": "PARIS", "weight": 50.0}]}
)


@pytest.mark.parametrize(
    ("response", "score"),
    [("Paris", 1.0), ("  Paris ", 1.0), ("paris", 0.0), ("PARIS", 0.5), ("pArIs", 0.0)],
)
def test_a_case_sensitive_short_answer_compares_case(response: str, score: float) -> None:
    assert grade_response(CASE_SENSITIVE, response).score == score


def test_a_short_answer_ignores_case_unless_told_and_says_so_only_when_true() -> None:
    plain = normalise_question(
        {"id": "cap", "type": "short_answer", "prompt": "Capital?", "answer": "Paris"}
    )
    # Absent when false: short answers stored before the key keep their content hash.
    assert "case_sensitive" not in plain
    assert grade_response(plain, "paris").score == 1.0
    off = normalise_question({**plain, "case_sensitive": False})
    assert off == plain
