"""Engine tuning per database: SQLite gets WAL, a busy timeout, deferred transactions for
reads and IMMEDIATE ones for writes; other databases keep their defaults plus pool
pre-ping (set in config)."""

import sqlite3

import sqlalchemy as sa
from flask import has_request_context, request

# Requests that only read (tests/security/test_get_never_writes.py proves it).
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only() -> bool:
    """True inside a GET/HEAD/OPTIONS request; False in other requests and outside any
    request (the CLI, jobs and tests write), where a transaction may write."""
    return has_request_context() and request.method in READ_ONLY_METHODS


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
