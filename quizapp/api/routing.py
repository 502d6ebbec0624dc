"""The API blueprint and `route`, which declares an operation once: it registers the view,
records the operation for the OpenAPI document, and runs the checks every route shares
(token, staff role, body and query schemas) before the view."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify, request

from quizapp.api.auth import api_rate_limit, authenticate, rate_limit_key
from quizapp.api.course_access import check_api_course
from quizapp.api.openapi import Operation
from quizapp.api.validation import ApiError, form_body, json_body, query_args
from quizapp.extensions import db, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
OPERATIONS: list[Operation] = []

# One budget per token shared by every route (POST /tokens has the login limits instead).
limiter.shared_limit(api_rate_limit, scope="api", key_func=rate_limit_key)(bp)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    db.session.rollback()
    response = jsonify(error.body())
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="quizapp"'
    return response


def route(rule: str, method: str, **doc: Any) -> Callable[[Callable], Callable]:
    """Register a view and its OpenAPI operation. The wrapper authenticates (unless
    auth=False), checks staff, then passes the validated `body` / `query` to the view."""

    # `course_need` (a quizapp.domain.course_access need) checks the <course> of the URL.
    course_need = doc.pop("course_need", None)

    def decorator(view: Callable) -> Callable:
        operation = Operation(method=method, rule=rule, endpoint=view.__name__, **doc)
        OPERATIONS.append(operation)

        @wraps(view)
        def handler(**kwargs: Any):
            if operation.auth:
                # Staff of a course is decided per course, not by the global role.
                authenticate(staff=operation.staff and course_need is None)
            if course_need is not None:
                check_api_course(kwargs["course"], course_need)
            if operation.multipart is not None and request.mimetype == "multipart/form-data":
                kwargs["body"] = form_body(operation.multipart)
            elif operation.body is not None:
                kwargs["body"] = json_body(operation.body)
            if operation.query is not None:
                kwargs["query"] = query_args(operation.query)
            return view(**kwargs)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handler, methods=[method])
        return handler

    return decorator
