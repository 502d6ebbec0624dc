"""Bulk-writes a bench.dataset.Dataset into a migrated database: one executemany per
batch on SQLite, COPY on PostgreSQL, then sequences moved past the explicit ids."""

import time

import sqlalchemy as sa

from bench.dataset import Dataset
from config import database_url

BATCH = 50_000
# Parents before children, so the foreign keys hold while rows go in.
ORDER = (
    "users",
    "courses",
    "lessons",
    "questions",
    "choices",
    "attempts",
    "answers",
    "answer_choices",
    "cards",
    "review_logs",
    "course_memberships",
)
DATETIME_COLUMNS = frozenset(
    {
        "created_at",
        "joined_at",
        "updated_at",
        "started_at",
        "submitted_at",
        "answered_at",
        "due",
        "last_review",
        "reviewed_at",
        "retired_at",
    }
)


def _sqlite_rows(rows: list[tuple], dated: list[int]) -> list[tuple]:
    """Datetimes as the text SQLAlchemy's SQLite DateTime writes: SQLite compares them as
    strings, so the format must be exactly the app's."""
    if not dated:
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for index in dated:
            if values[index] is not None:
                values[index] = values[index].isoformat(" ", "microseconds")
        converted.append(tuple(values))
    return converted


def _write_sqlite(connection: sa.Connection, dataset: Dataset) -> None:
    connection.exec_driver_sql("PRAGMA synchronous = OFF")
    for name in ORDER:
        table = dataset.tables[name]
        placeholders = ", ".join("?" for _ in table.columns)
        # Table and column names are the module's own constants, never input.
        statement = f"INSERT INTO {name} ({', '.join(table.columns)}) VALUES ({placeholders})"  # noqa: S608
        dated = [i for i, column in enumerate(table.columns) if column in DATETIME_COLUMNS]
        for start in range(0, len(table.rows), BATCH):
            batch = _sqlite_rows(table.rows[start : start + BATCH], dated)
            connection.exec_driver_sql(statement, batch)


def _write_postgresql(connection: sa.Connection, dataset: Dataset) -> None:
    raw = connection.connection.driver_connection  # psycopg 3
    with raw.cursor() as cursor:
        for name in ORDER:
            table = dataset.tables[name]
            columns = ", ".join(table.columns)
            with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for row in table.rows:
                    copy.write_row(row)
        for name in ORDER:
            if "id" in dataset.tables[name].columns:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                )


def write_dataset(url: str, dataset: Dataset) -> float:
    """Inserts every row in one transaction; returns the seconds it took. PostgreSQL is
    then analysed, as autovacuum would soon do on a live database."""
    engine = sa.create_engine(database_url(url))
    started = time.perf_counter()
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                _write_postgresql(connection, dataset)
            else:
                _write_sqlite(connection, dataset)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return time.perf_counter() - started


def table_counts(url: str, tables=ORDER) -> dict[str, int]:
    engine = sa.create_engine(database_url(url))
    try:
        with engine.connect() as connection:
            return {
                name: connection.exec_driver_sql(
                    f"SELECT COUNT(*) FROM {name}"  # noqa: S608 (our table names)
                ).scalar_one()
                for name in tables
            }
    finally:
        engine.dispose()
