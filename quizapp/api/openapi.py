"""The OpenAPI 3.1 document, generated from the operations the API registers (their rules,
schemas and statuses), so the document cannot drift from the routes."""

import re
from dataclasses import dataclass, field
from typing import Any

from quizapp.api.schemas import ERROR, MAX_ID, SLUG

API_VERSION = "1.0.0"
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")

_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    400: "Malformed JSON or query",
    401: "Missing, unknown or revoked token",
    403: "Staff only",
    404: "Not found (or not yours)",
    409: "Conflicts with the current state",
    413: "Body too large",
    422: "The body or query does not match the schema",
    429: "Rate limit exceeded",
}


@dataclass(frozen=True)
class Operation:
    """One route of the API as the document describes it; `rule` is the Flask rule."""

    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    responses: dict[int, dict[str, Any]]
    description: str = ""
    body: dict[str, Any] | None = None
    multipart: dict[str, Any] | None = None
    query: dict[str, Any] | None = None
    auth: bool = True
    staff: bool = False
    errors: tuple[int, ...] = field(default=())

    def error_statuses(self) -> list[int]:
        statuses = set(self.errors) | {429}
        if self.auth:
            statuses.add(401)
        if self.staff:
            statuses.add(403)
        if self.body is not None or self.multipart is not None:
            statuses |= {400, 413, 422}
        if self.query is not None:
            # 400: a query the app refuses before parsing it (NUL characters, bad encoding).
            statuses |= {400, 422}
        if _PARAM.search(self.rule):
            statuses.add(404)
        return sorted(statuses - set(self.responses))


def openapi_path(prefix: str, rule: str) -> str:
    return prefix + _PARAM.sub(r"{\2}", rule)


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    parameters = []
    for converter, name in _PARAM.findall(rule):
        if converter == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        else:
            schema = {"type": "string", "pattern": SLUG}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _query_parameters(query: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(query.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in schema.items() if k != "description"},
            **({"description": schema["description"]} if "description" in schema else {}),
        }
        for name, schema in query["properties"].items()
    ]


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation(op: Operation) -> dict[str, Any]:
    doc: dict[str, Any] = {"operationId": op.endpoint, "summary": op.summary, "tags": [op.tag]}
    if op.description:
        doc["description"] = op.description
    parameters = _path_parameters(op.rule) + (_query_parameters(op.query) if op.query else [])
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None or op.multipart is not None:
        content = _json_content(op.body) if op.body is not None else {}
        if op.multipart is not None:
            content["multipart/form-data"] = {"schema": op.multipart}
        doc["requestBody"] = {"required": True, "content": content}
    if not op.auth:
        doc["security"] = []
    responses: dict[str, Any] = {}
    for status, schema in sorted(op.responses.items()):
        responses[str(status)] = {
            "description": _STATUS_TEXT.get(status, "OK"),
            "content": _json_content(schema),
        }
    for status in op.error_statuses():
        responses[str(status)] = {
            "description": _STATUS_TEXT[status],
            "content": _json_content({"$ref": "#/components/schemas/Error"}),
        }
    doc["responses"] = responses
    return doc


def build_document(operations: list[Operation], prefix: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(openapi_path(prefix, op.rule), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "QuizApp API",
            "version": API_VERSION,
            "description": "Courses, quizzes, flashcard reviews and progress. Get a token "
            "with POST /api/v1/tokens (or on your account page) and send it as "
            '`Authorization: Bearer <token>`. Errors are `{"error": {"code", "message"}}`.',
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }
