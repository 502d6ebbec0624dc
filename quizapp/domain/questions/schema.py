"""Structural checks against bank.schema.json, with jsonschema errors turned into plain English."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from quizapp.domain.questions.base import Path, Problem

if TYPE_CHECKING:  # imported when first needed: valid questions never need jsonschema
    from jsonschema import Draft202012Validator, ValidationError

_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "empty",
}


# Past this many problems a file is not worth checking further: the author fixes these first.
MAX_PROBLEMS = 200


@cache
def bank_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file, shipped beside the domain package."""
    text = resources.files("quizapp.domain").joinpath("bank.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(definition: str | None) -> Draft202012Validator:
    """Built once per root (the cache), never per question."""
    from jsonschema import Draft202012Validator

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
    return _problems(None, data)


def question_problems(question: Any) -> list[Problem]:
    """Problems of one question (raw or normalised); paths start at the question."""
    return _problems("question", question)


def _problems(definition: str | None, instance: Any) -> list[Problem]:
    quick = _quick_check(definition)
    if quick is not None and _plain(instance) and quick(instance):
        return []
    # Invalid (or unusual) input: jsonschema finds and words every problem, up to a limit
    # (a file of a million broken items would otherwise be checked and worded in full).
    seen: dict[tuple[Path, str], Problem] = {}
    for error in _validator(definition).iter_errors(instance):
        for problem in _translate(error):
            seen.setdefault((problem.path, problem.message), problem)
        if len(seen) >= MAX_PROBLEMS:
            break
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


# --- quick validity check ------------------------------------------------------------------
# jsonschema's iter_errors costs about a millisecond a question, which a 10,000-question
# import feels. Nearly every question is valid, so a yes/no check compiled once from the
# same schema answers first; only a "no" runs jsonschema, which then finds and words the
# problems, so messages never change. The check is exact for plain JSON-like data (dict
# with str keys, list, str, int, float, bool, None; `_plain`); anything else goes straight
# to jsonschema. A schema keyword the compiler does not know disables the quick check, so
# the schema can grow without the check silently drifting from it.

_Check = Callable[[Any], bool]
_PLAIN_TYPES = frozenset((dict, list, str, bool, int, float, type(None)))
_ANNOTATIONS = frozenset(
    ("$schema", "$id", "$defs", "$comment", "title", "description", "x-messages", "examples")
)
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "number": (int, float),
    "integer": (int,),  # and, from Draft 6 on, a float such as 1.0: see _type_check
}


class _Unsupported(Exception):
    """The schema uses something the quick check does not implement."""


def _plain(instance: Any) -> bool:
    """True when `instance` holds only the JSON-like values the quick check models."""
    pending = [instance]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is dict:
            if not all(type(key) is str for key in value):
                return False
            pending.extend(value.values())
        elif kind is list:
            pending.extend(value)
        elif kind not in _PLAIN_TYPES:
            return False
    return True


def _always(instance: Any) -> bool:
    return True


def _never(instance: Any) -> bool:
    return False


@cache
def _quick_check(definition: str | None) -> _Check | None:
    """A yes/no version of `_validator(definition)`, or None when it cannot be built."""
    schema = bank_schema()
    done: dict[str, _Check] = {}
    pending: set[str] = set()

    def ref(target: str) -> _Check:
        name = target.removeprefix("#/$defs/")
        if target == name or name not in schema.get("$defs", {}):
            raise _Unsupported(target)
        if name in pending:  # a recursive definition: look it up when called
            return lambda instance: done[name](instance)
        if name not in done:
            pending.add(name)
            done[name] = _compile(schema["$defs"][name], ref)
            pending.discard(name)
        return done[name]

    try:
        return _compile(schema, ref) if definition is None else ref(f"#/$defs/{definition}")
    except _Unsupported:
        return None


def _compile(schema: Any, ref: Callable[[str], _Check]) -> _Check:
    if schema is True:
        return _always
    if schema is False:
        return _never
    if not isinstance(schema, dict):
        raise _Unsupported(schema)
    compiled = (
        _keyword(keyword, value, schema, ref)
        for keyword, value in schema.items()
        if keyword not in _ANNOTATIONS and keyword not in ("then", "else")  # see "if"
    )
    checks = tuple(check for check in compiled if check is not _always)
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def every(instance: Any) -> bool:
        for check in checks:  # noqa: SIM110 (a plain loop: this runs per value checked)
            if not check(instance):
                return False
        return True

    return every


def _type_check(value: str | list[str]) -> _Check:
    names = [value] if isinstance(value, str) else list(value)
    if any(name not in _TYPES for name in names):
        raise _Unsupported(names)
    kinds = frozenset(kind for name in names for kind in _TYPES[name])
    if "integer" in names and "number" not in names:
        return lambda x: type(x) in kinds or (type(x) is float and x.is_integer())
    return lambda x: type(x) in kinds


def _keyword(  # noqa: C901 (one case per JSON Schema keyword)
    keyword: str, value: Any, schema: dict, ref: Callable[[str], _Check]
) -> _Check:
    number = (int, float)
    match keyword:
        case "$ref":
            return ref(value)
        case "type":
            return _type_check(value)
        case "enum" | "const":
            options = value if keyword == "enum" else [value]
            if not all(type(option) is str for option in options):
                raise _Unsupported(keyword)  # jsonschema's equal() on non-text is not modelled
            allowed = frozenset(options)
            return lambda x: type(x) is str and x in allowed
        case "pattern":
            search = re.compile(value).search
            return lambda x: type(x) is not str or search(x) is not None
        case "minLength":
            return lambda x: type(x) is not str or len(x) >= value
        case "maxLength":
            return lambda x: type(x) is not str or len(x) <= value
        case "minimum":
            return lambda x: type(x) not in number or not x < value
        case "maximum":
            return lambda x: type(x) not in number or not x > value
        case "minItems":
            return lambda x: type(x) is not list or len(x) >= value
        case "items":
            if "prefixItems" in schema:
                raise _Unsupported(keyword)
            item = _compile(value, ref)
            return lambda x: type(x) is not list or all(map(item, x))
        case "required":
            needed = tuple(value)
            return lambda x: type(x) is not dict or all(key in x for key in needed)
        case "dependentRequired":
            pairs = tuple((key, tuple(needs)) for key, needs in value.items())
            return lambda x: (
                type(x) is not dict
                or all(need in x for key, needs in pairs if key in x for need in needs)
            )
        case "properties":
            known = {key: _compile(sub, ref) for key, sub in value.items()}
            if "additionalProperties" in schema and "patternProperties" not in schema:
                # One pass over the keys for both keywords.
                return _properties_check(known, _compile(schema["additionalProperties"], ref))
            return _properties_check(known, None)
        case "additionalProperties":
            if "patternProperties" in schema:
                raise _Unsupported(keyword)
            if "properties" in schema:
                return _always  # checked with "properties"
            return _properties_check({}, _compile(value, ref))
        case "allOf" | "anyOf" | "oneOf":
            parts = tuple(_compile(sub, ref) for sub in value)
            if keyword == "allOf":
                chosen = _by_discriminator(value, ref)
                if chosen is not None:
                    return lambda x: chosen(x) if type(x) is dict else all(p(x) for p in parts)
                return lambda x: all(part(x) for part in parts)
            if keyword == "anyOf":
                return lambda x: any(part(x) for part in parts)
            return lambda x: sum(1 for part in parts if part(x)) == 1
        case "not":
            inner = _compile(value, ref)
            return lambda x: not inner(x)
        case "if":
            condition = _compile(value, ref)
            then = _compile(schema.get("then", True), ref)
            otherwise = _compile(schema.get("else", True), ref)
            return lambda x: then(x) if condition(x) else otherwise(x)
    raise _Unsupported(keyword)


def _by_discriminator(parts: list[Any], ref: Callable[[str], _Check]) -> _Check | None:
    """For a mapping, `allOf` of `{"if": {"properties": {K: {"const": V}}, "required": [K]},
    "then": ...}` parts (the question's per-type rules) applies the `then` of the parts whose
    V is the mapping's K, found in a table instead of testing every `if`; None when the
    parts are not all of that shape on one key."""
    table: dict[str, list[_Check]] = {}
    keys = set()
    for part in parts:
        condition = part.get("if") if isinstance(part, dict) else None
        if not isinstance(condition, dict) or set(part) != {"if", "then"}:
            return None
        properties = condition.get("properties")
        if set(condition) != {"properties", "required"} or not isinstance(properties, dict):
            return None
        if len(properties) != 1 or condition["required"] != list(properties):
            return None
        [(key, rule)] = properties.items()
        if not isinstance(rule, dict) or set(rule) != {"const"} or type(rule["const"]) is not str:
            return None
        keys.add(key)
        table.setdefault(rule["const"], []).append(_compile(part["then"], ref))
    if len(keys) != 1:
        return None
    [key] = keys

    def chosen(instance: dict) -> bool:
        value = instance.get(key)
        if key not in instance or type(value) is not str:
            return True  # no `if` holds: `required` or `const` fails in every part
        return all(then(instance) for then in table.get(value, ()))

    return chosen


def _properties_check(known: dict[str, _Check], others: _Check | None) -> _Check:
    """`properties` (others None: keys not listed pass) and/or `additionalProperties`
    (`others`, for the keys `known` does not list)."""
    if others is None:
        listed = tuple(known.items())

        def listed_only(instance: Any) -> bool:
            # The schema's few keys, not every key of the instance (an `if` on `type`).
            if type(instance) is not dict:
                return True
            for key, rule in listed:  # noqa: SIM110 (a plain loop: this runs per value)
                if key in instance and not rule(instance[key]):
                    return False
            return True

        return listed_only

    def check(instance: Any) -> bool:
        if type(instance) is not dict:
            return True
        for key, item in instance.items():
            rule = known.get(key, others)
            if rule is not None and not rule(item):
                return False
        return True

    return check
