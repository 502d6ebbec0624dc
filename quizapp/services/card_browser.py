"""The card browser: a learner's cards found by text, lesson, state and due date, sorted
and paged, for bulk suspend, unsuspend and reset (quizapp.services.card_controls)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from quizapp.models import Card, Course, Lesson, Question

STATES = ("new", "learning", "review", "suspended", "leech")
SORTS = ("due", "lapses", "reps", "lesson", "added")
PAGE_SIZE = 50


@dataclass(frozen=True)
class CardQuery:
    """What the learner asked for; every field is optional."""

    text: str = ""
    lesson_id: int | None = None
    state: str | None = None
    due_before: date | None = None
    sort: str = "due"
    page: int = 1


@dataclass(frozen=True)
class CardPage:
    cards: list[Card]
    total: int
    page: int
    pages: int


def card_state(card: Card) -> str:
    """The word the browser shows: suspended and leech first, then FSRS's state."""
    if card.suspended_at is not None:
        return "suspended"
    if card.reps == 0 and card.last_review is None:
        return "new"
    return "review" if card.state == 2 else "learning"


def _state_condition(state: str):
    new = sa.and_(Card.reps == 0, Card.last_review.is_(None))
    return {
        "new": new,
        "learning": sa.and_(~new, Card.state != 2),
        "review": sa.and_(~new, Card.state == 2),
        "suspended": Card.suspended_at.is_not(None),
        "leech": Card.leech.is_(True),
    }[state]


def _escaped_like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_ORDER = {
    "due": (Card.due, Card.id),
    "lapses": (Card.lapses.desc(), Card.due, Card.id),
    "reps": (Card.reps.desc(), Card.due, Card.id),
    "lesson": (Lesson.number, Question.position, Card.id),
    "added": (Card.created_at.desc(), Card.id.desc()),
}


def find_cards(session: Session, user_id: int, query: CardQuery) -> CardPage:
    """One page of the learner's cards matching `query`, with their questions loaded."""
    conditions = [Card.user_id == user_id]
    if query.text.strip():
        pattern = _escaped_like(query.text.strip().lower())
        conditions.append(
            sa.or_(
                sa.func.lower(Question.prompt_md).like(pattern, escape="\\"),
                sa.func.lower(sa.func.coalesce(Question.title, "")).like(pattern, escape="\\"),
            )
        )
    if query.lesson_id is not None:
        conditions.append(Question.lesson_id == query.lesson_id)
    if query.state in STATES:
        conditions.append(_state_condition(query.state))
    if query.due_before is not None:
        # Through the end of that (UTC) day.
        end = datetime.combine(query.due_before + timedelta(days=1), time.min, tzinfo=UTC)
        conditions.append(Card.due < end)
    joined = (
        sa.select(Card)
        .join(Question, Question.id == Card.question_id)
        .join(Lesson, Lesson.id == Question.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(*conditions)
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(joined.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, query.page), pages)
    cards = session.scalars(
        joined.options(
            contains_eager(Card.question)
            .contains_eager(Question.lesson)
            .contains_eager(Lesson.course)
        )
        .order_by(*_ORDER.get(query.sort, _ORDER["due"]))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return CardPage(list(cards), total, page, pages)


def learner_lessons(session: Session, user_id: int) -> list[Lesson]:
    """The lessons the learner has cards in, for the browser's lesson filter."""
    return list(
        session.scalars(
            sa.select(Lesson)
            .join(Course, Course.id == Lesson.course_id)
            .where(
                Lesson.id.in_(
                    sa.select(Question.lesson_id)
                    .join(Card, Card.question_id == Question.id)
                    .where(Card.user_id == user_id)
                )
            )
            .order_by(Course.title, Lesson.number)
        )
    )
