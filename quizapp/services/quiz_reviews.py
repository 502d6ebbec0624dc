"""Quiz answers counted as reviews: a submitted attempt reschedules each answered question's
card (wrong → Again, right → Good) in a constant number of statements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.domain.scheduling import as_utc
from quizapp.models import Card
from quizapp.services.deck import cards_by_question, create_cards
from quizapp.services.memory_parameters import note_new_reviews
from quizapp.services.ratings import (
    CARD_REVIEWED,
    REVIEW_LOG_INSERT,
    StaleReview,
    apply_review,
    reviewed_columns,
    reviewed_params,
)
from quizapp.services.review_queue import AGAIN, LearnerSchedule, learner_schedule

GOOD = 3
QUIZ_RETRIES = 3


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
    cards (plus one INSERT … RETURNING of the missing ones), the learner's retention
    once, one UPDATE of the cards (executemany) and one INSERT of the logs. Returns the
    cards in the order of `outcomes`."""
    if not outcomes:
        return []
    question_ids = list(dict.fromkeys(question_id for question_id, _correct in outcomes))
    cards = cards_by_question(session, user_id, question_ids)
    missing = [question_id for question_id in question_ids if question_id not in cards]
    if missing:
        cards.update(create_cards(session, user_id, missing, now))
    # A quiz is one lesson's: its cards share a course, and so the parameters in use.
    schedule = learner_schedule(session, user_id, question_ids[0])
    reviewed: list[Card] = []
    for batch in _batches_of_distinct_questions(outcomes):
        pairs = [(cards[question_id], GOOD if correct else AGAIN) for question_id, correct in batch]
        reviewed += _apply_quiz_reviews(session, pairs, now, schedule, enable_fuzzing)
    return reviewed


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


def _apply_quiz_reviews(
    session: Session,
    pairs: list[tuple[Card, int]],
    now: datetime,
    schedule: LearnerSchedule,
    enable_fuzzing: bool,
) -> list[Card]:
    """Reschedule distinct cards and log their quiz reviews, each once, as `apply_review`
    does one card: the UPDATE only matches the `reps` each card was read with. When a card
    was reviewed meanwhile in another request, the whole batch is undone (savepoint) and
    its cards go one at a time, each retried from its new state."""
    scheduler = schedule.scheduler(enable_fuzzing=enable_fuzzing)
    changes = [
        reviewed_columns(scheduler, card, rating, now, schedule.leech_threshold)
        for card, rating in pairs
    ]
    params = [
        reviewed_params(card, change)
        for (card, _rating), change in zip(pairs, changes, strict=True)
    ]
    if not session.connection().dialect.supports_sane_multi_rowcount:
        return [
            _review_quiz_card(session, card, rating, now, enable_fuzzing) for card, rating in pairs
        ]
    try:
        with session.begin_nested():
            result = session.execute(CARD_REVIEWED, params)
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
    # One INSERT for the batch's logs (a Core executemany: nothing is read back).
    note_new_reviews(session, pairs[0][0].user_id)
    session.execute(
        REVIEW_LOG_INSERT,
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
            return apply_review(
                session, card, rating, now, source="quiz", enable_fuzzing=enable_fuzzing
            )
        except StaleReview:
            session.refresh(card)  # reviewed meanwhile in another request: review the new state
    raise StaleReview("This card is being reviewed elsewhere; try again.")
