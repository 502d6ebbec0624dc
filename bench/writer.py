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


# The tables that grow with the data set's size. For the COPY their plain indexes and
# foreign keys are dropped, then built again and validated after it: one sort per index
# and one join per foreign key instead of millions of index insertions and trigger
# lookups (500,000 answers: 36 -> 21 s). Primary keys and unique constraints stay.
BIG_TABLES = ("attempts", "answers", "answer_choices", "cards", "review_logs")


def _plain_indexes(cursor, tables) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes of `tables` that no constraint owns."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
        "AND c.connamespace = current_schema()::regnamespace) ORDER BY i.indexname",
        (list(tables),),
    )
    return cursor.fetchall()


def _foreign_keys(cursor, tables) -> list[tuple[str, str, str]]:
    """(table, name, definition) of the foreign keys declared on `tables`."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.contype = 'f' "
        "AND c.conrelid::regclass::text = ANY(%s) ORDER BY c.conname",
        (list(tables),),
    )
    return cursor.fetchall()


def _write_postgresql(connection: sa.Connection, dataset: Dataset) -> None:
    raw = connection.connection.driver_connection  # psycopg 3
    with raw.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        indexes = _plain_indexes(cursor, BIG_TABLES)
        foreign_keys = _foreign_keys(cursor, BIG_TABLES)
        # Names from the catalogue of our own schema, never input.
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for name in ORDER:
            table = dataset.tables[name]
            columns = ", ".join(table.columns)
            with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for row in table.rows:
                    copy.write_row(row)
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
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
