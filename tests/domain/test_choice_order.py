"""A question whose choices keep their order (`shuffle: false`, Moodle's shuffleanswers 0,
or for a cloze's drop-downs Moodle's MULTICHOICE against MULTICHOICE_S): read from the
bank, laid out unshuffled in quizzes and review, left out of GIFT."""

import random

import pytest

from quizapp.domain.formats.bank import dump_bank, parse_bank
from quizapp.domain.formats.gift import write_gift
from quizapp.domain.questions import normalise_question, validate_question
from quizapp.domain.quiz_layout import review_layout, shuffle_options

CHOICES = ["Flask", "Django", "Pyramid", "Bottle", "Todas las anteriores"]


TYPES = ["single_choice", "multiple_response", "cloze"]
AUTHORED = [0, 1, 2, 3, 4]


def _question(qtype: str, **keys) -> dict:
    if qtype == "cloze":
        blanks = [{"answers": ["Flask"], "options": CHOICES}]
        question = normalise_question(
            {"id": "q", "type": "cloze", "prompt": "Completa:", "text": "{{1}} es micro."}
            | {"blanks": blanks, **keys}
        )
        assert validate_question(question) == []
        return question
    if qtype == "single_choice":
        choices = [{"text": text, "correct": i == 0} for i, text in enumerate(CHOICES)]
    else:
        choices = [{"text": text, "correct": i < 2} for i, text in enumerate(CHOICES)]
    question = normalise_question(
        {"id": "q", "type": qtype, "prompt": "¿Cuál?", "choices": choices, **keys}
    )
    assert validate_question(question) == []
    return question


@pytest.mark.parametrize("qtype", TYPES)
def test_a_fixed_order_question_is_never_shuffled(qtype):
    fixed = _question(qtype, shuffle=False)
    shuffled = _question(qtype)
    authored = [AUTHORED] if qtype == "cloze" else AUTHORED  # a cloze: one order per blank
    seeds = range(20)
    assert all(shuffle_options(fixed, random.Random(seed)) == authored for seed in seeds)
    assert review_layout(fixed, card_id=7, reps=3, key="k") == authored
    # The same question without the key does get shuffled (so the check above can fail).
    assert any(shuffle_options(shuffled, random.Random(seed)) != authored for seed in seeds)


def test_a_cloze_without_drop_downs_has_no_order_to_keep():
    question = normalise_question(
        {"id": "q", "type": "cloze", "text": "{{1}}", "blanks": ["Flask"], "shuffle": False}
    )
    assert "shuffle" not in question


@pytest.mark.parametrize("qtype", TYPES)
def test_the_key_is_said_only_when_false_and_round_trips_through_yaml(qtype):
    assert "shuffle" not in _question(qtype)
    assert "shuffle" not in _question(qtype, shuffle=True)
    fixed = _question(qtype, shuffle=False)
    text = dump_bank([fixed], lesson=1)
    assert "shuffle: false" in text
    assert parse_bank(text, "b.yaml").questions == [{**fixed, "lesson": 1}]


def test_a_shuffle_that_is_not_a_flag_is_an_error():
    text = "lesson: 1\nquestions:\n  - id: q\n    type: single_choice\n    prompt: P\n"
    text += "    shuffle: nunca\n    choices:\n      - text: a\n        correct: true\n"
    text += "      - text: b\n"
    errors = parse_bank(text, "b.yaml").errors
    assert [(e.line, e.message) for e in errors] == [(6, "shuffle: must be true or false")]


@pytest.mark.parametrize("qtype", ["single_choice", "cloze"])
def test_gift_leaves_a_fixed_order_question_out_and_says_why(qtype):
    assert write_gift([_question(qtype)]).skipped == []
    written = write_gift([_question(qtype, shuffle=False)])
    assert written.text == ""
    assert written.skipped == [("q", "GIFT cannot keep choices in their order (shuffle: false)")]
