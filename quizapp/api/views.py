"""The JSON API under /api/v1: Bearer tokens, JSON errors, bodies checked against the
schemas of quizapp.api.*schemas. Each route is declared once with `route(...)`
(quizapp.api.routing), which also puts it in the OpenAPI document; handlers call one
service and commit. The routes live in one module per area, on the same blueprint; this
module imports them (in the order the document lists them) and serves the document."""

# Importing a module registers its routes; isort must keep this order (the document's).
from quizapp.api import course_members  # noqa: F401

# isort: split
from quizapp.api import grading  # noqa: F401

# isort: split
from quizapp.api import catalogue  # noqa: F401

# isort: split
from quizapp.api import attempts  # noqa: F401

# isort: split
from quizapp.api import reviews  # noqa: F401

# isort: split
from quizapp.api import dashboards  # noqa: F401

# isort: split
from quizapp.api import authoring  # noqa: F401

# isort: split
from quizapp.api.openapi import build_document
from quizapp.api.routing import OPERATIONS, bp, route


@route(
    "/openapi.json",
    "GET",
    tag="meta",
    auth=False,
    summary="This document (OpenAPI 3.1)",
    description="Public, like any API documentation: it tells clients how to get a token.",
    responses={200: {"type": "object", "required": ["openapi", "paths"]}},
)
def openapi_document():
    return build_document(OPERATIONS, bp.url_prefix or "")
