"""The learner's review settings: desired retention, the daily new-card limit and the
number of lapses that makes a card a leech."""

from __future__ import annotations

from sqlalchemy.orm import Session

from quizapp.domain.scheduling import (
    MAX_DAILY_NEW,
    MAX_LEECH_THRESHOLD,
    MAX_RETENTION,
    MIN_LEECH_THRESHOLD,
    MIN_RETENTION,
)
from quizapp.models import User
from quizapp.services.ratings import ReviewError


def update_review_settings(
    session: Session,
    user_id: int,
    desired_retention: float,
    daily_new_limit: int,
    leech_threshold: int | None = None,
) -> User:
    """Store the learner's desired retention (0.80–0.97), daily new-card limit and, when
    given, leech threshold (1–99 lapses)."""
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError("desired retention must be between 0.80 and 0.97")
    if not 0 <= daily_new_limit <= MAX_DAILY_NEW:
        raise ValueError(f"the daily new-card limit must be between 0 and {MAX_DAILY_NEW}")
    if leech_threshold is not None and not (
        MIN_LEECH_THRESHOLD <= leech_threshold <= MAX_LEECH_THRESHOLD
    ):
        raise ValueError(
            f"the leech threshold must be between {MIN_LEECH_THRESHOLD} and {MAX_LEECH_THRESHOLD}"
        )
    user = session.get(User, user_id)
    if user is None:
        raise ReviewError("No such user.")
    user.desired_retention = round(float(desired_retention), 4)
    user.daily_new_limit = int(daily_new_limit)
    if leech_threshold is not None:
        user.leech_threshold = int(leech_threshold)
    session.flush()
    return user
