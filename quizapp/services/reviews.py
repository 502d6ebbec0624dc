"""Flashcard review use cases: cards enter a learner's deck, reviews reschedule them with
FSRS (quiz answers included), and the review queue, its summary and settings are read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

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
    preview_intervals,
    review,
)
from quizapp.models import Card, Course, Lesson, Question, ReviewLog, User
from quizapp.services.question_store import question_dict

AGAIN, GOOD = 1, 3
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
class ReviewScope:
    """Which cards the queue draws from: a course, one of its lessons, or (None) all."""

    course: Course
    lesson: Lesson | None
    lesson_ids: list[int]


@dataclass(frozen=True)
class ReviewItem:
    card: Card
    question: dict[str, Any]
    previews: dict[int, timedelta]


@dataclass(frozen=True)
class ReviewQueue:
    """The first due cards in order, and how many are left: reviews and today's new ones."""

    cards: list[Card]
    review_count: int
    new_count: int
    current: ReviewItem | None

    @property
    def total(self) -> int:
        return self.review_count + self.new_count


@dataclass(frozen=True)
class AnswerOutcome:
    """An objective question answered in review: wrong answers are rated Again at once
    (`rated`); right ones wait for the learner to pick Hard, Good or Easy."""

    card: Card
    question: dict[str, Any]
    grade: GradeResult
    rated: bool
    previews: dict[int, timedelta] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewSummary:
    reviewed: int
    ratings: dict[int, int]
    next_due: datetime | None

    @property
    def remembered(self) -> int:
        return self.reviewed - self.ratings.get(AGAIN, 0)


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


def _retention(session: Session, user_id: int) -> float:
    retention = session.scalar(sa.select(User.desired_retention).where(User.id == user_id))
    if retention is None or not MIN_RETENTION <= retention <= MAX_RETENTION:
        return 0.9
    return retention


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
    scheduler = build_scheduler(_retention(session, card.user_id), enable_fuzzing=enable_fuzzing)
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
    session.flush()
    session.refresh(card)
    return card


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
    rating = GOOD if correct else AGAIN
    card = ensure_card(session, user_id, question_id, now)
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
        session, card, rating, now, source="review",
        duration_ms=duration_ms, enable_fuzzing=enable_fuzzing,
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
        session, card, AGAIN, now, source="review",
        duration_ms=duration_ms, enable_fuzzing=enable_fuzzing,
    )
    return AnswerOutcome(card, question, grade, rated=True)


def rating_previews(session: Session, card: Card, now: datetime) -> dict[int, timedelta]:
    """The interval each rating would give this card now, for the buttons."""
    scheduler = build_scheduler(_retention(session, card.user_id), enable_fuzzing=False)
    return preview_intervals(scheduler, card, now)


# --- the queue -----------------------------------------------------------------------------


def day_start(now: datetime) -> datetime:
    """Days are UTC days (the app stores and shows UTC)."""
    return as_utc(now).replace(hour=0, minute=0, second=0, microsecond=0)


def find_scope(
    session: Session, course_slug: str | None, lesson_slug: str | None = None
) -> ReviewScope | None:
    """The course (and lesson) named by slugs; None when a slug names nothing."""
    course = session.scalar(sa.select(Course).where(Course.slug == (course_slug or "")))
    if course is None:
        return None
    if lesson_slug:
        lesson = session.scalar(
            sa.select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug)
        )
        if lesson is None:
            return None
        return ReviewScope(course, lesson, [lesson.id])
    lesson_ids = session.scalars(sa.select(Lesson.id).where(Lesson.course_id == course.id)).all()
    return ReviewScope(course, None, list(lesson_ids))


def _is_new():
    return sa.and_(Card.reps == 0, Card.last_review.is_(None))


def _scope_filter(user_id: int, scope: ReviewScope | None) -> list:
    conditions = [
        Card.user_id == user_id,
        Card.question_id == Question.id,
        Question.retired_at.is_(None),
    ]
    if scope is not None:
        conditions.append(Question.lesson_id.in_(scope.lesson_ids))
    return conditions


def new_cards_introduced_today(session: Session, user_id: int, now: datetime) -> int:
    """Cards first seen today on the review page, for the daily new-card limit. A card
    first met in a quiz was introduced by the quiz and does not use up the limit."""
    earlier = aliased(ReviewLog)
    first_today = (
        sa.select(ReviewLog.card_id)
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.source == "review",
            ReviewLog.reviewed_at >= day_start(now),
            ~sa.exists().where(
                earlier.card_id == ReviewLog.card_id, earlier.reviewed_at < ReviewLog.reviewed_at
            ),
        )
        .distinct()
        .subquery()
    )
    return session.scalar(sa.select(sa.func.count()).select_from(first_today)) or 0


def _new_allowance(session: Session, user_id: int, now: datetime) -> int:
    limit = session.scalar(sa.select(User.daily_new_limit).where(User.id == user_id)) or 0
    return max(0, limit - new_cards_introduced_today(session, user_id, now))


def review_queue(
    session: Session,
    user_id: int,
    now: datetime,
    scope: ReviewScope | None = None,
    *,
    limit: int = 20,
) -> ReviewQueue:
    """Due cards, most overdue first, then today's allowance of new cards (oldest first).

    Retired questions leave the queue. The first card comes with its rating previews."""
    moment = as_utc(now)
    due = [*_scope_filter(user_id, scope), Card.due <= moment]
    review_count = session.scalar(
        sa.select(sa.func.count(Card.id)).where(*due, ~_is_new())
    ) or 0
    new_available = session.scalar(sa.select(sa.func.count(Card.id)).where(*due, _is_new())) or 0
    new_count = min(new_available, _new_allowance(session, user_id, now)) if new_available else 0
    cards = list(
        session.scalars(
            sa.select(Card).where(*due, ~_is_new()).order_by(Card.due, Card.id).limit(limit)
        )
    )
    room = min(limit - len(cards), new_count)
    if room > 0:
        cards += session.scalars(
            sa.select(Card).where(*due, _is_new()).order_by(Card.due, Card.id).limit(room)
        )
    current = None
    if cards:
        first = cards[0]
        previews = rating_previews(session, first, now)
        current = ReviewItem(first, question_dict(first.question), previews)
    return ReviewQueue(cards, review_count, new_count, current)


def next_due(
    session: Session, user_id: int, now: datetime, scope: ReviewScope | None = None
) -> datetime | None:
    """When the next card becomes due: a studied card's due date, or tomorrow when new
    cards wait behind today's limit."""
    moment = as_utc(now)
    conditions = _scope_filter(user_id, scope)
    candidates = []
    studied = session.scalar(
        sa.select(sa.func.min(Card.due)).where(*conditions, ~_is_new(), Card.due > moment)
    )
    if studied is not None:
        candidates.append(as_utc(studied))
    # New cards are due from the start; if some wait, today's limit holds them back.
    waiting_new = session.scalar(
        sa.select(sa.func.count(Card.id)).where(*conditions, _is_new(), Card.due <= moment)
    )
    if waiting_new:
        candidates.append(day_start(now) + timedelta(days=1))
    return min(candidates) if candidates else None


def session_summary(
    session: Session,
    user_id: int,
    since: datetime,
    now: datetime,
    scope: ReviewScope | None = None,
) -> ReviewSummary:
    """What the learner did on the review page since `since`, and when to come back."""
    rows = session.execute(
        sa.select(ReviewLog.rating, sa.func.count(ReviewLog.id))
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.source == "review",
            ReviewLog.reviewed_at >= as_utc(since),
            ReviewLog.reviewed_at <= as_utc(now),
        )
        .group_by(ReviewLog.rating)
    ).all()
    ratings = {int(rating): count for rating, count in rows}
    return ReviewSummary(sum(ratings.values()), ratings, next_due(session, user_id, now, scope))


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
