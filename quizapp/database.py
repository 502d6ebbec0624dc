"""Engine tuning per database: SQLite gets WAL, a busy timeout, deferred transactions for
reads and IMMEDIATE ones for writes; other databases keep their defaults plus pool
pre-ping (set in config)."""

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
    token): a transaction begun inside starts deferred, so the hash runs without holding
    SQLite's write lock, which every other writer would queue behind. The block must end
    its transaction (commit) before the request goes on to write."""
    g.reading_first = True
    try:
        yield
    finally:
        g.reading_first = False


def tune_engine(engine: sa.Engine, busy_timeout_seconds: float) -> None:
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        # Let SQLAlchemy's "begin" event decide how transactions start (pysqlite would
        # otherwise emit a deferred BEGIN of its own).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A read (GET/HEAD) begins a deferred transaction: in WAL mode it reads its
        # snapshot without waiting for anyone, even while a long import holds the write
        # lock. A transaction that may write begins IMMEDIATE: a deferred one that reads
        # and then writes fails at once with "database is locked" when another writer got
        # there first (its snapshot is stale, so waiting cannot help); IMMEDIATE takes the
        # write lock up front and waits for it (busy_timeout).
        connection.exec_driver_sql("BEGIN" if reads_only() else "BEGIN IMMEDIATE")
