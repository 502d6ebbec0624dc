"""The due queue's read, the hottest of the review page and the API's due list: one Core
statement built once (per shape: all lessons or a scope) with bound parameters, read
into plain frozen objects, with no ORM identity work.

The statement is the learner's figures (the counts of due reviews and due new cards,
today's new-card allowance and the review settings) in one row, joined to the cards in
order with their questions, lessons and courses (and the parameters of each card's
course): the due reviews, and when they leave room, the new cards after them. The rules
are review_queue's: what is in the queue (`in_queue`), what is new, the daily limit, the
order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased

from quizapp.models import Card, Course, Lesson, MemoryParameters, Question, ReviewLog, User


@dataclass(frozen=True, slots=True)
class CourseLink:
    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class LessonLink:
    id: int
    number: int
    slug: str
    title: str
    course: CourseLink


@dataclass(frozen=True, slots=True)
class QueuedQuestion:
    """The question columns `question_store.question_dict` reads, and its lesson link."""

    id: int
    external_id: str
    type: str
    title: str | None
    prompt_md: str
    explanation_md: str | None
    tags: list[str] | None
    section: str | None
    data: dict[str, Any] | None
    lesson: LessonLink


@dataclass(frozen=True, slots=True)
class QueuedCard:
    """A due card as read for showing it: the Card columns the queue, the previews and
    the serialisers read, and its question (`card_question` takes it as it takes a Card)."""

    id: int
    user_id: int
    question_id: int
    reverse: bool
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int
    leech: bool
    suspended_at: datetime | None
    buried_until: datetime | None
    question: QueuedQuestion
    course_parameters: Any = None  # the card's course's FSRS parameters (stored JSON)


@dataclass(frozen=True)
class LearnerFigures:
    review_count: int
    new_available: int
    new_allowance: int
    retention: float | None
    leech_threshold: int | None
    own_parameters: Any


_CARD_COLUMNS = (
    Card.id,
    Card.user_id,
    Card.question_id,
    Card.reverse,
    Card.state,
    Card.step,
    Card.stability,
    Card.difficulty,
    Card.due,
    Card.last_review,
    Card.reps,
    Card.lapses,
    Card.leech,
    Card.suspended_at,
    Card.buried_until,
)
_QUESTION_COLUMNS = (
    Question.id,
    Question.external_id,
    Question.type,
    Question.title,
    Question.prompt_md,
    Question.explanation_md,
    Question.tags,
    Question.section,
    Question.data,
)
_LESSON_COLUMNS = (Lesson.id, Lesson.number, Lesson.slug, Lesson.title)
_COURSE_COLUMNS = (Course.slug, Course.title)


# Constants written into the SQL rather than bound: the statement stays short (below).
_ZERO, _ONE = sa.literal_column("0", sa.Integer), sa.literal_column("1", sa.Integer)


class _Unseen(sa.BindParameter):
    """A parameter PostgreSQL's planner does not see. psycopg prepares a statement after
    five executions, and PostgreSQL then keeps one generic plan only while it costs no
    more than the plans it makes for each execution's values. Seen values (a page's
    limit of 1, today's few review logs) made those look cheaper, so it planned the
    queue afresh on every execution, which took longer than running it; read through a
    subquery, every plan costs the same and the generic one, made once per connection,
    wins. SQLite plans each statement once anyway: there it is an ordinary parameter."""

    inherit_cache = True


@compiles(_Unseen)
def _unseen(element, compiler, **kw):
    return compiler.visit_bindparam(element, **kw)


@compiles(_Unseen, "postgresql")
def _unseen_in_postgresql(element, compiler, **kw):
    return f"(SELECT {compiler.visit_bindparam(element, **kw)})"


def _param(name: str, type_=sa.Integer) -> _Unseen:
    return _Unseen(name, type_=type_)


def _is_new():
    return sa.and_(Card.reps == _ZERO, Card.last_review.is_(None))


def _due(scoped: bool) -> list:
    """The learner's cards in the queue and due at :moment (of :lesson_ids when scoped):
    review_queue's `in_queue` and `_scope_filter`, with bound parameters."""
    moment = _param("moment", Card.due.type)
    conditions = [
        Card.user_id == _param("user_id"),
        Question.retired_at.is_(None),
        Card.suspended_at.is_(None),
        sa.or_(Card.buried_until.is_(None), Card.buried_until <= moment),
        Card.due <= moment,
    ]
    if scoped:
        conditions.append(Question.lesson_id.in_(sa.bindparam("lesson_ids", expanding=True)))
    return conditions


def _user_column(column) -> sa.ScalarSelect:
    return sa.select(column).where(User.id == _param("user_id")).scalar_subquery()


def _introduced_today() -> sa.ScalarSelect:
    """Cards first seen on the review page since :day_start (review_queue's
    `new_cards_introduced_today`, which the daily new-card limit counts)."""
    earlier = aliased(ReviewLog)
    first_today = (
        sa.select(ReviewLog.card_id)
        .where(
            ReviewLog.user_id == _param("user_id"),
            ReviewLog.source == sa.literal_column("'review'"),
            ReviewLog.reviewed_at >= _param("day_start", ReviewLog.reviewed_at.type),
            ~sa.exists().where(
                earlier.card_id == ReviewLog.card_id, earlier.reviewed_at < ReviewLog.reviewed_at
            ),
        )
        .distinct()
        .subquery()
    )
    return sa.select(sa.func.count()).select_from(first_today).scalar_subquery()


_INTRODUCED = sa.select(_introduced_today())


def introduced_since(session: Session, user_id: int, day_start: datetime) -> int:
    return session.scalar(_INTRODUCED, {"user_id": user_id, "day_start": day_start}) or 0


def _figures(scoped: bool) -> sa.CTE:
    """The learner's figures, one row: the counts of due reviews and due new cards,
    today's allowance of new cards (the daily limit less the cards introduced since
    :day_start, negative when the limit was lowered after them) and the review settings."""
    own = (
        sa.select(MemoryParameters.parameters)
        .where(MemoryParameters.user_id == _param("user_id"))
        .scalar_subquery()
    )
    return (
        sa.select(
            sa.func.count(sa.case((~_is_new(), _ONE))).label("review_count"),
            sa.func.count(sa.case((_is_new(), _ONE))).label("new_available"),
            (_user_column(User.daily_new_limit) - _introduced_today()).label("allowance"),
            _user_column(User.desired_retention).label("retention"),
            _user_column(User.leech_threshold).label("leech_threshold"),
            own.label("own_parameters"),
        )
        .select_from(Card)
        .join(Question, Question.id == Card.question_id)
        .where(*_due(scoped))
        .cte("figures")
    )


def _picked(scoped: bool, new: bool, limit) -> sa.Select:
    """The ids of the due reviews (or, with `new`, new cards) in order, at most `limit`
    of them, each with a `new` column saying which they are."""
    return (
        sa.select(Card.id, (_ONE if new else _ZERO).label("new"))
        .join(Question, Question.id == Card.question_id)
        .where(*_due(scoped), _is_new() if new else ~_is_new())
        .order_by(Card.due, Card.id)
        .limit(limit)
    )


@cache
def _queue_statement(scoped: bool) -> sa.Select:
    """The figures' row joined to the first :limit due reviews, then the first new cards
    in the room they leave, within today's allowance (the daily limit less the cards
    introduced today): one statement. Each part picks its card ids in its own order and
    limit inside its subquery (the new cards' limit read from the figures, never
    negative, which SQLite would take as no limit); the cards' columns, questions,
    lessons and courses are joined to the ids once. With no card due, one row of
    figures and NULLs. Narrow parts keep the statement under psycopg's 4096 characters,
    beyond which it parses the statement again on every execution."""
    figures = _figures(scoped)
    limit = _param("limit")
    allowance, room = figures.c.allowance, limit - figures.c.review_count
    new_limit = sa.select(
        sa.case(
            (allowance <= _ZERO, _ZERO),
            (allowance < room, allowance),
            (room > _ZERO, room),
            else_=_ZERO,
        )
    ).scalar_subquery()
    parts = [_picked(scoped, False, limit).subquery(), _picked(scoped, True, new_limit).subquery()]
    picked = sa.union_all(*(sa.select(part) for part in parts)).subquery("picked")
    course_parameters = (
        sa.select(MemoryParameters.parameters)
        .where(MemoryParameters.course_id == Question.course_id)
        .scalar_subquery()
    )
    cards = (
        picked.join(Card, Card.id == picked.c.id)
        .join(Question, Question.id == Card.question_id)
        .join(Lesson, Lesson.id == Question.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
    )
    return (
        sa.select(
            figures,
            *_CARD_COLUMNS,
            *_QUESTION_COLUMNS,
            *_LESSON_COLUMNS,
            *_COURSE_COLUMNS,
            course_parameters,
        )
        .select_from(figures.outerjoin(cards, sa.true()))
        .order_by(picked.c.new, Card.due, Card.id)
    )


def queue(
    session: Session,
    user_id: int,
    moment: datetime,
    day_start: datetime,
    *,
    limit: int,
    lesson_ids: list[int] | None = None,
) -> tuple[LearnerFigures, list[QueuedCard]]:
    """The learner's figures (queue counts, today's new-card allowance, review settings)
    and the first `limit` due cards: the reviews, most overdue first, then the new ones,
    oldest first. One Core statement, read from the session's connection (no ORM result
    work); pending changes are flushed first, as the session's own execute would."""
    params: dict[str, Any] = {
        "user_id": user_id,
        "moment": moment,
        "day_start": day_start,
        "limit": max(0, limit),
    }
    if lesson_ids is not None:
        params["lesson_ids"] = lesson_ids
    if session.autoflush:
        session.flush()
    rows = session.connection().execute(_queue_statement(lesson_ids is not None), params).all()
    reviews, new, allowance, retention, threshold, own = rows[0][:_FIGURES]
    figures = LearnerFigures(
        int(reviews or 0), int(new or 0), max(0, int(allowance or 0)), retention, threshold, own
    )
    return figures, [_queued(row[_FIGURES:]) for row in rows if row[_FIGURES] is not None]


_FIGURES = 6  # the figures' columns, ahead of each card's
_CARDS, _QUESTIONS, _LESSONS = len(_CARD_COLUMNS), len(_QUESTION_COLUMNS), len(_LESSON_COLUMNS)


def _queued(row) -> QueuedCard:
    """A card's columns of _queue_statement's row as a QueuedCard."""
    card = row[:_CARDS]
    question = row[_CARDS : _CARDS + _QUESTIONS]
    lesson_at = _CARDS + _QUESTIONS
    lesson = row[lesson_at : lesson_at + _LESSONS]
    course_slug, course_title, parameters = row[lesson_at + _LESSONS : lesson_at + _LESSONS + 3]
    link = LessonLink(*lesson, course=CourseLink(course_slug, course_title))
    return QueuedCard(
        *card, question=QueuedQuestion(*question, lesson=link), course_parameters=parameters
    )
