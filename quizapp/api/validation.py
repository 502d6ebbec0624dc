"""Reading API requests: JSON bodies and query strings checked against quizapp.api.schemas,
and ApiError, the one way a view answers with a JSON error."""

import json
import math
from collections.abc import Callable
from typing import Any

import fastjsonschema
from fastjsonschema import JsonSchemaException
from flask import request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from quizapp.api.schemas import CHECKED_BY_VIEW, MAX_ID
from quizapp.security import unstorable_text_problem

# An error names the rejected value but never echoes more than this much of it (a 1 MB
# string sent in must not come back as a 1 MB error).
MAX_ECHO = 200


def shorten(text: str, limit: int = MAX_ECHO) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ApiError(Exception):
    """Answered as `{"error": {"code", "message"[, "details"]}}` with `status`; the message
    and each detail are capped (see MAX_ECHO)."""

    def __init__(self, status: int, code: str, message: str, details: list[str] | None = None):
        message = shorten(message, 4 * MAX_ECHO)
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = None if details is None else [shorten(d, 4 * MAX_ECHO) for d in details]

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


_VALIDATORS: dict[int, Draft202012Validator] = {}
_CHECKS: dict[int, Callable[[Any], Any]] = {}


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """jsonschema's validator of `schema`: the reference, which words the errors."""
    key = id(schema)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = Draft202012Validator(_checked_here(schema))
    return _VALIDATORS[key]


def _check(schema: dict[str, Any]) -> Callable[[Any], Any] | None:
    """`schema` compiled to Python by fastjsonschema (a tenth of jsonschema's time on a
    submission's body), for the valid requests: no defaults filled in, formats not
    asserted (as jsonschema without a format checker), no messages built. None for a
    schema using a draft 2020-12 keyword it does not know (jsonschema alone checks it)."""
    key = id(schema)
    if key not in _CHECKS:
        draft7 = _as_draft7(_checked_here(schema))
        _CHECKS[key] = draft7 and fastjsonschema.compile(
            draft7, use_default=False, use_formats=False, detailed_exceptions=False
        )
    return _CHECKS[key]


# Draft 2020-12 keywords that fastjsonschema (drafts 4 to 7) would silently ignore.
_NOT_IN_DRAFT7 = {
    "prefixItems",
    "dependentSchemas",
    "unevaluatedItems",
    "unevaluatedProperties",
    "minContains",
    "maxContains",
    "$defs",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
}


def _as_draft7(schema: Any) -> Any:
    """`schema` in draft 7's words (`dependentRequired` is draft 7's `dependencies` of
    lists), or None when it uses a keyword draft 7 lacks."""
    if isinstance(schema, list):
        items = [_as_draft7(item) for item in schema]
        return None if any(item is None for item in items) else items
    if not isinstance(schema, dict):
        return schema
    if _NOT_IN_DRAFT7 & schema.keys():
        return None
    out = {}
    for key, value in schema.items():
        converted = _as_draft7(value)
        if converted is None and value is not None:
            return None
        out["dependencies" if key == "dependentRequired" else key] = converted
    return out


def _checked_here(schema: Any) -> Any:
    """`schema` with the parts marked CHECKED_BY_VIEW (quizapp.api.schemas) accepting
    anything: their views check them."""
    if isinstance(schema, dict):
        if schema.get(CHECKED_BY_VIEW):
            return {}
        return {key: _checked_here(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_checked_here(value) for value in schema]
    return schema


def _where(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def validate(value: Any, schema: dict[str, Any], what: str = "body") -> None:
    """Raises a 422 ApiError naming the first (most relevant) schema violation. What the
    compiled check passes is valid; what it refuses is decided, and worded, by jsonschema
    (which is also the judge where the two could differ)."""
    check = _check(schema)
    if check is not None:
        try:
            check(value)
            return
        except JsonSchemaException:
            pass
    error = best_match(_validator(schema).iter_errors(value))
    if error is not None:
        where = _where(error.absolute_path) if error.absolute_path else what
        # jsonschema puts repr(value) in its message: keep the message, shorten the value.
        message = error.message.replace(repr(error.instance), shorten(repr(error.instance)))
        raise ApiError(422, "invalid_request", f"{shorten(where)}: {message}")


def _check_values(value: Any) -> None:
    """Text no database stores (NUL, a lone surrogate: quizapp.security) and NaN/Infinity
    (which Python's JSON reader accepts) cannot be stored as JSON. Iterative, so deep
    nesting cannot overflow."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            problem = unstorable_text_problem(item)
            if problem:
                raise ApiError(422, "invalid_request", problem)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ApiError(422, "invalid_request", "Numbers must be finite.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_json_body() -> Any:
    """The request body as JSON whatever its declared type; 400 when it is not JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, "malformed_json", "The request body must be a JSON document.")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "The request body is not valid JSON.") from None
    _check_values(value)
    return value


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    value = parse_json_body()
    validate(value, schema)
    return value


def form_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A multipart body: its text fields checked against `schema`, files kept aside."""
    fields = {key: value for key, value in request.form.items()}
    _check_values(fields)
    validate(fields, {**schema, "required": [r for r in schema["required"] if r != "file"]})
    if "file" in schema["required"] and "file" not in request.files:
        raise ApiError(422, "invalid_request", "file: a file is required.")
    return {**fields, "files": request.files}


def query_args(schema: dict[str, Any]) -> dict[str, Any]:
    """Query parameters, integers converted where the schema says so, then validated."""
    args: dict[str, Any] = {}
    properties = schema["properties"]
    for name, value in request.args.items():
        if name not in properties:
            continue
        if properties[name].get("type") == "integer":
            text = value.strip()
            if not (text.lstrip("-").isdecimal() and len(text) <= 10):
                raise ApiError(422, "invalid_request", f"{name}: must be an integer.")
            args[name] = int(text)
        else:
            args[name] = value
    _check_values(args)
    validate(args, schema, "query")
    for name, prop in properties.items():
        if name not in args and "default" in prop:
            args[name] = prop["default"]
    return args


def check_id(value: int) -> int:
    """Ids outside the columns' range cannot exist; answering 404 avoids a database error."""
    if not 1 <= value <= MAX_ID:
        raise ApiError(404, "not_found", "No such resource.")
    return value
