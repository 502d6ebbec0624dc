"""Fresh benchmark databases: a new SQLite file or a new PostgreSQL database, migrated
with `quizapp db upgrade` like production, and API tokens issued by the app's service."""

import os
import subprocess
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench import REPO_DIR, VENV_BIN
from config import database_url

# BENCH_PG_DATABASE keeps two people's runs on one server apart.
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "quizapp_bench")


def postgresql_source() -> str | None:
    """The PostgreSQL server to use: TEST_DATABASE_URL, else DATABASE_URL, if either
    points at PostgreSQL."""
    for name in ("TEST_DATABASE_URL", "DATABASE_URL"):
        value = os.environ.get(name, "")
        if value.startswith(("postgresql", "postgres://")):
            return value
    return None


def fresh_sqlite(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgresql(source: str, name: str = PG_DATABASE) -> str:
    """Drops and creates `name` on the server of `source`; returns its URL."""
    url = sa.engine.make_url(database_url(source))
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _quizapp(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "QUIZAPP_CONFIG": "development"}
    done = subprocess.run(  # noqa: S603 (our own console script)
        [str(VENV_BIN / "quizapp"), *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"quizapp {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def migrate(url: str) -> None:
    _quizapp(url, "db", "upgrade")


def rebuild_statistics(url: str) -> None:
    """The bulk insert bypasses submissions, so the maintained dashboard statistics are
    computed from the loaded answers, as after a restore. PostgreSQL then vacuums and
    analyses the tables, as after a restore: planned with the empty tables' estimates
    (324 learner-activity rows for 20,000), the dashboard's learner table took a nested
    loop over every learner instead of one hash join; and left to autovacuum, the freshly
    loaded tables were vacuumed on the second core while the references and the first
    scenarios were measured (the floor's req/s moved by a third between two runs of the
    same code)."""
    _quizapp(url, "stats", "rebuild")
    engine = sa.create_engine(database_url(url))
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM (ANALYZE)")
    finally:
        engine.dispose()
    settle(url)


def settle(url: str, longest_seconds: float = 90) -> float:
    """On PostgreSQL, waits (up to `longest_seconds`) until no autovacuum worker is busy in
    the database, and returns the seconds waited: after the write scenarios the server
    vacuums their tables on the second core for a while, and a timing taken meanwhile
    measures that too. SQLite has nothing to wait for."""
    engine = sa.create_engine(database_url(url))
    started = time.perf_counter()
    try:
        if engine.dialect.name != "postgresql":
            return 0.0
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            while time.perf_counter() - started < longest_seconds:
                busy = connection.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE backend_type = 'autovacuum worker' AND datname = current_database()"
                    )
                )
                if not busy:
                    break
                time.sleep(0.5)
    finally:
        engine.dispose()
    return round(time.perf_counter() - started, 1)


def issue_tokens(url: str, user_ids: list[int]) -> dict[int, str]:
    """One API token per user, through quizapp.services.accounts.issue_api_token."""
    from quizapp.models import User
    from quizapp.services.accounts import issue_api_token

    engine = sa.create_engine(database_url(url))
    try:
        with Session(engine) as session:
            users = session.scalars(sa.select(User).where(User.id.in_(user_ids))).all()
            tokens = {user.id: issue_api_token(session, user, "bench") for user in users}
            session.commit()
    finally:
        engine.dispose()
    return tokens


def display_url(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)
