"""The floor reference: what any Flask app with a login and a layout pays per page, served
by the bench exactly like QuizApp and hello world (`gunicorn bench.floor:app`).

A signed session cookie, Flask-Login loading the user by primary key through
Flask-SQLAlchemy (the app's own `users` table, the same database), CSRF protection (the
layout asks for a token), Flask-Babel choosing the language, and the app's base layout
(templates/base.html, Bootstrap-Flask's local assets) rendered with no content. The
layout's links point at stub endpoints named like QuizApp's, so the template is the very
file QuizApp renders. QuizApp's own pages divided by this one (×floor) say how far a page
is above the framework's price, whatever the machine."""

import os
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, Flask, redirect, render_template, request, session
from flask_babel import Babel, get_locale
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from config import database_url

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("es", "en")
# The navigation bar's area links of a logged-in learner (QuizApp's nav_links()).
NAV_LINKS = (("review.queue", "Review"), ("dashboard.learner", "Dashboard"))
PAGE = '{% extends "base.html" %}{% block title %}Floor{% endblock %}'


class Base(so.DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()


class User(UserMixin, db.Model):
    """The columns of QuizApp's users table that a login and the layout read."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    active: so.Mapped[bool]


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _stub_blueprint(name: str, *endpoints: tuple[str, str]) -> Blueprint:
    blueprint = Blueprint(name, __name__)
    for path, endpoint in endpoints:
        blueprint.add_url_rule(path, endpoint, lambda **_kw: "", methods=["GET", "POST"])
    return blueprint


def _select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def create_floor_app() -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "floor-reference"),
        SQLALCHEMY_DATABASE_URI=database_url(os.environ.get("DATABASE_URL")) or "sqlite://",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BOOTSTRAP_SERVE_LOCAL=True,
        BABEL_DEFAULT_LOCALE="es",
        BABEL_TRANSLATION_DIRECTORIES=str(TEMPLATES.parent / "quizapp" / "translations"),
        WTF_CSRF_TIME_LIMIT=None,
    )
    db.init_app(app)
    CSRFProtect(app)
    Bootstrap5(app)
    Babel(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    app.register_blueprint(_stub_blueprint("learn", ("/courses", "home")))
    app.register_blueprint(
        _stub_blueprint(
            "auth",
            ("/account", "account"),
            ("/auth/logout", "logout"),
            ("/auth/login", "login"),
            ("/auth/register", "register"),
        )
    )
    app.register_blueprint(_stub_blueprint("core", ("/lang/<code>", "switch_language")))
    app.register_blueprint(_stub_blueprint("review", ("/review", "queue")))
    app.register_blueprint(_stub_blueprint("dashboard", ("/dashboard", "learner")))

    @app.context_processor
    def layout_globals() -> dict:
        return {
            "current_locale": str(get_locale()),
            "languages": LANGUAGES,
            "nav_links": lambda: NAV_LINKS,
        }

    # Compiled once, as Flask compiles a template file once (render_template_string would
    # compile it on every request).
    page_template = app.jinja_env.from_string(PAGE)

    @app.route("/")
    @login_required
    def page() -> str:
        return render_template(page_template)

    @app.route("/login/<int:user_id>")
    def login(user_id: int):
        """The bench's way in (this app serves only the bench): log in as a user by id."""
        user = db.session.get(User, user_id)
        if user is None:
            return "no such user", 404
        login_user(user)
        return redirect("/")

    @app.route("/healthz")
    def healthz() -> str:
        return "ok"

    return app


app = create_floor_app()
