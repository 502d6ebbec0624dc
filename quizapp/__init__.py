"""QuizApp: the application factory, assembled from a few named registration steps.

The steps import inside their functions on purpose, a real cycle: the modules they load
import this package back (quizapp.cli takes `create_app` from here; views and services
`from quizapp import clock`), so they must load after it has, not while it is half done."""

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from config import CONFIGS, development_secret_key
from quizapp.json_provider import FastJSONProvider

PROJECT_DIR = Path(__file__).resolve().parent.parent


class QuizApp(Flask):
    """Flask, plus a retry of a view whose database connection dropped (a database
    restart, a killed backend): the pool gives the retry a fresh connection. Only where
    nothing can be saved twice: the connection failed on a statement (its transaction
    dies with it), or the server reported ending the session (SQLSTATE 57P..., e.g.
    AdminShutdown from pg_terminate_backend), which rolls its transaction back even when
    the COMMIT was what failed. A COMMIT whose answer was merely lost with the connection
    may have been applied: that view is not run again and the error handler answers 503.
    Views that commit twice (the quiz page starts an attempt) are idempotent up to each
    commit, so a retry after the first is safe.
    A restart can drop the retry's connection too (a failover, or a slow request meeting
    a second kill), so a view runs up to VIEW_RUNS times."""

    json_provider_class = FastJSONProvider

    def dispatch_request(self):
        from quizapp.extensions import db

        run = 1
        while True:
            try:
                return super().dispatch_request()
            except sa.exc.DBAPIError as error:
                if not self._runs_again(error, run):
                    raise
            db.session.rollback()
            run += 1

    def _runs_again(self, error: sa.exc.DBAPIError, run: int) -> bool:
        """Whether the view that failed with `error` on its `run`-th run is run once more
        (said in the log either way when the connection was lost)."""
        if not _safe_to_run_again(error):
            if error.connection_invalidated:
                self.logger.warning(COMMIT_ANSWER_LOST, error.orig)
            return False
        if run >= VIEW_RUNS:
            self.logger.warning(CONNECTION_LOST_EVERY_RUN, run, error.orig)
            return False
        self.logger.warning("database connection lost (%s); running the view again", error.orig)
        return True


VIEW_RUNS = 3
COMMIT_ANSWER_LOST = "database connection lost at COMMIT (%s): not run again, answered 503"
CONNECTION_LOST_EVERY_RUN = "database connection lost on each of %d runs (%s): answered 503"


def _server_ended_the_session(error: BaseException | None) -> bool:
    return (getattr(error, "sqlstate", None) or "").startswith("57P")


def _safe_to_run_again(error: sa.exc.DBAPIError) -> bool:
    if not error.connection_invalidated:
        return False
    # SQLAlchemy reports a failed COMMIT (or connect) without a statement.
    return error.statement is not None or _server_ended_the_session(error.orig)


def treat_termination_as_disconnect(context) -> None:
    """Engine "handle_error" event: psycopg reports AdminShutdown (pg_terminate_backend, a
    server shutting down) as an ordinary error on a connection it still calls open, so
    SQLAlchemy would hand that dead connection out again. As a disconnect, it and every
    pooled connection older than it (killed in the same sweep, even if a ping still
    answers) are replaced."""
    if _server_ended_the_session(context.original_exception):
        context.is_disconnect = True


def create_app(config: str | dict | None = None, *, web: bool = True) -> Flask:
    """`config` is a name from config.CONFIGS or a dict of overrides on the testing config;
    by default QUIZAPP_CONFIG (development when unset) picks the class. `web=False` is
    the app of a console-script command (quizapp.cli): its extensions and database, without
    the blueprints, error pages, response headers, template helpers and commands of the
    web app, whose modules would cost the command most of its start-up."""
    app = QuizApp(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        instance_path=str(PROJECT_DIR / "instance"),
    )
    if isinstance(config, dict):
        app.config.from_object(CONFIGS["testing"])
        app.config.update(config)
    else:
        app.config.from_object(CONFIGS[config or os.environ.get("QUIZAPP_CONFIG", "development")])
    if not app.config.get("SECRET_KEY") and app.config.get("GENERATE_SECRET_KEY"):
        app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))
    check_production_settings(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    if not web:
        return app
    if app.config["LOAD_MIGRATIONS"]:
        register_migrations(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    preload_lazy_modules()
    return app


def check_production_settings(app: Flask) -> None:
    """Refuses to start with settings that are only safe on a developer's machine."""
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (the production config refuses to start).")
    if app.config.get("REQUIRE_SHARED_RATE_LIMIT_STORAGE") and app.config[
        "RATELIMIT_STORAGE_URI"
    ].startswith("memory://"):
        # Each gunicorn worker would count on its own, multiplying every limit.
        raise RuntimeError("REDIS_URL must be set in production (rate limits need shared storage).")


def register_extensions(app: Flask) -> None:
    from quizapp import (
        background,
        models,  # noqa: F401  (the models must be known to Alembic)
    )
    from quizapp.auth.loader import load_user_from_cookie
    from quizapp.auth.session_cookie import KeptSessionInterface
    from quizapp.database import tune_engine
    from quizapp.extensions import (
        babel,
        bootstrap,
        cache,
        csrf,
        db,
        limiter,
        login_manager,
        select_locale,
    )

    app.session_interface = KeptSessionInterface()
    db.init_app(app)
    app.teardown_appcontext(close_session_even_if_the_connection_died)
    with app.app_context():
        tune_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT"])
        sa.event.listen(db.engine, "handle_error", treat_termination_as_disconnect)
    csrf.init_app(app)
    bootstrap.init_app(app)
    cache.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user_from_cookie)
    background.init_app(app)


def register_migrations(app: Flask) -> None:
    """Alembic through Flask-Migrate, for the `db` commands and the tests' schema: ~11 MB
    of modules that a serving worker never uses, so the production config leaves them
    out and the console script (quizapp.cli) registers them itself."""
    from flask_migrate import Migrate

    from quizapp.extensions import db

    if "migrate" not in app.extensions:
        Migrate(app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True)


def register_url_converters(app: Flask) -> None:
    from quizapp.routing import CONVERTERS

    app.url_map.converters.update(CONVERTERS)


def register_blueprints(app: Flask) -> None:
    from quizapp.api.views import bp as api_bp
    from quizapp.auth.views import bp as auth_bp
    from quizapp.author.views import bp as author_bp
    from quizapp.core.views import bp as core_bp
    from quizapp.courses.views import bp as courses_bp
    from quizapp.dashboard.views import bp as dashboard_bp
    from quizapp.drafts.views import bp as drafts_bp
    from quizapp.extensions import csrf
    from quizapp.grading.views import bp as grading_bp
    from quizapp.learn.views import bp as learn_bp
    from quizapp.media.views import bp as media_bp
    from quizapp.review.views import bp as review_bp

    # The API authenticates with Bearer tokens and accepts no cookies, so CSRF does not apply.
    csrf.exempt(api_bp)
    blueprints = (core_bp, auth_bp, learn_bp, review_bp, author_bp, dashboard_bp, drafts_bp, api_bp)
    blueprints += (media_bp,)
    blueprints += (courses_bp,)
    blueprints += (grading_bp,)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from quizapp.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from quizapp.security import add_security_headers

    app.after_request(add_security_headers)


def register_template_helpers(app: Flask) -> None:
    from quizapp.templating import register

    register(app)


def preload_lazy_modules() -> None:
    """What the command line imports only when used, imported now: a serving worker must
    not pay for it in its first request."""
    from quizapp.domain.formats.registry import preload

    preload()


def register_commands(app: Flask) -> None:
    from quizapp.cli import register

    register(app)


def close_session_even_if_the_connection_died(_error: BaseException | None) -> None:
    """Ends the request's session before Flask-SQLAlchemy removes it (teardowns run last
    registered first). Closing rolls back on the connection; if the database dropped it
    meanwhile (a restart, a killed backend) that would turn an answered request into a
    500, so the connection is discarded instead."""
    from quizapp.extensions import db

    try:
        db.session.close()
    except sa.exc.DBAPIError:
        db.session().invalidate()
