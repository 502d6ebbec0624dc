"""Loads the logged-in user from the session cookie, refusing stale session versions."""

from quizapp.extensions import db
from quizapp.models import User


def load_user_from_cookie(user_key: str) -> User | None:
    user_id, _, version = user_key.partition(":")
    if not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in (user_id, version)):
        return None  # ("²".isdigit() is true, and int() refuses it)
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
