"""The learner's review settings: desired retention and the daily new-card limit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from quizapp.domain.scheduling import MAX_DAILY_NEW, MAX_RETENTION, MIN_RETENTION
from quizapp.models import User
from quizapp.services.ratings import ReviewError


def update_review_settings(
    session: Session, user_id: int, desired_retention: float, daily_new_limit: int
) -> User:
    """Store the learner's desired retention (0.80–0.97) and daily new-card limit."""
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError("desired retention must be between 0.80 and 0.97")
    if not 0 <= daily_new_limit <= MAX_DAILY_NEW:
        raise ValueError(f"the daily new-card limit must be between 0 and {MAX_DAILY_NEW}")
    user = session.get(User, user_id)
    if user is None:
        raise ReviewError("No such user.")
    user.desired_retention = round(float(desired_retention), 4)
    user.daily_new_limit = int(daily_new_limit)
    session.flush()
    return user
