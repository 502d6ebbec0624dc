"""Engine tuning per database: SQLite gets WAL, a busy timeout and IMMEDIATE write
transactions; other databases keep their defaults plus pool pre-ping (set in config)."""

import sqlite3

import sqlalchemy as sa
from flask import has_request_context, request

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
        # A deferred transaction that reads and then writes fails at once with "database
        # is locked" when another writer got there first; IMMEDIATE waits for the lock
        # (busy_timeout) instead. Read-only requests keep cheap deferred transactions.
        if has_request_context() and request.method in READ_ONLY_METHODS:
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
