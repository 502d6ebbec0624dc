"""The learner's review queue, read without changing it: which cards are due and in what
order, today's new-card allowance, the rating previews and the summary of a sitting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.scheduling import (
    DEFAULT_LEECH_THRESHOLD,
    MAX_RETENTION,
    MIN_RETENTION,
    as_utc,
    build_scheduler,
    preview_intervals,
)
from quizapp.models import Card, Course, Lesson, MemoryParameters, Question, ReviewLog, User
from quizapp.services import due_cards
from quizapp.services.catalog import find_lesson
from quizapp.services.due_cards import QueuedCard
from quizapp.services.memory_parameters import parameters_in_use_columns, usable_parameters
from quizapp.services.question_store import card_question

AGAIN = 1  # the rating of a forgotten card


@dataclass(frozen=True)
class ReviewScope:
    """Which cards the queue draws from: a course, one of its lessons, or (None) all."""

    course: Course
    lesson: Lesson | None
    lesson_ids: list[int]


@dataclass(frozen=True)
class ReviewItem:
    card: Card | QueuedCard
    question: dict[str, Any]
    previews: dict[int, timedelta]


@dataclass(frozen=True)
class ReviewQueue:
    """The first due cards in order, and how many are left: reviews and today's new ones."""

    cards: list[QueuedCard]
    review_count: int
    new_count: int
    current: ReviewItem | None

    @property
    def total(self) -> int:
        return self.review_count + self.new_count


@dataclass(frozen=True)
class ReviewSummary:
    reviewed: int
    ratings: dict[int, int]
    next_due: datetime | None

    @property
    def remembered(self) -> int:
        return self.reviewed - self.ratings.get(AGAIN, 0)


# --- the learner's schedule settings, as the buttons show them -----------------------------


@dataclass(frozen=True)
class LearnerSchedule:
    """What a review needs from the learner's settings, read in one statement: retention,
    leech threshold and the FSRS parameters in use (the learner's fitted ones, else the
    card's course's, else None for fsrs's defaults)."""

    retention: float
    leech_threshold: int
    parameters: tuple[float, ...] | None = None

    def scheduler(self, *, enable_fuzzing: bool = True):
        return build_scheduler(
            self.retention, parameters=self.parameters, enable_fuzzing=enable_fuzzing
        )


def learner_schedule(
    session: Session, user_id: int, question_id: int | None = None
) -> LearnerSchedule:
    """The learner's schedule for a card of `question_id` (its course's parameters apply
    when the learner has none of their own)."""
    row = session.execute(
        _LEARNER_SCHEDULE, {"user_id": user_id, "question_id": question_id}
    ).first()
    return schedule_from(*(row if row is not None else (None,) * 4))


# Built once (every rating and submission reads it): the learner's settings and the
# parameters in use for a card of :question_id. A statement that reads the schedule along
# (a submission's first read) selects these columns with the learner's row joined as User,
# and passes their values to schedule_from.
_own, _course = parameters_in_use_columns(sa.bindparam("user_id"), sa.bindparam("question_id"))
LEARNER_SCHEDULE_COLUMNS = (User.desired_retention, User.leech_threshold, _own, _course)
_LEARNER_SCHEDULE = sa.select(*LEARNER_SCHEDULE_COLUMNS).where(User.id == sa.bindparam("user_id"))


def card_and_schedule(
    session: Session, user_id: int, card_id: int
) -> tuple[Card, LearnerSchedule] | None:
    """The learner's card and their schedule for it, in one statement (a rating's read);
    None when the card is not theirs."""
    row = session.execute(_CARD_AND_SCHEDULE, {"user_id": user_id, "card_id": card_id}).first()
    if row is None:
        return None
    card, retention, threshold, own_values, course_values = row
    return card, schedule_from(retention, threshold, own_values, course_values)


# Built once (every rating reads it; building it was a third of a rating's CPU). The
# card's course's parameters are correlated to the question joined here (a subquery two
# levels down would not correlate to the card, and read any course's).
_rater_own, _unused = parameters_in_use_columns(sa.bindparam("user_id"), None)
_CARD_AND_SCHEDULE = (
    sa.select(
        Card,
        User.desired_retention,
        User.leech_threshold,
        _rater_own,
        sa.select(MemoryParameters.parameters)
        .where(MemoryParameters.course_id == Question.course_id)
        .scalar_subquery(),
    )
    .join(User, User.id == Card.user_id)
    .join(Question, Question.id == Card.question_id)
    .where(Card.id == sa.bindparam("card_id"), Card.user_id == sa.bindparam("user_id"))
)


def schedule_from(retention, threshold, own_values, course_values) -> LearnerSchedule:
    return LearnerSchedule(
        _usable_retention(retention),
        threshold or DEFAULT_LEECH_THRESHOLD,
        usable_parameters(own_values) or usable_parameters(course_values),
    )


def _usable_retention(retention: float | None) -> float:
    if retention is None or not MIN_RETENTION <= retention <= MAX_RETENTION:
        return 0.9
    return retention


def rating_previews(
    session: Session, card: Card, now: datetime, schedule: LearnerSchedule | None = None
) -> dict[int, timedelta]:
    """The interval each rating would give this card now, for the buttons (`schedule`:
    the learner's, when the caller has read it)."""
    if schedule is None:
        schedule = learner_schedule(session, card.user_id, card.question_id)
    return preview_intervals(schedule.scheduler(enable_fuzzing=False), card, now)


# --- the queue -----------------------------------------------------------------------------


def day_start(now: datetime) -> datetime:
    """Days are UTC days (the app stores and shows UTC)."""
    return as_utc(now).replace(hour=0, minute=0, second=0, microsecond=0)


def next_day_start(now: datetime) -> datetime:
    """The start of the learner's next day: when a card buried today comes back."""
    return day_start(now) + timedelta(days=1)


def in_queue(moment: datetime) -> list:
    """Suspended cards stay out of the queue, and buried ones until their day comes."""
    return [
        Card.suspended_at.is_(None),
        sa.or_(Card.buried_until.is_(None), Card.buried_until <= moment),
    ]


def queue_due():
    """When a card is next in the queue: its due date, or later when it is buried until
    then (a card never suspended; suspended ones are not due at all)."""
    return sa.case((Card.buried_until > Card.due, Card.buried_until), else_=Card.due)


def find_scope(
    session: Session, course_slug: str | None, lesson_slug: str | None = None
) -> ReviewScope | None:
    """The course (and lesson) named by slugs; None when a slug names nothing."""
    course = session.scalar(sa.select(Course).where(Course.slug == (course_slug or "")))
    if course is None:
        return None
    if lesson_slug:
        lesson = find_lesson(session, course.slug, lesson_slug)
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
    return due_cards.introduced_since(session, user_id, day_start(now))


def review_queue(
    session: Session,
    user_id: int,
    now: datetime,
    scope: ReviewScope | None = None,
    *,
    limit: int = 20,
    with_current: bool = True,
) -> ReviewQueue:
    """Due cards, most overdue first, then today's allowance of new cards (oldest first).

    Retired questions leave the queue. The first card comes with its rating previews
    (`current`; not with `with_current=False`, for a list that shows no buttons).
    One statement whatever the queue's size (services.due_cards); the cards are plain
    read objects (QueuedCard) with their questions, lessons and courses."""
    lesson_ids = scope.lesson_ids if scope is not None else None
    figures, cards = due_cards.queue(
        session, user_id, as_utc(now), day_start(now), limit=limit, lesson_ids=lesson_ids
    )
    new_count = min(figures.new_available, figures.new_allowance)
    current = None
    if cards and with_current:
        first = cards[0]
        schedule = schedule_from(
            figures.retention,
            figures.leech_threshold,
            figures.own_parameters,
            first.course_parameters,
        )
        previews = preview_intervals(schedule.scheduler(enable_fuzzing=False), first, now)
        current = ReviewItem(first, card_question(first), previews)
    return ReviewQueue(cards, figures.review_count, new_count, current)


def next_due(
    session: Session, user_id: int, now: datetime, scope: ReviewScope | None = None
) -> datetime | None:
    """When the next card becomes due: a studied card's due date, or tomorrow when new
    cards wait behind today's limit."""
    moment = as_utc(now)
    conditions = [*_scope_filter(user_id, scope), *in_queue(moment)]
    candidates = []
    studied = session.scalar(
        sa.select(sa.func.min(Card.due)).where(*conditions, ~_is_new(), Card.due > moment)
    )
    if studied is not None:
        candidates.append(as_utc(studied))
    # New cards are due from the start; if some wait, today's limit holds them back.
    # Buried cards come back tomorrow, like them.
    waiting = session.scalar(
        sa.select(sa.func.count(Card.id)).where(
            *_scope_filter(user_id, scope),
            Card.suspended_at.is_(None),
            sa.or_(
                sa.and_(*in_queue(moment), _is_new(), Card.due <= moment),
                Card.buried_until > moment,
            ),
        )
    )
    if waiting:
        candidates.append(next_day_start(now))
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
