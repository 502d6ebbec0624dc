"""Flashcard review use cases: cards enter a learner's deck, reviews reschedule them with
FSRS (quiz answers included), and the learner's review settings are saved; the queue itself
is read in quizapp.services.review_queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.domain.questions.base import GradeResult
from quizapp.domain.questions.registry import grade_response, is_gradable
from quizapp.domain.scheduling import (
    MAX_DAILY_NEW,
    MAX_RETENTION,
    MIN_RETENTION,
    as_utc,
    build_scheduler,
    is_lapse,
    is_valid_rating,
    review,
)
from quizapp.models import Card, Question, ReviewLog, User
from quizapp.services.question_store import question_dict
from quizapp.services.review_queue import AGAIN, learner_retention, rating_previews

# Re-exported for callers that still reach the queue through this module (quizapp.api).
from quizapp.services.review_queue import find_scope as find_scope
from quizapp.services.review_queue import review_queue as review_queue

GOOD = 3
# A review that took longer than this was the learner walking away; cap what we store.
MAX_DURATION_MS = 10 * 60 * 1000
QUIZ_RETRIES = 3


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


# --- cards entering the deck -----------------------------------------------------------


def _insert_missing_cards(
    session: Session, user_id: int, question_ids: list[int], now: datetime
) -> int:
    """Insert new cards, skipping any that exist (also one inserted concurrently)."""
    if not question_ids:
        return 0
    moment = as_utc(now)
    rows = [
        {
            "user_id": user_id,
            "question_id": question_id,
            "state": 1,
            "step": 0,
            "due": moment,
            "reps": 0,
            "lapses": 0,
            "created_at": moment,
        }
        for question_id in question_ids
    ]
    dialect = session.connection().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(Card)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["user_id", "question_id"])
            .returning(Card.id)
        )
        # RETURNING counts what was inserted; rowcount is -1 for psycopg here.
        return len(session.execute(statement).all())
    created = 0
    for row in rows:  # other databases: one savepoint per card
        try:
            with session.begin_nested():
                session.execute(sa.insert(Card).values(row))
            created += 1
        except sa.exc.IntegrityError:
            pass
    return created


def ensure_card(session: Session, user_id: int, question_id: int, now: datetime) -> Card:
    """The learner's card for this question, created (new, due now) when missing."""
    card = _find_card(session, user_id, question_id)
    if card is None:
        _insert_missing_cards(session, user_id, [question_id], now)
        card = _find_card(session, user_id, question_id)
    assert card is not None  # noqa: S101  (inserted or already there)
    return card


def _find_card(session: Session, user_id: int, question_id: int) -> Card | None:
    return session.scalar(
        sa.select(Card).where(Card.user_id == user_id, Card.question_id == question_id)
    )


def ensure_lesson_flashcards(session: Session, user_id: int, lesson_id: int, now: datetime) -> int:
    """Put the lesson's active flashcards into the learner's deck; returns how many were new.

    Called when the learner opens the lesson; safe to call on every visit."""
    missing = session.scalars(
        sa.select(Question.id)
        .where(
            Question.lesson_id == lesson_id,
            Question.type == "flashcard",
            Question.retired_at.is_(None),
            ~sa.exists().where(Card.user_id == user_id, Card.question_id == Question.id),
        )
        .order_by(Question.position, Question.id)
    ).all()
    created = _insert_missing_cards(session, user_id, list(missing), now)
    session.flush()
    return created


# --- reviewing ---------------------------------------------------------------------------


def get_card(session: Session, user_id: int, card_id: int) -> Card:
    card = session.get(Card, card_id)
    if card is None or card.user_id != user_id:
        raise CardNotFound("No such card.")
    return card


def _apply_review(
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


def record_quiz_answer(
    session: Session,
    user_id: int,
    question_id: int,
    correct: bool,
    now: datetime,
    *,
    enable_fuzzing: bool = True,
) -> Card:
    """A quiz answer counts as a review at submission time: wrong → Again, right → Good.
    The card is created when the learner meets the question for the first time."""
    outcomes = [(question_id, correct)]
    return record_quiz_answers(session, user_id, outcomes, now, enable_fuzzing=enable_fuzzing)[0]


def record_quiz_answers(
    session: Session,
    user_id: int,
    outcomes: list[tuple[int, bool]],
    now: datetime,
    *,
    enable_fuzzing: bool = True,
) -> list[Card]:
    """Quiz answers, as (question id, correct), count as reviews at submission time: wrong
    → Again, right → Good; cards are created for questions met for the first time.

    A constant number of statements whatever the number of answers: one SELECT of the
    cards (plus one INSERT and one SELECT of the missing ones), the learner's retention
    once, one UPDATE of the cards (executemany) and one INSERT of the logs. Returns the
    cards in the order of `outcomes`."""
    if not outcomes:
        return []
    question_ids = list(dict.fromkeys(question_id for question_id, _correct in outcomes))
    cards = _cards_by_question(session, user_id, question_ids)
    missing = [question_id for question_id in question_ids if question_id not in cards]
    if missing:
        _insert_missing_cards(session, user_id, missing, now)
        cards.update(_cards_by_question(session, user_id, missing))
    retention = learner_retention(session, user_id)
    reviewed: list[Card] = []
    for batch in _batches_of_distinct_questions(outcomes):
        pairs = [(cards[question_id], GOOD if correct else AGAIN) for question_id, correct in batch]
        reviewed += _apply_quiz_reviews(session, pairs, now, retention, enable_fuzzing)
    return reviewed


def _cards_by_question(session: Session, user_id: int, question_ids: list[int]) -> dict[int, Card]:
    rows = session.scalars(
        sa.select(Card).where(Card.user_id == user_id, Card.question_id.in_(question_ids))
    )
    return {card.question_id: card for card in rows}


def _batches_of_distinct_questions(
    outcomes: list[tuple[int, bool]],
) -> list[list[tuple[int, bool]]]:
    """Consecutive runs without a repeated question: a question answered twice is reviewed
    twice, the second time from the state the first review left."""
    batches: list[list[tuple[int, bool]]] = [[]]
    seen: set[int] = set()
    for question_id, correct in outcomes:
        if question_id in seen:
            batches.append([])
            seen.clear()
        seen.add(question_id)
        batches[-1].append((question_id, correct))
    return batches


class _StaleBatch(Exception):
    """A card of the batch changed since it was read; the batch's UPDATE is undone."""


_BATCH_UPDATE = (
    sa.update(Card.__table__)
    .where(
        Card.__table__.c.id == sa.bindparam("card_id"),
        Card.__table__.c.reps == sa.bindparam("read_reps"),
    )
    .values(
        state=sa.bindparam("new_state"),
        step=sa.bindparam("new_step"),
        stability=sa.bindparam("new_stability"),
        difficulty=sa.bindparam("new_difficulty"),
        due=sa.bindparam("new_due"),
        last_review=sa.bindparam("new_last_review"),
        reps=sa.bindparam("new_reps"),
        lapses=sa.bindparam("new_lapses"),
    )
)


def _apply_quiz_reviews(
    session: Session,
    pairs: list[tuple[Card, int]],
    now: datetime,
    retention: float,
    enable_fuzzing: bool,
) -> list[Card]:
    """Reschedule distinct cards and log their quiz reviews, each once, as `_apply_review`
    does one card: the UPDATE only matches the `reps` each card was read with. When a card
    was reviewed meanwhile in another request, the whole batch is undone (savepoint) and
    its cards go one at a time, each retried from its new state."""
    scheduler = build_scheduler(retention, enable_fuzzing=enable_fuzzing)
    changes = []
    for card, rating in pairs:
        state = review(scheduler, card, rating, now)
        changes.append(
            {
                "state": state.state,
                "step": state.step,
                "stability": state.stability,
                "difficulty": state.difficulty,
                "due": as_utc(state.due),
                "last_review": as_utc(state.last_review) if state.last_review else None,
                "reps": card.reps + 1,
                "lapses": card.lapses + int(is_lapse(card, rating)),
            }
        )
    params = [
        {"card_id": card.id, "read_reps": card.reps} | {f"new_{k}": v for k, v in change.items()}
        for (card, _rating), change in zip(pairs, changes, strict=True)
    ]
    if not session.connection().dialect.supports_sane_multi_rowcount:
        return [
            _review_quiz_card(session, card, rating, now, enable_fuzzing) for card, rating in pairs
        ]
    try:
        with session.begin_nested():
            result = session.execute(_BATCH_UPDATE, params)
            if result.rowcount != len(params):
                raise _StaleBatch
    except _StaleBatch:
        return [
            _review_quiz_card(session, card, rating, now, enable_fuzzing) for card, rating in pairs
        ]
    for (card, _rating), change in zip(pairs, changes, strict=True):
        for key, value in change.items():
            # What session.refresh(card) would read back, without a statement per card.
            set_committed_value(card, key, value)
    # One INSERT for the batch's logs (an executemany: nothing is read back).
    session.execute(
        sa.insert(ReviewLog),
        [
            {
                "card_id": card.id,
                "user_id": card.user_id,
                "rating": rating,
                "reviewed_at": as_utc(now),
                "duration_ms": None,
                "source": "quiz",
            }
            for card, rating in pairs
        ],
    )
    return [card for card, _rating in pairs]


def _review_quiz_card(
    session: Session, card: Card, rating: int, now: datetime, enable_fuzzing: bool
) -> Card:
    """One quiz review, retried from the card's new state when it was reviewed meanwhile."""
    for _attempt in range(QUIZ_RETRIES):
        try:
            return _apply_review(
                session, card, rating, now, source="quiz", enable_fuzzing=enable_fuzzing
            )
        except StaleReview:
            session.refresh(card)  # reviewed meanwhile in another request: review the new state
    raise StaleReview("This card is being reviewed elsewhere; try again.")


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
    return _apply_review(
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
    _apply_review(
        session,
        card,
        AGAIN,
        now,
        source="review",
        duration_ms=duration_ms,
        enable_fuzzing=enable_fuzzing,
    )
    return AnswerOutcome(card, question, grade, rated=True)


# --- settings ------------------------------------------------------------------------------


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
