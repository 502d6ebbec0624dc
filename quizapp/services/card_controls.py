"""Card controls outside rating: suspend and unsuspend, bury until the learner's next day,
and reset to new. Each takes the learner's card ids and touches only the learner's cards."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.scheduling import as_utc
from quizapp.models import Card, ReviewLog
from quizapp.services.review_queue import next_day_start

ACTIONS = ("suspend", "unsuspend", "reset")


def _update(session: Session, user_id: int, card_ids: list[int], **values) -> int:
    if not card_ids:
        return 0
    result = session.execute(
        sa.update(Card)
        .where(Card.user_id == user_id, Card.id.in_(card_ids))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    return result.rowcount


def suspend_cards(session: Session, user_id: int, card_ids: list[int], now: datetime) -> int:
    """Take the cards out of the queue until unsuspended; returns how many were changed."""
    return _update(
        session,
        user_id,
        [*_ids_where(session, user_id, card_ids, Card.suspended_at.is_(None))],
        suspended_at=as_utc(now),
    )


def unsuspend_cards(session: Session, user_id: int, card_ids: list[int]) -> int:
    """Put suspended cards back in the queue (a leech keeps its tag)."""
    return _update(
        session,
        user_id,
        [*_ids_where(session, user_id, card_ids, Card.suspended_at.is_not(None))],
        suspended_at=None,
    )


def bury_card(session: Session, user_id: int, card_id: int, now: datetime) -> int:
    """Keep the card out of today's queue; it is back at the start of the next day."""
    return _update(session, user_id, [card_id], buried_until=next_day_start(now))


def reset_cards(session: Session, user_id: int, card_ids: list[int], now: datetime) -> int:
    """Make the cards new again (due now, no memory state, no lapses, no leech tag). The
    review log stays, as history, but its ratings can no longer be undone."""
    ids = _ids_where(session, user_id, card_ids)
    if ids:
        session.execute(
            sa.update(ReviewLog)
            .where(ReviewLog.card_id.in_(ids), ReviewLog.undo_state.is_not(None))
            .values(undo_state=None)
            .execution_options(synchronize_session=False)
        )
    return _update(
        session,
        user_id,
        ids,
        state=1,
        step=0,
        stability=None,
        difficulty=None,
        due=as_utc(now),
        last_review=None,
        reps=0,
        lapses=0,
        leech=False,
        buried_until=None,
    )


def apply_action(
    session: Session, user_id: int, action: str, card_ids: list[int], now: datetime
) -> int:
    """One of ACTIONS on the learner's chosen cards (the card browser's bulk buttons)."""
    if action == "suspend":
        return suspend_cards(session, user_id, card_ids, now)
    if action == "unsuspend":
        return unsuspend_cards(session, user_id, card_ids)
    if action == "reset":
        return reset_cards(session, user_id, card_ids, now)
    raise ValueError(f"unknown card action {action!r}")


def _ids_where(session: Session, user_id: int, card_ids: list[int], *conditions) -> list[int]:
    if not card_ids:
        return []
    return list(
        session.scalars(
            sa.select(Card.id).where(Card.user_id == user_id, Card.id.in_(card_ids), *conditions)
        )
    )
