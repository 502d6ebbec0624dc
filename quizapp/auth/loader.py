"""Loads the logged-in user from the session cookie, refusing stale session versions."""

from quizapp.extensions import db
from quizapp.models import User


def load_user_from_cookie(user_key: str) -> User | None:
    user_id, _, version = user_key.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
