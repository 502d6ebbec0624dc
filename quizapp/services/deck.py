"""Deck membership: which questions a learner has a card for, and cards joining the deck
(new, due at once), created once even when two requests race for the same card."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from quizapp.domain.scheduling import as_utc
from quizapp.models import Card, Question

_CARD_KEY = ["user_id", "question_id", "reverse"]


@cache
def _insert_new_cards(dialect: str):
    """INSERT … ON CONFLICT DO NOTHING RETURNING the ids, built once per dialect: run as an
    executemany, compiled once (a multi-row VALUES is compiled anew for every number of
    rows)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Card.__table__).on_conflict_do_nothing(index_elements=_CARD_KEY)
    return statement.returning(Card.__table__.c.id)


@dataclass(slots=True)
class QuizCard:
    """A front card as quiz answers review it: the columns a review reads and writes
    (ratings.reviewed_columns), read as a Core row and changed in place by each review.
    No ORM instance is built for it (nothing in a submission needs one)."""

    id: int
    user_id: int
    question_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int
    suspended_at: datetime | None
    leech: bool


_QUIZ_CARD_COLUMNS = tuple(Card.__table__.c[field.name] for field in fields(QuizCard))


@cache
def _upsert_front_cards(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE (a no-op) RETURNING, built once per dialect: the
    no-op update makes RETURNING give the existing cards as well as the new ones, and on
    PostgreSQL it locks them, as any write does, until the transaction ends."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Card.__table__
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=_CARD_KEY, set_={"reps": table.c.reps}
    ).returning(*_QUIZ_CARD_COLUMNS)


def _new_card_rows(
    user_id: int, question_ids: list[int], now: datetime, reverse: bool
) -> list[dict]:
    moment = as_utc(now)
    return [
        {
            "user_id": user_id,
            "question_id": question_id,
            "state": 1,
            "step": 0,
            "due": moment,
            "reps": 0,
            "lapses": 0,
            "created_at": moment,
            "reverse": reverse,
        }
        for question_id in question_ids
    ]


def _upserts(session: Session) -> str | None:
    dialect = session.connection().dialect.name
    return dialect if dialect in ("postgresql", "sqlite") else None


def insert_missing_cards(
    session: Session,
    user_id: int,
    question_ids: list[int],
    now: datetime,
    *,
    reverse: bool = False,
) -> int:
    """Insert new cards (reverse cards with `reverse`), skipping any that exist (also one
    inserted concurrently)."""
    if not question_ids:
        return 0
    rows = _new_card_rows(user_id, question_ids, now, reverse)
    dialect = _upserts(session)
    if dialect:
        # RETURNING counts what was inserted; rowcount is -1 for psycopg here.
        return len(session.execute(_insert_new_cards(dialect), rows).all())
    created = 0
    for row in rows:  # other databases: one savepoint per card
        try:
            with session.begin_nested():
                session.execute(sa.insert(Card).values(row))
            created += 1
        except sa.exc.IntegrityError:
            pass
    return created


def front_cards_to_review(
    session: Session, user_id: int, question_ids: list[int], now: datetime
) -> dict[int, QuizCard]:
    """The learner's (front to back) cards of these questions by question id, the missing
    ones created (new, due now): what quiz answers review. One statement, which also
    writes: no other transaction can change the cards before this one ends (PostgreSQL
    locks the rows, SQLite has one writer), so reviews computed from them cannot meet a
    concurrent review. Rows go in question order, so two transactions lock shared cards
    in the same order."""
    if not question_ids:
        return {}
    session.flush()  # a Core statement does not autoflush: read what the session changed
    dialect = _upserts(session)
    if not dialect:
        insert_missing_cards(session, user_id, question_ids, now)
        params = {"user_id": user_id, "question_ids": question_ids}
        rows = session.execute(_FRONT_QUIZ_CARDS, params)
    else:
        new = _new_card_rows(user_id, sorted(question_ids), now, reverse=False)
        rows = session.execute(_upsert_front_cards(dialect), new)
    return {row.question_id: QuizCard(*row) for row in rows}


def ensure_card(session: Session, user_id: int, question_id: int, now: datetime) -> Card:
    """The learner's (front to back) card for this question, created (new, due now) when
    missing."""
    card = _find_card(session, user_id, question_id)
    if card is None:
        insert_missing_cards(session, user_id, [question_id], now)
        card = _find_card(session, user_id, question_id)
    assert card is not None  # noqa: S101  (inserted or already there)
    return card


def _find_card(session: Session, user_id: int, question_id: int) -> Card | None:
    return session.scalar(
        sa.select(Card).where(
            Card.user_id == user_id, Card.question_id == question_id, Card.reverse.is_(False)
        )
    )


_FRONT = (
    Card.user_id == sa.bindparam("user_id"),
    Card.question_id.in_(sa.bindparam("question_ids", expanding=True)),
    Card.reverse.is_(False),
)
_FRONT_CARDS = sa.select(Card).where(*_FRONT)
_FRONT_QUIZ_CARDS = sa.select(*_QUIZ_CARD_COLUMNS).where(*_FRONT)


def cards_by_question(session: Session, user_id: int, question_ids: list[int]) -> dict[int, Card]:
    """The learner's existing (front to back) cards for these questions, by question id:
    what a quiz answer reviews. A reverse card is reviewed only on the review page."""
    rows = session.scalars(_FRONT_CARDS, {"user_id": user_id, "question_ids": list(question_ids)})
    return {card.question_id: card for card in rows}


def ensure_lesson_flashcards(session: Session, user_id: int, lesson_id: int, now: datetime) -> int:
    """Put the lesson's active flashcards into the learner's deck; returns how many were new.

    Called when the learner opens the lesson; safe to call on every visit."""
    missing = session.scalars(
        sa.select(Question.id)
        .where(
            Question.lesson_id == lesson_id,
            Question.type == "flashcard",
            Question.retired_at.is_(None),
            ~sa.exists().where(
                Card.user_id == user_id, Card.question_id == Question.id, ~Card.reverse
            ),
        )
        .order_by(Question.position, Question.id)
    ).all()
    created = insert_missing_cards(session, user_id, list(missing), now)
    created += insert_missing_cards(
        session, user_id, _reversible_flashcards(session, lesson_id), now, reverse=True
    )
    session.flush()
    return created


def _reversible_flashcards(session: Session, lesson_id: int) -> list[int]:
    """The lesson's active flashcards that ask for a reverse card (`reverse: true`)."""
    rows = session.execute(
        sa.select(Question.id, Question.data).where(
            Question.lesson_id == lesson_id,
            Question.type == "flashcard",
            Question.retired_at.is_(None),
        )
    )
    return [question_id for question_id, data in rows if (data or {}).get("reverse") is True]
