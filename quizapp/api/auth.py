"""Bearer-token authentication of API requests and the per-token rate-limit key.

The API reads no cookie and no session: only `Authorization: Bearer <token>` identifies the
caller, so a logged-in browser cannot be made to call it (no CSRF surface)."""

import sqlalchemy as sa
from flask import current_app, g
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


def rate_limit_key() -> str:
    """One budget per token (by its hash, never the token itself), else per client address."""
    token = bearer_token()
    if token:
        return "api-token:" + accounts.hash_token(token)
    return "api-ip:" + (get_remote_address() or "unknown")


def api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def authenticate(staff: bool = False) -> User:
    """The token's user, stored in `g.api_user`; 401 without a valid token, 403 when the
    route is for staff. The token's last use is committed at once, on requests that may
    write (a GET never writes, so reading the API leaves "last used" as it was)."""
    token = bearer_token()
    if token is None:
        raise ApiError(401, "missing_token", "Send an API token: Authorization: Bearer <token>.")
    user = accounts.user_for_api_token(db.session, token, clock.now(), record_use=not reads_only())
    if user is None:
        db.session.rollback()
        raise ApiError(401, "invalid_token", "The token is unknown or revoked.")
    if db.session.dirty:
        _commit_last_use()
    if staff and not user.is_staff:
        raise ApiError(403, "forbidden", "This route is for instructors and admins.")
    g.api_user = user
    return user


def _commit_last_use() -> None:
    """The "last used" stamp is a courtesy: a read-only database still serves API reads.
    The commit leaves the token and its user as they are (not expired): they were read a
    moment ago, and expiring them would read the user again on the request's first use."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    except sa.exc.DBAPIError as error:
        if database_failure(error) != "read-only":
            raise
        session.rollback()
    finally:
        session.expire_on_commit = expiring


def current_api_user() -> User:
    return g.api_user
