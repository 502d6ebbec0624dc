"""Loads the logged-in user from the session cookie, refusing stale session versions.

Every page pays for this, so it is one indexed Core lookup by primary key, which also
answers the navigation bar's question (does the user staff some course?) instead of a
second query. The row becomes a `User` attached to the request's session as if it had
been loaded (no ORM select, no instance loading): views and services get the real model,
whose changes (a new session version, a display name) flush as before."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g

from quizapp.extensions import db
from quizapp.models import COURSE_STAFF_ROLES, Membership, User

_COLUMNS = tuple(User.__table__.c)
_KEYS = tuple(column.key for column in _COLUMNS)
_USER_CLASS = sa.inspect(User).class_manager
_LOOKUP = sa.select(
    *_COLUMNS,
    sa.exists()
    .where(
        Membership.user_id == User.id,
        Membership.removed_at.is_(None),
        Membership.role.in_(COURSE_STAFF_ROLES),
    )
    .label("staffs_a_course"),
).where(User.id == sa.bindparam("user_id"))  # built once: no statement compiled per request


def load_user_from_cookie(user_key: str) -> User | None:
    user_id, _, version = user_key.partition(":")
    if not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in (user_id, version)):
        return None  # ("²".isdigit() is true, and int() refuses it)
    session = db.session
    row = session.connection().execute(_LOOKUP, {"user_id": int(user_id)}).first()
    if row is None or not row.active or row.session_version != int(version):
        return None
    # Read by quizapp.templating's navigation links (which asks nothing more of staff).
    g.teaches = bool(row.staffs_a_course)
    return _attached(session, row)


def _attached(session, row: sa.Row) -> User:
    """The row as the session's persistent `User` (the one already there, if a view
    loaded it first: one instance per identity)."""
    known = session.identity_map.get(session.identity_key(User, row.id))
    if known is not None:
        return known
    # As the ORM makes an instance it loads: no constructor, whose attribute events cost
    # more than the rest of this function (the values count as loaded, not as changes).
    user = _USER_CLASS.new_instance()
    user.__dict__.update(zip(_KEYS, row, strict=False))
    so.make_transient_to_detached(user)
    session.add(user)
    return user
