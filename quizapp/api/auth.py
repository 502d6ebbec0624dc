"""Bearer-token authentication of API requests and the per-token rate-limit key.

The API reads no cookie and no session: only `Authorization: Bearer <token>` identifies the
caller, so a logged-in browser cannot be made to call it (no CSRF surface)."""

import sqlalchemy as sa
from flask import after_this_request, current_app, g, has_request_context
from flask import request as flask_request
from flask_limiter.util import get_remote_address

from quizapp import clock
from quizapp.api.validation import ApiError
from quizapp.database import reads_only
from quizapp.errors import database_failure
from quizapp.extensions import db
from quizapp.models import User
from quizapp.services import accounts


def bearer_token() -> str | None:
    scheme, _, value = flask_request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        return None
    return value


def bearer_token_hash() -> str | None:
    """The bearer token's SHA-256, computed once per request: the rate limit's key and the
    token's lookup both need it."""
    if "api_token_hash" not in g:
        token = bearer_token()
        g.api_token_hash = accounts.hash_token(token) if token else None
    return g.api_token_hash


def rate_limit_key() -> str:
    """One budget per token (by its hash, never the token itself), else per client address."""
    token_hash = bearer_token_hash()
    if token_hash:
        return "api-token:" + token_hash
    return "api-ip:" + (get_remote_address() or "unknown")


def api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def authenticate(staff: bool = False) -> User:
    """The token's user, stored in `g.api_user`; 401 without a valid token, 403 when the
    route is for staff. On requests that may write (a GET never writes, so reading the API
    leaves "last used" as it was) the token's last use, when due, is stamped in the
    request's own transaction, at its commit (`_stamp_at_commit`), or on its own after a
    request that did not commit."""
    token_hash = bearer_token_hash()
    if token_hash is None:
        raise ApiError(401, "missing_token", "Send an API token: Authorization: Bearer <token>.")
    found = accounts.token_and_user(db.session, token_hash)
    if found is None:
        db.session.rollback()
        raise ApiError(401, "invalid_token", "The token is unknown or revoked.")
    api_token, user = found
    now = clock.now()
    if not reads_only() and accounts.last_use_due(api_token, now):
        if g.get("api_token_last_use") is None:  # a view run again registers it once
            after_this_request(_stamp_if_not_committed)
        g.api_token_last_use = (api_token.id, now)
    if staff and not user.is_staff:
        raise ApiError(403, "forbidden", "This route is for instructors and admins.")
    g.api_user = user
    return user


@sa.event.listens_for(sa.orm.Session, "before_commit")
def _stamp_at_commit(session) -> None:
    """The due "last used" stamp joins the request's first commit: no commit (on
    PostgreSQL no WAL flush) of its own, and, being written at the commit, it takes
    SQLite's write lock no earlier than the request's own writes do."""
    if session.in_nested_transaction() or not has_request_context():
        return
    stamp = g.pop("api_token_last_use", None)
    if stamp is not None:
        accounts.record_last_use(session, *stamp)


def _stamp_if_not_committed(response):
    """A request that ended without committing (refused, or one that only read) stamps
    the token on its own. The stamp is a courtesy: a read-only database still serves."""
    stamp = g.pop("api_token_last_use", None)
    if stamp is None:
        return response
    session = db.session()
    session.rollback()
    try:
        accounts.record_last_use(session, *stamp)
        session.commit()
    except sa.exc.DBAPIError as error:
        session.rollback()
        if database_failure(error) != "read-only":
            raise
    return response


def current_api_user() -> User:
    return g.api_user
