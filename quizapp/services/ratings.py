"""Rating a card: the learner rates a flashcard or answers an objective card on the review
page, and FSRS reschedules it once (a replayed or concurrent review is refused); a card
that lapses too often becomes a leech; the last ratings can be undone exactly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.domain.questions.base import GradeResult
from quizapp.domain.questions.registry import describe_right_answer, grade_response, is_gradable
from quizapp.domain.scheduling import (
    as_utc,
    becomes_leech,
    is_lapse,
    is_valid_rating,
    review,
)
from quizapp.models import Card, ReviewLog
from quizapp.services import learner_activity
from quizapp.services.memory_parameters import note_new_reviews
from quizapp.services.question_store import card_question
from quizapp.services.review_queue import (
    AGAIN,
    LearnerSchedule,
    card_and_schedule,
    learner_schedule,
    rating_previews,
)

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


class NothingToUndo(ReviewError):
    """No rating of the review page is left to undo (or the card changed since)."""


# The card columns a rating changes, and so the ones its undo puts back.
UNDONE_COLUMNS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "leech",
    "suspended_at",
    "buried_until",
)
_MOMENTS = {"due", "last_review", "suspended_at", "buried_until"}


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


def _card_and_schedule(
    session: Session, user_id: int, card_id: int
) -> tuple[Card, LearnerSchedule]:
    """The learner's card with their schedule, read in one statement for a rating."""
    found = card_and_schedule(session, user_id, card_id)
    if found is None:
        raise CardNotFound("No such card.")
    return found


def apply_review(
    session: Session,
    card: Card,
    rating: int,
    now: datetime,
    *,
    source: str,
    duration_ms: int | None = None,
    enable_fuzzing: bool = True,
    schedule: LearnerSchedule | None = None,
) -> Card:
    """Reschedule the card and log the review, once: the UPDATE only matches the `reps`
    the card was read with, so a concurrent or replayed review of it raises StaleReview.
    A review-page rating keeps the card's columns in its log, for undo. `schedule` is the
    learner's, when the caller read it with the card (`card_and_schedule`).

    Three statements: the UPDATE, the log's INSERT and the learner activity's upsert; the
    card object is given the columns written (what a refresh would read back)."""
    if schedule is None:
        schedule = learner_schedule(session, card.user_id, card.question_id)
    scheduler = schedule.scheduler(enable_fuzzing=enable_fuzzing)
    before = snapshot(card) if source == "review" else None
    changes = reviewed_columns(scheduler, card, rating, now, schedule.leech_threshold)
    result = session.execute(CARD_REVIEWED, reviewed_params(card, changes))
    if result.rowcount != 1:
        raise StaleReview("This card was already reviewed.")
    _log_review(
        session, card, rating, now, source=source, duration_ms=duration_ms, undo_state=before
    )
    for key, value in changes.items():
        set_committed_value(card, key, value)
    return card


# The columns a rating writes (`reviewed_columns`): all that its undo puts back but the
# bury, which a rating leaves as it is. Its UPDATE is built once and only matches the card
# at the reps it was read with; quiz answers run it as an executemany.
REVIEWED_COLUMNS = tuple(column for column in UNDONE_COLUMNS if column != "buried_until")
_CARDS = Card.__table__
CARD_REVIEWED = (
    sa.update(_CARDS)
    .where(_CARDS.c.id == sa.bindparam("card_id"), _CARDS.c.reps == sa.bindparam("read_reps"))
    .values({column: sa.bindparam(f"new_{column}") for column in REVIEWED_COLUMNS})
)


def reviewed_params(card: Card, changes: dict[str, Any]) -> dict[str, Any]:
    """CARD_REVIEWED's parameters for the card as read and its `reviewed_columns`."""
    return {"card_id": card.id, "read_reps": card.reps} | {
        f"new_{key}": value for key, value in changes.items()
    }


def _log_review(
    session: Session,
    card: Card,
    rating: int,
    now: datetime,
    *,
    source: str,
    duration_ms: int | None,
    undo_state: dict[str, Any] | None,
) -> None:
    if duration_ms is not None:
        duration_ms = max(0, min(int(duration_ms), MAX_DURATION_MS))
    note_new_reviews(session, card.user_id)
    # A Core INSERT: nothing reads the log back, so no object for the unit of work.
    session.execute(
        REVIEW_LOG_INSERT,
        {
            "card_id": card.id,
            "user_id": card.user_id,
            "rating": rating,
            "reviewed_at": as_utc(now),
            "duration_ms": duration_ms,
            "source": source,
            "undo_state": undo_state,
        },
    )
    if source != "quiz":  # a submission's logs: course_statistics.record_submission
        learner_activity.record_review(session, card.id, card.user_id, as_utc(now), source)


# Built once; quiz answers run it as an executemany (quizapp.services.quiz_reviews).
REVIEW_LOG_INSERT = sa.insert(ReviewLog.__table__)


def reviewed_columns(
    scheduler, card: Card, rating: int, now: datetime, leech_threshold: int
) -> dict[str, Any]:
    """The card's columns after this rating: FSRS's new state, the counts, and the leech
    rule (a lapse that reaches the threshold tags the card and suspends it)."""
    state = review(scheduler, card, rating, now)
    lapsed = is_lapse(card, rating)
    lapses = card.lapses + int(lapsed)
    leech = lapsed and becomes_leech(lapses, leech_threshold)
    return {
        "state": state.state,
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": as_utc(state.due),
        "last_review": as_utc(state.last_review) if state.last_review else None,
        "reps": card.reps + 1,
        "lapses": lapses,
        "leech": bool(card.leech) or leech,
        "suspended_at": as_utc(now) if leech and card.suspended_at is None else card.suspended_at,
    }


def snapshot(card: Card) -> dict[str, Any]:
    """The card's columns as JSON (floats keep every digit; moments as ISO text)."""
    values = {}
    for column in UNDONE_COLUMNS:
        value = getattr(card, column)
        if column in _MOMENTS and value is not None:
            value = as_utc(value).isoformat()
        values[column] = value
    return values


def _restored(values: dict[str, Any]) -> dict[str, Any]:
    restored = {}
    for column in UNDONE_COLUMNS:
        value = values.get(column)
        if column in _MOMENTS and value is not None:
            value = datetime.fromisoformat(value)
        restored[column] = value
    restored["leech"] = bool(restored["leech"])
    return restored


def undo_last_rating(session: Session, user_id: int) -> Card:
    """Undo the learner's last rating on the review page: the card gets back exactly the
    columns it had and that review's log row goes. Repeated, it walks back further. A card
    reviewed since (a quiz answer) or reset cannot be undone: NothingToUndo."""
    last = session.scalar(
        sa.select(ReviewLog)
        .where(ReviewLog.user_id == user_id, ReviewLog.source == "review")
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
    )
    if last is None or last.undo_state is None:
        raise NothingToUndo("There is no rating to undo.")
    card = get_card(session, user_id, last.card_id)
    later = session.scalar(
        sa.select(sa.func.count(ReviewLog.id)).where(
            ReviewLog.card_id == card.id, ReviewLog.id > last.id
        )
    )
    before = _restored(last.undo_state)
    if later or card.reps != before["reps"] + 1:
        raise NothingToUndo("This card was reviewed again since; its rating cannot be undone.")
    result = session.execute(
        sa.update(Card)
        .where(Card.id == card.id, Card.reps == card.reps)
        .values(**before)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleReview("This card was already reviewed.")
    session.delete(last)
    learner_activity.review_undone(session, card.id, user_id)
    session.flush()
    session.refresh(card)
    return card


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
    card, schedule = _card_and_schedule(session, user_id, card_id)
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
        schedule=schedule,
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
    card, question, schedule = _objective_card(session, user_id, card_id, expected_reps)
    grade = grade_response(question, response)
    if grade.correct:
        previews = rating_previews(session, card, now, schedule)
        return AnswerOutcome(card, question, grade, rated=False, previews=previews)
    return _rated_again(session, card, question, grade, now, duration_ms, enable_fuzzing, schedule)


def give_up_card(
    session: Session,
    user_id: int,
    card_id: int,
    now: datetime,
    *,
    expected_reps: int | None = None,
    duration_ms: int | None = None,
    enable_fuzzing: bool = True,
) -> AnswerOutcome:
    """ "Show answer / I don't know" on an objective card: rated Again, the answer shown."""
    card, question, schedule = _objective_card(session, user_id, card_id, expected_reps)
    grade = GradeResult(score=0.0, correct=False, right_answer=describe_right_answer(question))
    return _rated_again(session, card, question, grade, now, duration_ms, enable_fuzzing, schedule)


def _rated_again(
    session: Session,
    card: Card,
    question: dict[str, Any],
    grade: GradeResult,
    now: datetime,
    duration_ms: int | None,
    enable_fuzzing: bool,
    schedule: LearnerSchedule,
) -> AnswerOutcome:
    """A wrong answer and "I don't know" end the same way: the card is rated Again."""
    apply_review(
        session,
        card,
        AGAIN,
        now,
        source="review",
        duration_ms=duration_ms,
        enable_fuzzing=enable_fuzzing,
        schedule=schedule,
    )
    return AnswerOutcome(card, question, grade, rated=True)


def _objective_card(
    session: Session, user_id: int, card_id: int, expected_reps: int | None
) -> tuple[Card, dict[str, Any], LearnerSchedule]:
    card, schedule = _card_and_schedule(session, user_id, card_id)
    if expected_reps is not None and card.reps != expected_reps:
        raise StaleReview("This card was already reviewed.")
    question = card_question(card)
    if not is_gradable(question["type"]):
        raise ReviewError("Flashcards are rated, not answered.")
    return card, question, schedule
