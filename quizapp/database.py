"""Engine tuning per database: SQLite gets WAL, a busy timeout, and a write lock taken only
for a transaction's writes; PostgreSQL serves reads outside a transaction and checks a
pooled connection before handing it out (a pre-ping that asks the server only when the
server has spoken first).

The transaction rule, the same on both databases: a request's reads see the last
committed rows, statement by statement (PostgreSQL's READ COMMITTED; on SQLite each read
before the transaction's first write runs outside a transaction, in WAL mode against its
own snapshot). On SQLite the first INSERT/UPDATE/DELETE (or SAVEPOINT, or SELECT … FOR
UPDATE) begins the transaction IMMEDIATE, so only the writes and the commit hold the
database's one write lock, and what runs after it in the transaction sees every other
writer's committed rows. A decision read before the first write must therefore be
re-checked by the write itself, as on PostgreSQL: a conditional UPDATE (a submission's
claim, a rating's expected `reps`), a unique index (one open attempt, one email), or
`with_for_update()` (which on SQLite takes the write lock for the read)."""

import select
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import g, has_request_context, request

# Requests that only read (tests/security/test_get_never_writes.py proves it).
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only() -> bool:
    """True inside a GET/HEAD/OPTIONS request or a `reading_first()` block; False in other
    requests and outside any request (the CLI, jobs and tests write), where a transaction
    may write."""
    if not has_request_context():
        return False
    return request.method in READ_ONLY_METHODS or g.get("reading_first", False)


@contextmanager
def reading_first() -> Iterator[None]:
    """For a POST whose slow first part only reads (a password check before a login or a
    token): inside, the request reads as a GET does (on PostgreSQL in autocommit, no BEGIN
    and ROLLBACK), and a write there (a password hash upgraded) commits by itself. The
    block must end its transaction (commit) before the request goes on to write."""
    g.reading_first = True
    try:
        yield
    finally:
        g.reading_first = False


def tune_engine(engine: sa.Engine, busy_timeout_seconds: float) -> None:
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine, busy_timeout_seconds)
    elif engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        _tune_postgresql(engine)


def _tune_sqlite(engine: sa.Engine, busy_timeout_seconds: float) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        # The first write begins the transaction (below); pysqlite would otherwise emit
        # a deferred BEGIN of its own before it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _lock_at_the_first_write(_conn, cursor, statement, _params, context, _many):
        # SQLAlchemy's "begin" emits nothing (isolation_level None above), so until the
        # first write every statement reads its own snapshot: in WAL mode it waits for
        # no one, and the request's reads, templates and grading run without the write
        # lock, which every other writer would queue behind in the busy handler (it
        # sleeps and polls). The first write begins IMMEDIATE: a deferred transaction
        # that reads and then writes fails at once with "database is locked" when
        # another writer got there first (its snapshot is stale, waiting cannot help);
        # IMMEDIATE takes the lock and waits for it (busy_timeout), and reads the
        # latest rows from then on. A GET never writes (each statement then commits).
        if cursor.connection.in_transaction or _only_reads(statement, context) or reads_only():
            return
        cursor.execute("BEGIN IMMEDIATE")


def _only_reads(statement: str, context) -> bool:
    """A SELECT (or a WITH … SELECT) that is not FOR UPDATE. Anything else, known or not
    (INSERT, UPDATE, DELETE, SAVEPOINT, PRAGMA, DDL), runs inside the write transaction:
    outside one it would commit at once and no rollback could undo it."""
    head = statement.lstrip()[:6].upper()
    compiled = getattr(context, "compiled", None)
    if compiled is None:
        return head == "SELECT"
    selects = head == "SELECT" or (head.startswith("WITH") and compiled.statement.is_select)
    return selects and getattr(compiled.statement, "_for_update_arg", None) is None


def _tune_postgresql(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "checkout")
    def _ping_when_the_server_spoke(dbapi_connection, _record, _proxy):
        # SQLAlchemy's pool_pre_ping asks the server on every checkout: a round trip per
        # request. An idle pooled connection receives nothing unless the server ended it
        # (pg_terminate_backend, a restart or failover: a FATAL message, then the socket
        # closes) or sent a notice; only then is it pinged, and a dead one is replaced
        # (the pool retries with a fresh connection).
        if not _server_spoke(dbapi_connection):
            return
        try:
            dbapi_connection.execute(";")
        except Exception as error:  # any failure: the pool replaces the connection
            raise sa.exc.DisconnectionError(str(error)) from error

    @sa.event.listens_for(engine, "engine_connect")
    def _reads_outside_a_transaction(connection):
        # A read (GET/HEAD) sees the same rows in autocommit as in a READ COMMITTED
        # transaction (each statement takes its own snapshot either way), without the
        # BEGIN and ROLLBACK round trips. The pool restores the default when the
        # connection is returned.
        if reads_only():
            connection.execution_options(isolation_level="AUTOCOMMIT")


def _server_spoke(dbapi_connection) -> bool:
    """Whether an idle psycopg connection is broken, closed, or has something to read."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    try:
        readable, _, _ = select.select([dbapi_connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError):  # no socket any more
        return True
    return bool(readable)
