"""Rating a card: the learner rates a flashcard or answers an objective card on the review
page, and FSRS reschedules it once (a replayed or concurrent review is refused)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.questions.base import GradeResult
from quizapp.domain.questions.registry import grade_response, is_gradable
from quizapp.domain.scheduling import as_utc, build_scheduler, is_lapse, is_valid_rating, review
from quizapp.models import Card, ReviewLog
from quizapp.services.question_store import question_dict
from quizapp.services.review_queue import AGAIN, learner_retention, rating_previews

# A review that took longer than this was the learner walking away; cap what we store.
MAX_DURATION_MS = 10 * 60 * 1000


class ReviewError(Exception):
    """A review could not be recorded; the message is for the learner."""


class CardNotFound(ReviewError):
    """No such card for this learner (another learner's card looks the same: 404)."""


class StaleReview(ReviewError):
    """The card changed since the page was shown: a double submit or another tab."""


class InvalidRating(ReviewError):
    """A rating outside 1 (Again) … 4 (Easy)."""


@dataclass(frozen=True)
class AnswerOutcome:
    """An objective question answered in review: wrong answers are rated Again at once
    (`rated`); right ones wait for the learner to pick Hard, Good or Easy."""

    card: Card
    question: dict[str, Any]
    grade: GradeResult
    rated: bool
    previews: dict[int, timedelta] = field(default_factory=dict)


def get_card(session: Session, user_id: int, card_id: int) -> Card:
    card = session.get(Card, card_id)
    if card is None or card.user_id != user_id:
        raise CardNotFound("No such card.")
    return card


def apply_review(
    session: Session,
    card: Card,
    rating: int,
    now: datetime,
    *,
    source: str,
    duration_ms: int | None = None,
    enable_fuzzing: bool = True,
) -> Card:
    """Reschedule the card and log the review, once: the UPDATE only matches the `reps`
    the card was read with, so a concurrent or replayed review of it raises StaleReview."""
    retention = learner_retention(session, card.user_id)
    scheduler = build_scheduler(retention, enable_fuzzing=enable_fuzzing)
    state = review(scheduler, card, rating, now)
    result = session.execute(
        sa.update(Card)
        .where(Card.id == card.id, Card.reps == card.reps)
        .values(
            state=state.state,
            step=state.step,
            stability=state.stability,
            difficulty=state.difficulty,
            due=state.due,
            last_review=state.last_review,
            reps=card.reps + 1,
            lapses=card.lapses + int(is_lapse(card, rating)),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleReview("This card was already reviewed.")
    _log_review(session, card, rating, now, source=source, duration_ms=duration_ms)
    session.flush()
    session.refresh(card)
    return card


def _log_review(
    session: Session,
    card: Card,
    rating: int,
    now: datetime,
    *,
    source: str,
    duration_ms: int | None,
) -> None:
    if duration_ms is not None:
        duration_ms = max(0, min(int(duration_ms), MAX_DURATION_MS))
    session.add(
        ReviewLog(
            card_id=card.id,
            user_id=card.user_id,
            rating=rating,
            reviewed_at=as_utc(now),
            duration_ms=duration_ms,
            source=source,
        )
    )


def rate_card(
    session: Session,
    user_id: int,
    card_id: int,
    rating: int,
    now: datetime,
    *,
    expected_reps: int | None = None,
    duration_ms: int | None = None,
    enable_fuzzing: bool = True,
) -> Card:
    """The learner rated a card 1 (Again) … 4 (Easy) on the review page.

    `expected_reps` is the card's review count when the page was shown; a mismatch means
    the review was already recorded (double submit) and raises StaleReview."""
    if not is_valid_rating(rating):
        raise InvalidRating("A rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    card = get_card(session, user_id, card_id)
    if expected_reps is not None and card.reps != expected_reps:
        raise StaleReview("This card was already reviewed.")
    return apply_review(
        session,
        card,
        rating,
        now,
        source="review",
        duration_ms=duration_ms,
        enable_fuzzing=enable_fuzzing,
    )


def answer_card(
    session: Session,
    user_id: int,
    card_id: int,
    response: Any,
    now: datetime,
    *,
    expected_reps: int | None = None,
    duration_ms: int | None = None,
    enable_fuzzing: bool = True,
) -> AnswerOutcome:
    """Grade an answer to an objective card: wrong → rated Again now; right → the outcome
    carries the Hard/Good/Easy previews and the learner rates next (`rate_card`)."""
    card = get_card(session, user_id, card_id)
    if expected_reps is not None and card.reps != expected_reps:
        raise StaleReview("This card was already reviewed.")
    question = question_dict(card.question)
    if not is_gradable(question["type"]):
        raise ReviewError("Flashcards are rated, not answered.")
    grade = grade_response(question, response)
    if grade.correct:
        previews = rating_previews(session, card, now)
        return AnswerOutcome(card, question, grade, rated=False, previews=previews)
    apply_review(
        session,
        card,
        AGAIN,
        now,
        source="review",
        duration_ms=duration_ms,
        enable_fuzzing=enable_fuzzing,
    )
    return AnswerOutcome(card, question, grade, rated=True)
