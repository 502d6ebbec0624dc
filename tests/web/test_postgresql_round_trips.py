"""On PostgreSQL a request sends only the statements its work needs (quizapp.database): a
read runs in autocommit (no BEGIN or ROLLBACK round trips), a write in a transaction, and
a pooled connection is pinged only when the server has spoken to it (a killed backend is
still replaced before a request uses it). SQLite keeps its own transactions.

The module runs on both passes of CI against a PostgreSQL database of its own (never
skipped on the SQLite pass, and its killed connections are only its own)."""

import psycopg
import pytest
import sqlalchemy as sa
from flask import request
from flask_migrate import upgrade

from quizapp import create_app
from quizapp.extensions import db
from tests.processes import fresh_postgresql_database, postgresql_admin_url


@pytest.fixture(scope="module")
def database_uri():
    """Overrides conftest's: a fresh PostgreSQL database, migrated as in production."""
    try:
        context = fresh_postgresql_database(postgresql_admin_url(), "round_trips")
        uri = context.__enter__()
    except Exception as error:  # noqa: BLE001  (say what is missing, never skip)
        pytest.fail(f"these tests need PostgreSQL on 127.0.0.1:5432 or TEST_DATABASE_URL: {error}")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield uri
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def autocommit_by_method(app):
    """(method, path, whether the connection ran the statement in autocommit)."""
    seen: list[tuple[str, str, bool]] = []

    def record(conn, _cursor, _statement, _params, _context, _many):
        if request:
            autocommit = conn.connection.dbapi_connection.autocommit
            seen.append((request.method, request.path, autocommit))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)


def test_a_read_runs_outside_a_transaction_and_a_write_inside_one(
    client, auth, make_user, autocommit_by_method
):
    user = make_user()
    auth.login(user.email)
    assert client.get("/").status_code == 200
    reads = [autocommit for method, _path, autocommit in autocommit_by_method if method == "GET"]
    assert reads
    assert all(reads)
    autocommit_by_method.clear()
    auth.logout()
    writes = [autocommit for method, _path, autocommit in autocommit_by_method if method == "POST"]
    assert writes
    assert not any(writes)


def test_a_connection_goes_back_to_the_pool_in_transactions(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    assert client.get("/").status_code == 200
    with db.engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False


@pytest.fixture
def pings(monkeypatch):
    """The empty statements (SQLAlchemy's and quizapp.database's ping) sent on a cursor
    or a connection."""
    sent: list[str] = []
    cursor_execute, connection_execute = psycopg.Cursor.execute, psycopg.Connection.execute

    def on_cursor(self, query, *args, **kwargs):
        if query == ";":
            sent.append(query)
        return cursor_execute(self, query, *args, **kwargs)

    def on_connection(self, query, *args, **kwargs):
        if query == ";":
            sent.append(query)
        return connection_execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", on_cursor)
    monkeypatch.setattr(psycopg.Connection, "execute", on_connection)
    return sent


def test_a_healthy_pooled_connection_is_not_pinged(client, auth, make_user, pings):
    user = make_user()
    auth.login(user.email)
    pings.clear()
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert pings == []


def test_a_killed_pooled_connection_is_replaced_before_a_request_uses_it(
    app, client, auth, make_user, database_uri
):
    user = make_user()
    auth.login(user.email)
    assert client.get("/").status_code == 200
    db.session.remove()  # the test's own connection back to the pool too
    killer = sa.create_engine(database_uri, poolclass=sa.pool.NullPool)
    with killer.connect() as connection:
        killed = connection.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        connection.commit()
    killer.dispose()
    assert killed >= 1
    for _ in range(3):
        assert client.get("/").status_code == 200
