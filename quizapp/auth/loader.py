"""Loads the logged-in user from the session cookie, refusing stale session versions.

Every page pays for this, so it is one indexed Core lookup by primary key, which also
answers the navigation bar's question (does the user staff some course?) instead of a
second query. The row becomes a `User` attached to the request's session as if it had
been loaded (services.attached: no ORM select, no instance loading): views and services
get the real model, whose changes (a new session version, a display name) flush as before."""

import sqlalchemy as sa
from flask import g

from quizapp.extensions import db
from quizapp.models import COURSE_STAFF_ROLES, Membership, User
from quizapp.models.types import names_in_sql
from quizapp.services.attached import Attached

_USER = Attached(User)
_LOOKUP = sa.select(
    *_USER.columns,
    sa.exists()
    .where(
        Membership.user_id == User.id,
        Membership.removed_at.is_(None),
        Membership.role.in_(names_in_sql(COURSE_STAFF_ROLES)),
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
    return _USER(session, row[: len(_USER.columns)])
