"""Site-wide endpoints: the language switcher and the load balancer's health check."""

from flask import Blueprint, abort, current_app, redirect, request, session, url_for

from quizapp.core import health
from quizapp.security import safe_next_path, strings_in, unstorable_text_problem

bp = Blueprint("core", __name__)


@bp.before_app_request
def refuse_unstorable_text():
    """No form, query or JSON field may hold text no database stores (NUL, a lone
    surrogate; see quizapp.security); no legitimate input does. The API answers its own
    422 for JSON; pages read JSON bodies too (Flask-WTF fills forms from them). A request
    with no query and no content type (most pages) has no field to read."""
    if not request.query_string and not request.mimetype:
        return
    texts = [text for item in request.values.items(multi=True) for text in item]
    if request.is_json and not request.path.startswith("/api/"):
        texts.extend(strings_in(request.get_json(silent=True)))
    if any(isinstance(text, str) and unstorable_text_problem(text) for text in texts):
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
