"""Structural checks against bank.schema.json, with jsonschema errors turned into plain English."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from quizapp.domain.questions.base import Path, Problem

_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "empty",
}


@cache
def bank_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file, shipped beside the domain package."""
    text = resources.files("quizapp.domain").joinpath("bank.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(definition: str | None) -> Draft202012Validator:
    schema = bank_schema()
    if definition is not None:
        # Same $defs, rooted at one definition, so "#/$defs/..." references still resolve.
        schema = {
            "$schema": schema["$schema"],
            "$defs": schema["$defs"],
            "$ref": f"#/$defs/{definition}",
        }
    return Draft202012Validator(schema)


def file_problems(data: Any) -> list[Problem]:
    """Problems of a whole bank file; paths start at the file root."""
    return _problems(_validator(None), data)


def question_problems(question: Any) -> list[Problem]:
    """Problems of one question (raw or normalised); paths start at the question."""
    return _problems(_validator("question"), question)


def _problems(validator: Draft202012Validator, instance: Any) -> list[Problem]:
    seen: dict[tuple[Path, str], Problem] = {}
    for error in validator.iter_errors(instance):
        for problem in _translate(error):
            seen.setdefault((problem.path, problem.message), problem)
    return list(seen.values())


def location(path: Path) -> str:
    """`choices[2].text` for a path inside a question; list items count from 1 as people do.

    A path from the file root drops its `questions[n]` prefix: the line number says which.
    """
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        path = path[2:]
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _translate(error: ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    where = location(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-messages", {}).get(error.validator)
    if error.validator == "additionalProperties":
        allowed = schema.get("properties", {})
        for key in error.instance:
            if key not in allowed:
                yield Problem(
                    (*path, key), f"unknown key {key!r}" + (f" in {where}" if where else "")
                )
    elif error.validator == "required" and custom is None:
        for key in error.validator_value:
            if key not in error.instance:
                yield Problem(
                    path, f"missing required key {key!r}" + (f" in {where}" if where else "")
                )
    elif custom is not None:
        message = custom.format(value=error.instance)
        yield Problem(path, f"{where}: {message}" if where else message)
    else:
        message = _describe(error)
        yield Problem(path, f"{where}: {message}" if where else message)


def _describe(error: ValidationError) -> str:
    """A plain-English reason for the jsonschema keywords the bank schema uses."""
    value = error.validator_value
    match error.validator:
        case "type":
            names = [value] if isinstance(value, str) else value
            return "must be " + " or ".join(_TYPE_NAMES.get(name, name) for name in names)
        case "minItems":
            return f"needs at least {value} item{'s' if value != 1 else ''}"
        case "minLength":
            return "must not be empty"
        case "maxLength":
            return f"must be at most {value} characters long"
        case "minimum":
            return f"must be at least {value}"
        case "maximum":
            return f"must be at most {value}"
        case "enum":
            return f"{error.instance!r} is not allowed; use one of: " + ", ".join(map(str, value))
        case "dependentRequired":
            pairs = [(key, needs) for key, needs in value.items() if key in error.instance]
            return "; ".join(
                f"{key!r} is only allowed together with " + " and ".join(map(repr, needs))
                for key, needs in pairs
            )
        case _:
            return error.message
