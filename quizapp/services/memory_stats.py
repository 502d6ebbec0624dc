"""Memory statistics pages: a learner's true retention, reviews per day, forecast and
the spread of their cards' difficulty and stability; and, for a course's staff, the class's
predicted recall by lesson and by section of the notes, and the course's leeches.

A constant number of queries per page, whatever the size of the log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import memory_stats
from quizapp.domain.lesson_notes import read_notes
from quizapp.domain.memory_fit import LoggedReview
from quizapp.domain.scheduling import as_utc, build_scheduler, recall_probability
from quizapp.models import Card, Course, Lesson, MemoryParameters, Question, ReviewLog, User
from quizapp.services.access import counts_as_learner
from quizapp.services.memory_parameters import usable_parameters
from quizapp.services.progress import review_forecast

REVIEW_DAYS = 30  # the reviews-per-day chart's span
HORIZONS = (0, 7, 30)  # predicted recall now, in a week, in a month
LEECH_ROWS = 20


@dataclass(frozen=True)
class LearnerMemoryStats:
    retention: list[memory_stats.RetentionRow]
    reviews_per_day: list[tuple[date, int]]
    forecast: list[tuple[date, int]]
    difficulty: list[tuple[int, int]]
    stability: list[tuple[tuple, int]]
    cards_with_memory: int
    mean_stability: float | None


def learner_memory_stats(session: Session, user: User, now: datetime) -> LearnerMemoryStats:
    today = as_utc(now).date()
    logs = [
        LoggedReview(card_id, reviewed_at, rating)
        for card_id, reviewed_at, rating in session.execute(
            sa.select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.rating).where(
                ReviewLog.user_id == user.id
            )
        )
    ]
    states = session.execute(
        sa.select(Card.stability, Card.difficulty)
        .join(Question, Question.id == Card.question_id)
        .where(
            Card.user_id == user.id,
            Card.stability.is_not(None),
            Card.difficulty.is_not(None),
            Question.retired_at.is_(None),
        )
    ).all()
    stabilities = [stability for stability, _difficulty in states]
    return LearnerMemoryStats(
        retention=memory_stats.true_retention(memory_stats.interval_reviews(logs), today),
        reviews_per_day=memory_stats.reviews_per_day(
            (log.reviewed_at for log in logs), today, REVIEW_DAYS
        ),
        forecast=review_forecast(session, user, today),
        difficulty=memory_stats.difficulty_distribution(d for _s, d in states),
        stability=memory_stats.stability_distribution(stabilities),
        cards_with_memory=len(states),
        mean_stability=memory_stats.mean_or_none(stabilities),
    )


# --- the class ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecallRow:
    """Mean predicted recall of the class's cards of one lesson or section."""

    lesson: Lesson
    anchor: str | None  # the section's anchor (None: the lesson as a whole, or no section)
    title: str | None  # the section's heading
    learners: int
    cards: int
    recall: tuple[float | None, ...]  # one per HORIZONS


@dataclass(frozen=True)
class LeechRow:
    question: Question
    learners: int  # learners whose card of it is a leech
    studying: int  # learners with a card of it
    lapses: int  # all their lapses of it


@dataclass(frozen=True)
class CourseRetention:
    lessons: list[RecallRow]
    sections: list[RecallRow]
    leeches: list[LeechRow]
    horizons: tuple[int, ...] = HORIZONS


def course_retention(session: Session, course: Course, now: datetime) -> CourseRetention:
    """Each learner's cards of the course, with their memory state, predict recall at
    each horizon with that learner's parameters in use (their own, else the course's,
    else the defaults); means per lesson and per section. Staff never count."""
    learner = counts_as_learner(Card.user_id, course.id)
    rows = session.execute(
        sa.select(
            Card.user_id, Card.stability, Card.last_review, Question.lesson_id, Question.section
        )
        .join(Question, Question.id == Card.question_id)
        .where(
            Question.course_id == course.id,
            Question.retired_at.is_(None),
            Card.stability.is_not(None),
            Card.last_review.is_not(None),
            learner,
        )
    ).all()
    schedulers = _schedulers(session, course, {row.user_id for row in rows})
    moments = [as_utc(now) + timedelta(days=days) for days in HORIZONS]
    by_lesson: dict[int, list] = {}
    by_section: dict[tuple[int, str | None], list] = {}
    for user_id, stability, last_review, lesson_id, section in rows:
        scheduler = schedulers[user_id]
        recalls = tuple(
            recall_probability(scheduler, stability, last_review, moment) for moment in moments
        )
        by_lesson.setdefault(lesson_id, []).append((user_id, recalls))
        by_section.setdefault((lesson_id, section), []).append((user_id, recalls))
    lessons = list(
        session.scalars(
            sa.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.number)
        )
    )
    lesson_rows, section_rows = [], []
    for lesson in lessons:
        lesson_rows.append(_recall_row(lesson, None, None, by_lesson.get(lesson.id, [])))
        notes = read_notes(lesson.body_md, lesson.slug)
        titles = {section.anchor: section.title for section in notes.sections}
        anchors = [section.anchor for section in notes.sections]
        extra = sorted(
            {section for (lesson_id, section) in by_section if lesson_id == lesson.id}
            - set(anchors),
            key=lambda value: (value is None, value or ""),
        )
        for anchor in anchors + extra:
            found = by_section.get((lesson.id, anchor))
            if found:
                section_rows.append(_recall_row(lesson, anchor, titles.get(anchor), found))
    return CourseRetention(lesson_rows, section_rows, course_leeches(session, course))


def _recall_row(lesson, anchor, title, found) -> RecallRow:
    means = tuple(
        memory_stats.mean_or_none([recalls[index] for _user, recalls in found])
        for index in range(len(HORIZONS))
    )
    return RecallRow(lesson, anchor, title, len({user for user, _r in found}), len(found), means)


def _schedulers(session: Session, course: Course, user_ids: set[int]) -> dict[int, object]:
    """Each learner's scheduler for this course's cards (one per distinct parameters)."""
    own = dict(
        session.execute(
            sa.select(MemoryParameters.user_id, MemoryParameters.parameters).where(
                MemoryParameters.user_id.in_(list(user_ids))
            )
        ).all()
    )
    course_values = session.scalar(
        sa.select(MemoryParameters.parameters).where(MemoryParameters.course_id == course.id)
    )
    fallback = usable_parameters(course_values)
    cache: dict[tuple | None, object] = {}
    found = {}
    for user_id in user_ids:
        parameters = usable_parameters(own.get(user_id)) or fallback
        if parameters not in cache:
            cache[parameters] = build_scheduler(parameters=parameters, enable_fuzzing=False)
        found[user_id] = cache[parameters]
    return found


def course_leeches(session: Session, course: Course, limit: int = LEECH_ROWS) -> list[LeechRow]:
    """Questions whose cards became leeches for the most learners (then the most lapses)."""
    # Learners, not cards: a flashcard's reverse card is the same learner forgetting it.
    leeches = sa.func.count(sa.distinct(sa.case((Card.leech.is_(True), Card.user_id))))
    rows = session.execute(
        sa.select(
            Question,
            leeches.label("leeches"),
            sa.func.count(sa.distinct(Card.user_id)).label("studying"),
            sa.func.sum(Card.lapses).label("lapses"),
        )
        .join(Card, Card.question_id == Question.id)
        .where(
            Question.course_id == course.id,
            Question.retired_at.is_(None),
            counts_as_learner(Card.user_id, course.id),
        )
        .options(selectinload(Question.lesson))
        .group_by(Question.id)
        .having(leeches > 0)
        .order_by(leeches.desc(), sa.func.sum(Card.lapses).desc(), Question.id)
        .limit(limit)
    ).all()
    return [
        LeechRow(question, int(count), int(studying), int(lapses or 0))
        for question, count, studying, lapses in rows
    ]
