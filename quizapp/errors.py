"""Error pages: HTML for the site, JSON `{"error": {code, message}}` under /api/."""

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizapp.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _json_error(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _page_messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You do not have access to this page."),
        404: _("We could not find that page."),
        405: _("That method is not allowed here."),
        413: _("The file is too large."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Please try again in a moment."),
    }


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if _wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        return _json_error(status, code, error.description or error.name)
    message = _page_messages().get(status, error.description)
    return render_template("errors/error.html", status=status, message=message), status


def handle_csrf_error(error: CSRFError):
    if _wants_json():
        return _json_error(400, "csrf", error.description)
    message = _("The form expired or was sent from elsewhere. Reload the page and try again.")
    return render_template("errors/error.html", status=400, message=message), 400


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if _wants_json():
        return _json_error(500, "internal_error", "An unexpected error occurred.")
    return render_template("errors/error.html", status=500, message=_page_messages()[500]), 500


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
