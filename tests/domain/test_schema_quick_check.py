"""The quick yes/no check compiled from bank.schema.json (quizapp.domain.questions.schema)
answers exactly as jsonschema does, on every question of the bundled course and on
thousands of broken variants of them: a "yes" skips jsonschema, so a wrong "yes" would
store a question the schema refuses."""

import copy
import random
from pathlib import Path

import pytest
import yaml

from quizapp.domain.questions.registry import QUESTION_TYPES
from quizapp.domain.questions.schema import _plain, _quick_check, _validator

BANKS = Path(__file__).resolve().parents[2] / "questions" / "curso-flask"
ODD_VALUES = (None, 0, 1.5, -3, True, "", "x", "single_choice", [], ["a"], [{}], {}, {"text": ""})


def _questions() -> list[dict]:
    found = []
    for path in sorted(BANKS.glob("*.yaml")):
        found += yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return found


def _nodes(value, path=()):
    """Every (path, container) inside a question, the question itself first."""
    if isinstance(value, dict | list):
        yield path, value
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            yield from _nodes(item, (*path, key))


def _variant(question: dict, rng: random.Random) -> dict:
    variant = copy.deepcopy(question)
    for _ in range(rng.randint(1, 2)):
        _path, node = rng.choice(list(_nodes(variant)))
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        move = rng.randrange(5)
        if move == 0 and keys:
            del node[rng.choice(keys)]
        elif move == 1 and keys:
            node[rng.choice(keys)] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif move == 2 and isinstance(node, dict):
            node[rng.choice(("unknown", "weight", "correct", "feedback", "text", "answers"))] = (
                copy.deepcopy(rng.choice(ODD_VALUES))
            )
        elif move == 3 and isinstance(node, dict):
            node["type"] = rng.choice([*QUESTION_TYPES, "nonsense", 3])
        elif isinstance(node, list):
            node.append(copy.deepcopy(rng.choice(ODD_VALUES)))
    return variant


@pytest.mark.parametrize("definition", ["question", None])
def test_the_quick_check_agrees_with_jsonschema(definition):
    quick, validator = _quick_check(definition), _validator(definition)
    assert quick is not None  # the compiler knows every keyword the schema uses
    rng = random.Random(20)
    questions = _questions()
    assert len({q["type"] for q in questions}) == len(QUESTION_TYPES)
    if definition is None:  # whole files: a bank holding one question
        cases = [{"lesson": 1, "questions": [q]} for q in questions]
        cases += [{"lesson": 1, "questions": [_variant(q, rng)]} for q in questions * 15]
    else:
        cases = questions + [_variant(q, rng) for q in questions * 40]
    verdicts = {True: 0, False: 0}
    for case in cases:
        assert _plain(case)
        expected = not any(True for _ in validator.iter_errors(case))
        assert quick(case) is expected, case
        verdicts[expected] += 1
    # Both answers were put to the test, many times each.
    assert min(verdicts.values()) > 200, verdicts
