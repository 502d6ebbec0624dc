"""Engine tuning per database: SQLite gets WAL, a busy timeout and IMMEDIATE
transactions; other databases keep their defaults plus pool pre-ping (set in config)."""

import sqlite3

import sqlalchemy as sa


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
        # is locked" when another writer got there first (its snapshot is stale, so
        # waiting cannot help); IMMEDIATE takes the write lock up front and waits for it
        # (busy_timeout). Every transaction does so, because even GET requests write: the
        # first visit of a quiz starts an attempt, opening a lesson adds its flashcards,
        # an API call stamps its token. Transactions are short; WAL keeps readers outside
        # transactions (none here) unblocked. PostgreSQL is the choice for heavy load.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
