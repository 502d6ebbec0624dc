"""Property: any valid bank survives dump_bank → parse_bank unchanged, whatever its text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.domain.formats.bank import dump_bank, parse_bank
from quizapp.domain.questions import (
    QUESTION_TYPES,
    grade_response,
    normalise_question,
    validate_question,
)
from quizapp.domain.questions.base import normalise_text

# Any Unicode except lone surrogates (not encodable), and never blank: authors write text.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).filter(str.strip)
OPTIONAL = st.none() | TEXT
NUMBER = st.floats(-1e6, 1e6, allow_nan=False) | st.integers(-1000, 1000).map(float)
WEIGHT = st.sampled_from([100.0, 50.0, 33.5, 0.0])


def _choices(draw: st.DrawFn) -> list[dict]:
    count = draw(st.integers(2, 4))
    return [{"text": draw(TEXT), "feedback": draw(OPTIONAL)} for _ in range(count)]


def _single_choice(draw: st.DrawFn) -> dict:
    choices = _choices(draw)
    right = draw(st.integers(0, len(choices) - 1))
    keys = {"choices": [{**c, "correct": i == right} for i, c in enumerate(choices)]}
    return {**keys, "shuffle": False} if draw(st.booleans()) else keys


def _multiple_response(draw: st.DrawFn) -> dict:
    choices = _choices(draw)
    weights = [100.0] + [draw(st.sampled_from([-100.0, -25.0, 0.0])) for _ in choices[1:]]
    keys = {"choices": [{**c, "weight": w} for c, w in zip(choices, weights, strict=True)]}
    return {**keys, "shuffle": False} if draw(st.booleans()) else keys


def _true_false(draw: st.DrawFn) -> dict:
    return {
        "answer": draw(st.booleans()),
        "feedback_true": draw(OPTIONAL),
        "feedback_false": draw(OPTIONAL),
    }


def _short_answer(draw: st.DrawFn) -> dict:
    answers = [
        {"text": draw(TEXT), "weight": w, "feedback": draw(OPTIONAL)}
        for w in [100.0, *draw(st.lists(WEIGHT, max_size=2))]
    ]
    keys = {"answers": answers, "accent_insensitive": draw(st.booleans())}
    return {**keys, "case_sensitive": True} if draw(st.booleans()) else keys


def _numeric(draw: st.DrawFn) -> dict:
    low, high = sorted([draw(NUMBER), draw(NUMBER)])
    exact = {
        "value": draw(NUMBER),
        "tolerance": abs(draw(NUMBER)),
        "weight": 100.0,
        "feedback": draw(OPTIONAL),
    }
    ranged = {"min": low, "max": high, "weight": draw(WEIGHT), "feedback": draw(OPTIONAL)}
    return {"answers": draw(st.sampled_from([[exact], [exact, ranged]]))}


def _matching(draw: st.DrawFn) -> dict:
    lefts = draw(st.lists(TEXT, min_size=2, max_size=4, unique_by=normalise_text))
    return {
        "pairs": [{"left": left, "right": draw(TEXT)} for left in lefts],
        "distractors": draw(st.lists(TEXT, max_size=2)),
    }


def _cloze(draw: st.DrawFn) -> dict:
    blanks = []
    for _ in range(draw(st.integers(1, 3))):
        answers = draw(st.lists(TEXT, min_size=1, max_size=2))
        options = draw(st.none() | st.just([*answers, *draw(st.lists(TEXT, min_size=1))]))
        blanks.append(
            {"answers": answers, "options": options, "accent_insensitive": draw(st.booleans())}
        )
    words = TEXT.filter(lambda text: "{" not in text)  # no stray blank markers
    sentence = " ".join(f"{draw(words)} {{{{{n}}}}}" for n in range(1, len(blanks) + 1))
    keys = {"text": sentence, "blanks": blanks}
    has_drop_down = any(blank["options"] is not None for blank in blanks)
    return {**keys, "shuffle": False} if has_drop_down and draw(st.booleans()) else keys


def _flashcard(draw: st.DrawFn) -> dict:
    return {"back": draw(TEXT)}


def _essay(draw: st.DrawFn) -> dict:
    return {
        "max_words": draw(st.none() | st.integers(1, 5000)),
        "response_template": draw(st.none() | TEXT.filter(lambda text: len(text.split()) <= 1)),
        "grader_notes": draw(OPTIONAL),
    }


def _description(draw: st.DrawFn) -> dict:
    return {}


# Type-specific keys of a valid question of each type, in normalised form.
TYPE_KEYS = {
    "single_choice": _single_choice,
    "multiple_response": _multiple_response,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "cloze": _cloze,
    "flashcard": _flashcard,
    "essay": _essay,
    "description": _description,
}


@st.composite
def questions(draw: st.DrawFn) -> list[dict]:
    """A valid bank of normalised questions of any types."""
    out = []
    for index, qtype in enumerate(
        draw(st.lists(st.sampled_from(sorted(TYPE_KEYS)), min_size=1, max_size=4))
    ):
        raw = {
            "id": f"q{index}",
            "type": qtype,
            "title": draw(OPTIONAL),
            "prompt": draw(TEXT),
            **TYPE_KEYS[qtype](draw),
            "explanation": draw(OPTIONAL),
            "tags": draw(st.lists(TEXT, max_size=2)),
            "section": draw(OPTIONAL),
            "lesson": draw(st.sampled_from([1, "clase-2"])),
        }
        question = normalise_question(raw)
        assert validate_question(question) == [], validate_question(question)
        out.append(question)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bank=questions(), lesson=st.sampled_from([None, 1]))
def test_dump_then_parse_is_the_identity(bank: list[dict], lesson: int | None) -> None:
    parsed = parse_bank(dump_bank(bank, lesson=lesson), "prop.yaml")
    assert parsed.errors == []
    assert parsed.questions == bank


RESPONSES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            inner.filter(lambda x: x is None or isinstance(x, bool | int | str)), inner, max_size=4
        )
        | st.frozensets(st.integers(-3, 6), max_size=4)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(bank=questions(), response=RESPONSES)
def test_grading_any_response_never_raises(bank: list[dict], response: object) -> None:
    for question in bank:
        if not QUESTION_TYPES[question["type"]].scored:  # flashcards, descriptions
            continue
        result = grade_response(question, response)
        assert 0.0 <= result.score <= 1.0
        assert result.correct == (result.score >= 0.999)


def test_the_strategies_cover_every_type() -> None:
    assert set(TYPE_KEYS) == set(QUESTION_TYPES)
