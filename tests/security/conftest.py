"""Fixtures of the security proofs: the site's HTML routes and a learner's own things."""

import contextlib
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import database_url
from quizapp.extensions import db
from quizapp.models import Card, Question
from quizapp.services import accounts, catalog
from tests.matrix import COURSE, LESSON, fill_path, submitted_attempt
from tests.processes import (
    VENV_BIN,
    ServedApp,
    fresh_postgresql_database,
    has_gunicorn,
    run_commands,
    serve,
    server_env,
)

# The fault test needs PostgreSQL (pg_terminate_backend); CI runs a PostgreSQL pass.
if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
    collect_ignore = ["test_database_restart.py"]


@pytest.fixture
def html_routes(app) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) of every route but static files and the JSON API."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.split(".")[0] in ("bootstrap", "api"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule))
    return routes


@pytest.fixture
def owned_ids(bundled_course):
    """`owned_ids(owner)`: a submitted attempt, a flashcard and an API token of `owner`,
    and real values for every other URL argument, as strings."""

    def make(owner) -> dict[str, str]:
        attempt, essay_answer_id = submitted_attempt(owner)
        lesson = catalog.find_lesson(db.session, COURSE, LESSON)
        _token, api_token = accounts.create_api_token(db.session, owner, "security tests")
        db.session.commit()
        # An answerable card of one fixed type (a flashcard is only rated): cards join the
        # deck in the attempt's shuffled order, and the routes treat an empty answer
        # differently per type (refused, or graded wrong and rated Again, which moves
        # `reps` on), so "the first card" made the later card routes' results random.
        card = db.session.scalar(
            sa.select(Card)
            .join(Card.question)
            .where(Card.user_id == owner.id, Question.type == "single_choice")
            .order_by(Card.id)
            .limit(1)
        )
        question = db.session.scalar(
            sa.select(Question).where(Question.lesson_id == lesson.id).order_by(Question.id)
        )
        return {
            "course_slug": COURSE,
            "lesson_slug": LESSON,
            "attempt_id": str(attempt.id),
            "answer_id": str(essay_answer_id),
            "card_id": str(card.id),
            "reps": str(card.reps),
            "question_id": str(question.id),
            "user_id": str(owner.id),
            "token_id": str(api_token.id),
            "draft_id": "draft-3-00000000",
            "code": "en",
            "lesson_id": str(lesson.id),
            "name": "0" * 64 + ".png",
        }

    return make


@pytest.fixture
def path_of():
    """`path_of(rule, ids)`: the rule's URL with its arguments filled from `ids`."""

    return fill_path


# --- a real server -----------------------------------------------------------------------------
# As tests/e2e does: gunicorn serving `quizapp:create_app()` on a free port, its database
# prepared by the `quizapp` command line; here with 2 workers of 4 threads, on a SQLite file
# or (given TEST_DATABASE_URL) on a fresh PostgreSQL database of its own.

SERVER_PASSWORD = "correct-horse-battery"  # noqa: S105  (test accounts)


@dataclass
class LiveServer(ServedApp):
    learners: list[str]
    backend: str

    def call(self, method: str, path: str, token: str | None = None, body=None, timeout=30):
        """One request; returns (status, parsed JSON or None). Never raises on HTTP errors."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None

    def token_for(self, email: str) -> str:
        status, body = self.call(
            "POST", "/api/v1/tokens", body={"email": email, "password": SERVER_PASSWORD}
        )
        assert status == 201, (status, body)
        return body["token"]


def _prepare_database(database: str, emails: list[str]) -> None:
    """The schema, the bundled course and the learners, through the `quizapp` commands."""
    commands = [["db", "upgrade"], ["content", "load"]] + [
        ["users", "create", email, "--password", SERVER_PASSWORD] for email in emails
    ]
    run_commands(database, commands)


@contextlib.contextmanager
def _live_server(backend: str, workdir: Path, learners: int):
    if not has_gunicorn():
        pytest.fail(f"gunicorn not found in {VENV_BIN}")
    with contextlib.ExitStack() as stack:
        if backend == "postgresql":
            database = stack.enter_context(
                fresh_postgresql_database(os.environ["TEST_DATABASE_URL"], "srv")
            )
        else:
            database = f"sqlite:///{workdir / 'server.db'}"
        # The load is the point here, not the limits (tested in tests/web and tests/api).
        env = server_env(
            database,
            LOGIN_RATE_LIMIT="100000 per minute",
            API_RATE_LIMIT="100000 per minute",
            IMPORT_UPLOAD_DIR=str(workdir / "uploads"),
        )
        emails = [f"learner{number}@example.org" for number in range(1, learners + 1)]
        try:
            _prepare_database(database, emails)
        except RuntimeError as error:
            pytest.fail(f"preparing the server's database: {error}")
        try:
            served = stack.enter_context(serve(env, workdir / "server.log", workers=2))
        except RuntimeError as error:
            pytest.fail(f"the server did not start: {error}")
        yield LiveServer(
            served.url, database_url(database), served.log_path, served.process, emails, backend
        )


@pytest.fixture(scope="module")
def live_server_factory(tmp_path_factory):
    """`with live_server_factory("sqlite" | "postgresql", learners=10) as server:`"""

    def start(backend: str, learners: int = 10):
        return _live_server(backend, tmp_path_factory.mktemp(f"server-{backend}"), learners)

    return start
