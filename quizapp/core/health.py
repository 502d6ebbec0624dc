"""What /healthz reports: each dependency the app uses, checked cheaply on every call.

The database is needed: unreachable or refusing writes (read-only, disk full) makes the
app unavailable (503). Redis only holds the rate-limit counters, and without it each
worker counts on its own (see quizapp.extensions), so its loss degrades the app (200)."""

import time

import sqlalchemy as sa
from flask import Flask, current_app

from quizapp.errors import database_failure
from quizapp.extensions import db, limiter

# A refused write keeps /healthz saying "read-only" this long (per worker), for databases
# that cannot be asked (a SQLite file opened read-only, a full disk).
REFUSED_WRITE_MEMORY_SECONDS = 30.0
_REFUSED_AT = "quizapp.write_refused_at"


def remember_refused_write(app: Flask) -> None:
    app.extensions[_REFUSED_AT] = time.monotonic()


def _write_refused_recently() -> bool:
    refused_at = current_app.extensions.get(_REFUSED_AT)
    return refused_at is not None and time.monotonic() - refused_at < REFUSED_WRITE_MEMORY_SECONDS


def _read_only_setting() -> bool:
    """PostgreSQL says whether this session's transactions are read-only (a standby, or
    default_transaction_read_only); SQLite whether the connection is query_only."""
    if db.engine.dialect.name == "postgresql":
        return db.session.execute(sa.text("SHOW transaction_read_only")).scalar() == "on"
    if db.engine.dialect.name == "sqlite":
        return bool(db.session.execute(sa.text("PRAGMA query_only")).scalar())
    db.session.execute(sa.text("SELECT 1"))
    return False


def database_state() -> str:
    """One of ok, read-only, unreachable. A connection lost under the probe (a restart
    killed it as the probe ran) is asked once more on the fresh one the pool gives: the
    database may well be up, and a load balancer should not take the worker out for it."""
    state, connection_lost = _probe()
    if connection_lost:
        state, _lost_again = _probe()
    return state


def _probe() -> tuple[str, bool]:
    """The database's state, and whether the connection was lost under the probe."""
    try:
        read_only = _read_only_setting()
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        state = "read-only" if database_failure(error) == "read-only" else "unreachable"
        return state, bool(getattr(error, "connection_invalidated", False))
    finally:
        db.session.rollback()
    return ("read-only" if read_only or _write_refused_recently() else "ok"), False


def rate_limit_storage_state() -> str | None:
    """ok or unreachable for a configured Redis; None with in-memory counting."""
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return None
    return "ok" if limiter.storage.check() else "unreachable"


def report() -> tuple[dict[str, str], int]:
    checks = {"database": database_state()}
    redis = rate_limit_storage_state()
    if redis is not None:
        checks["redis"] = redis
    if checks["database"] != "ok":
        return {"status": "unavailable", **checks}, 503
    if redis not in (None, "ok"):
        return {"status": "degraded", **checks}, 200
    return {"status": "ok", **checks}, 200
