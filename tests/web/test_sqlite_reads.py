"""On SQLite (always a real file here, whatever TEST_DATABASE_URL says), a read never
waits for a writer: GET requests read outside a transaction, each statement reading its
snapshot in WAL mode while another connection holds the write lock in a long transaction
(as a big import does). Before, every transaction began IMMEDIATE and reads queued for
the lock."""

import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_request_context, request
from flask_migrate import upgrade

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models.types import utcnow
from quizapp.services import accounts
from quizapp.services.accounts import create_api_token, create_user
from quizapp.services.content_loader import load_path

BUSY_TIMEOUT = 20  # seconds a blocked statement would wait before "database is locked"
READS = ("/", "/healthz", "/courses/curso-flask", "/api/v1/courses")


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "reads.db"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SQLITE_BUSY_TIMEOUT": BUSY_TIMEOUT}
    )
    with app.app_context():
        upgrade()
        load_path(db.session, Path(app.config["QUESTIONS_DIR"]) / "curso-flask", utcnow())
        user = create_user(db.session, "reader@example.org", "correct-horse-battery")
        token, _row = create_api_token(db.session, user, "reads")
        db.session.commit()
        db.session.remove()
        yield app, path, token
        db.session.remove()
        db.engine.dispose()


def test_reads_do_not_wait_for_a_long_write_transaction(sqlite_app):
    app, path, token = sqlite_app
    client = app.test_client()
    for read in READS:  # warm up: connections open, templates compiled
        assert client.get(read, headers={"Authorization": f"Bearer {token}"}).status_code == 200

    writer = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE courses SET title = title || ' (importing)'")
        # The lock is really held: another writer cannot get it.
        other = sqlite3.connect(path, isolation_level=None, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()

        timings = {}
        for read in READS:
            started = time.monotonic()
            response = client.get(read, headers={"Authorization": f"Bearer {token}"})
            timings[read] = time.monotonic() - started
            assert response.status_code == 200, (read, response.status_code)
            # The reader sees the last committed title, not the writer's pending one.
            assert "(importing)" not in response.get_data(as_text=True)
    finally:
        writer.rollback()
        writer.close()
    # A read that queued for the lock would take the whole busy timeout, then fail.
    assert max(timings.values()) < BUSY_TIMEOUT / 2, timings


@pytest.fixture
def traced(sqlite_app):
    """Every statement SQLite runs (BEGIN and COMMIT included), with the request's method,
    from connections opened from now on."""
    app, _path, _token = sqlite_app
    statements: list[tuple[str, str]] = []

    def trace(sql: str) -> None:
        method = request.method if has_request_context() else ""
        statements.append((method, " ".join(sql.split()).upper()))

    def on_connect(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(trace)

    with app.app_context():
        engine = db.engine
        engine.dispose()
    sa.event.listen(engine, "connect", on_connect)
    yield statements
    sa.event.remove(engine, "connect", on_connect)


def _first_words(statements: list[tuple[str, str]]) -> list[str]:
    return [sql.split()[0] for _method, sql in statements]


def test_a_read_begins_no_transaction(sqlite_app, traced):
    app, _path, token = sqlite_app
    client = app.test_client()
    for read in READS:
        response = client.get(read, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
    assert traced
    assert {word for word in _first_words(traced)} <= {"SELECT", "PRAGMA"}, traced


def test_a_post_reads_outside_a_transaction_and_locks_at_its_first_write(sqlite_app, traced):
    app, _path, token = sqlite_app
    client = app.test_client()
    started = client.post(
        "/api/v1/courses/curso-flask/lessons/clase-3-que-es-flask/attempts",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert started.status_code == 201, started.get_data(as_text=True)
    words = _first_words(traced)
    # The start joins the public course, commits, then starts the attempt and commits.
    # Each transaction reads first (the token, the membership, the open attempt, the
    # questions, the rules) outside the write lock, which is taken just before its first
    # write (a savepoint here), never for the reads; and no commit of its own for the
    # token's "last used" stamp: it rides in the first transaction.
    assert words.count("BEGIN") == words.count("COMMIT") == 2, words
    transaction_start = 0
    for begin in (i for i, word in enumerate(words) if word == "BEGIN"):
        assert traced[begin][1] == "BEGIN IMMEDIATE"
        assert set(words[transaction_start:begin]) == {"SELECT"}, words
        assert words[begin + 1] == "SAVEPOINT", words
        transaction_start = words.index("COMMIT", begin) + 1
    stamps = [i for i, (_m, sql) in enumerate(traced) if sql.startswith("UPDATE API_TOKENS")]
    assert len(stamps) == 1
    assert words.index("BEGIN") < stamps[0] < words.index("COMMIT"), words


@pytest.mark.parametrize("via", ["token", "login form"])
def test_the_password_check_holds_no_write_lock(sqlite_app, monkeypatch, via):
    # Before, the user lookup began the POST's IMMEDIATE transaction and the scrypt check
    # ran holding the write lock: twenty logins at once queued behind each other's hashes
    # and, on a loaded machine, ran past the busy timeout (503 "database is locked").
    app, path, _token = sqlite_app
    real_check = accounts.check_password_hash
    writers_got_the_lock = []

    def check_while_another_writes(password_hash, password):
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            writers_got_the_lock.append(True)
        except sqlite3.OperationalError:
            writers_got_the_lock.append(False)
        finally:
            other.close()
        return real_check(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", check_while_another_writes)
    client = app.test_client()
    credentials = {"email": "reader@example.org", "password": "correct-horse-battery"}
    if via == "token":
        response = client.post("/api/v1/tokens", json=credentials)
        assert response.status_code == 201
    else:
        app.config["WTF_CSRF_ENABLED"] = False
        response = client.post("/auth/login", data=credentials)
        assert response.status_code == 302
    assert writers_got_the_lock == [True]
