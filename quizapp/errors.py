"""Error pages: HTML for the site, JSON `{"error": {code, message}}` under /api/.

A database that is unreachable, read-only or full answers 503 with a page that says
nothing was saved (the request's transaction is rolled back), never a 500."""

import sqlite3

import sqlalchemy as sa
from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from quizapp.extensions import db
from quizapp.services.accounts import N_
from quizapp.translation import request_translations

RETRY_AFTER_SECONDS = 30
# SQLSTATE classes and codes (PostgreSQL appendix A): connection exceptions, operator
# intervention (admin shutdown, cannot connect now), insufficient resources (disk full).
_PG_UNAVAILABLE = ("08", "57P")
_PG_READ_ONLY = ("25006", "53")
_SQLITE_READ_ONLY = ("SQLITE_READONLY", "SQLITE_FULL")
_SQLITE_UNAVAILABLE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")


def database_failure(error: BaseException) -> str | None:
    """ "read-only" (writes refused: read-only database or full disk), "unavailable"
    (unreachable, restarting, locked too long) or None for any other error."""
    if not isinstance(error, sa.exc.DBAPIError):
        return None
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate:
        if sqlstate.startswith(_PG_READ_ONLY):
            return "read-only"
        if sqlstate.startswith(_PG_UNAVAILABLE):
            return "unavailable"
    if isinstance(original, sqlite3.Error):
        name = getattr(original, "sqlite_errorname", "")
        if name.startswith(_SQLITE_READ_ONLY):
            return "read-only"
        if name.startswith(_SQLITE_UNAVAILABLE):
            return "unavailable"
    if error.connection_invalidated:
        return "unavailable"
    if isinstance(error, sa.exc.OperationalError) and not isinstance(original, sqlite3.Error):
        return "unavailable"  # e.g. psycopg could not connect at all (no SQLSTATE then)
    return None


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _json_error(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


# Marked only: a page translates just its own message (quizapp.templating's per-request
# catalog, as its template's strings are).
PAGE_MESSAGES = {
    400: N_("The request could not be understood."),
    403: N_("You do not have access to this page."),
    404: N_("We could not find that page."),
    405: N_("That method is not allowed here."),
    413: N_("The file is too large."),
    429: N_("Too many attempts. Please wait a moment and try again."),
    500: N_("Something went wrong on our side. Please try again in a moment."),
    503: N_("The site is unavailable right now. Please try again in a moment."),
}


def _translated(message: str) -> str:
    return request_translations().ugettext(message)


def _error_page(status: int, message: str):
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:  # the layout itself needs the database (the user's name)
        return f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>", (
            status
        )


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if _wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        return _json_error(status, code, error.description or error.name)
    message = PAGE_MESSAGES.get(status)
    return _error_page(status, error.description if message is None else _translated(message))


def handle_csrf_error(error: CSRFError):
    if _wants_json():
        return _json_error(400, "csrf", error.description)
    message = _("The form expired or was sent from elsewhere. Reload the page and try again.")
    return _error_page(400, message)


def handle_database_failure(failure: str, error: Exception):
    """503: the transaction is rolled back, so nothing of the request was saved."""
    # A real cycle: core.health imports this module's database_failure.
    from quizapp.core.health import remember_refused_write

    if failure == "read-only":
        remember_refused_write(current_app._get_current_object())
        current_app.logger.warning(
            "database refused a write on %s %s", request.method, request.path
        )
        code, english = "database_read_only", "The database accepts no changes right now; "
        english += "nothing was saved. Try again later."
        message = _(
            "The site cannot save changes right now. Nothing was saved; please try again later."
        )
    else:
        current_app.logger.warning(
            "database unavailable on %s %s: %s", request.method, request.path, _summary(error)
        )
        code, english = "database_unavailable", "The database is unavailable; try again shortly."
        message = _("The site cannot reach its database right now. Please try again in a moment.")
    response = _json_error(503, code, english) if _wants_json() else _error_page(503, message)
    if isinstance(response, tuple):
        response = current_app.make_response(response)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _summary(error: Exception) -> str:
    original = getattr(error, "orig", None)
    sqlstate = getattr(original, "sqlstate", None)
    return f"{type(original or error).__name__} {sqlstate or ''} {str(original or error)[:200]}"


def _roll_back() -> None:
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session().invalidate()


def handle_unexpected_error(error: Exception):
    _roll_back()
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    failure = database_failure(error)
    if failure is not None:
        return handle_database_failure(failure, error)
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if _wants_json():
        return _json_error(500, "internal_error", "An unexpected error occurred.")
    return _error_page(500, _translated(PAGE_MESSAGES[500]))


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
