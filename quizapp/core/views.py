"""Site-wide endpoints: the language switcher and the load balancer's health check."""

from flask import Blueprint, abort, current_app, redirect, request, session, url_for

from quizapp.core import health
from quizapp.security import safe_next_path

bp = Blueprint("core", __name__)


@bp.before_app_request
def refuse_nul_characters():
    """No form or query value may hold a NUL: PostgreSQL cannot store or even compare
    it, and no legitimate input contains one."""
    if any("\x00" in value for value in request.values.values()):
        abort(400)


@bp.route("/lang/<code>", methods=["POST"])
def switch_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next_path(request.form.get("next")) or url_for("learn.home"))


@bp.route("/healthz")
def healthz():
    """Each dependency's state; 503 when the database cannot serve (see core/health.py)."""
    body, status = health.report()
    return body, status, {"Cache-Control": "no-store"}


@bp.route("/favicon.ico")
def favicon():
    # Browsers ask for it on every non-HTML page (e.g. /healthz); pages declare none.
    return "", 204, {"Cache-Control": "public, max-age=86400"}
