"""Request validation: the compiled check (fastjsonschema) lets through only what the
reference (jsonschema) accepts, on every route's schemas, near misses included."""

import pytest
from jsonschema import Draft202012Validator

from quizapp.api import validation
from quizapp.api.answer_schemas import REVIEW_REQUEST, SAVE_ANSWERS_REQUEST, SUBMIT_REQUEST
from quizapp.api.routing import OPERATIONS
from quizapp.api.validation import ApiError, validate

# Values a compiled check could judge otherwise than jsonschema: booleans as integers,
# integral floats, NUL, repeated items, extra keys, wrong types at each level.
NEAR_MISSES = [
    None,
    True,
    0,
    1.0,
    "x",
    "\x00",
    [],
    {},
    {"answers": []},
    {"answers": [], "confirm_unanswered": True},
    {"answers": [], "confirm_unanswered": 1},
    {"answers": "x"},
    {"answers": [{"answer_id": True}]},
    {"answers": [{"answer_id": 1.0}]},
    {"answers": [{"answer_id": 0}]},
    {"answers": [{"answer_id": 2**40}]},
    {"answers": [{"answer_id": 1, "extra": 1}]},
    {"answers": [{"answer_id": 1, "response": {"any": [1]}}]},
    {"answers": [{"response": 1}]},
    {"rating": True},
    {"rating": 3.0},
    {"rating": 5},
    {"rating": 3, "duration_ms": -1},
    {"rating": 3, "response": [1, True]},
    {"rating": 3, "response": [1, 1]},
    {"rating": 3, "response": "a\x00b"},
    {"rating": 3, "response": {"01": 1}},
    {"name": "x" * 10_000},
    {"email": "a@example.org", "password": "x"},
    {"format": "gift", "text": "::q:: Flask? {T}"},
    {"lesson": "x"},
    {"lesson": "x", "course": "y"},
    {"limit": 0},
    {"limit": "10"},
]


def _reference_accepts(schema, value) -> bool:
    return not any(Draft202012Validator(validation._checked_here(schema)).iter_errors(value))


def test_the_compiled_check_accepts_only_what_jsonschema_accepts(app):
    schemas = [
        schema
        for operation in OPERATIONS  # registered by the app's API blueprint
        for schema in (operation.body, operation.query, operation.multipart)
        if schema is not None
    ]
    assert len(schemas) >= 10
    for schema in schemas:
        for value in NEAR_MISSES:
            try:
                validate(value, schema)
                accepted = True
            except ApiError:
                accepted = False
            assert accepted == _reference_accepts(schema, value), (schema, value)


@pytest.mark.parametrize("schema", [SUBMIT_REQUEST, SAVE_ANSWERS_REQUEST, REVIEW_REQUEST])
def test_a_refused_body_is_worded_by_jsonschema(schema):
    with pytest.raises(ApiError) as refused:
        validate({"answers": [{"answer_id": "1"}], "rating": "3"}, schema)
    assert refused.value.status == 422
    assert "is not of type 'integer'" in refused.value.message or "Additional" in (
        refused.value.message
    )
