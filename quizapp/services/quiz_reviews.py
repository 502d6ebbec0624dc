"""Quiz answers counted as reviews: a submitted attempt reschedules each answered question's
card (wrong → Again, right → Good) in a constant number of statements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.domain.scheduling import as_utc
from quizapp.models import Card
from quizapp.services.deck import QuizCard, front_cards_to_review
from quizapp.services.memory_parameters import note_new_reviews
from quizapp.services.ratings import (
    CARD_REVIEWED,
    REVIEW_LOG_INSERT,
    StaleReview,
    reviewed_columns,
    reviewed_params,
)
from quizapp.services.review_queue import AGAIN, LearnerSchedule, learner_schedule

GOOD = 3


def record_quiz_answers(
    session: Session,
    user_id: int,
    outcomes: list[tuple[int, bool]],
    now: datetime,
    *,
    enable_fuzzing: bool = True,
    schedule: LearnerSchedule | None = None,
) -> list[QuizCard]:
    """Quiz answers, as (question id, correct), count as reviews at submission time: wrong
    → Again, right → Good; cards are created for questions met for the first time.

    A constant number of statements whatever the number of answers: one upsert that
    reads the cards (creating the missing ones), the learner's schedule once, one UPDATE
    of the cards (executemany) and one INSERT of the logs per run of distinct questions.
    Returns the cards in the order of `outcomes` (a question answered twice: the same
    card, as its last review left it). `schedule`: the learner's for the first question's
    course, when the caller read it along (then there is no read of it here)."""
    if not outcomes:
        return []
    question_ids = list(dict.fromkeys(question_id for question_id, _correct in outcomes))
    cards = front_cards_to_review(session, user_id, question_ids, now)
    # A quiz is one lesson's: its cards share a course, and so the parameters in use.
    if schedule is None:
        schedule = learner_schedule(session, user_id, question_ids[0])
    scheduler = schedule.scheduler(enable_fuzzing=enable_fuzzing)
    reviewed: list[QuizCard] = []
    for batch in _batches_of_distinct_questions(outcomes):
        pairs = [(cards[question_id], GOOD if correct else AGAIN) for question_id, correct in batch]
        _apply_quiz_reviews(session, pairs, now, scheduler, schedule)
        reviewed += [card for card, _rating in pairs]
    _sync_loaded_cards(session, cards.values())
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


def _apply_quiz_reviews(
    session: Session,
    pairs: list[tuple[QuizCard, int]],
    now: datetime,
    scheduler,
    schedule: LearnerSchedule,
) -> None:
    """Reschedule distinct cards and log their quiz reviews, each once, as
    `ratings.apply_review` does one card: one UPDATE (executemany) matching the `reps`
    each card was read with, one INSERT of the logs. The cards were read by a write
    (deck.front_cards_to_review), so no other transaction changed them since: a card
    that does not match means this transaction is wrong, and it is refused whole."""
    changes = [
        reviewed_columns(scheduler, card, rating, now, schedule.leech_threshold)
        for card, rating in pairs
    ]
    params = [
        reviewed_params(card, change)
        for (card, _rating), change in zip(pairs, changes, strict=True)
    ]
    result = session.execute(CARD_REVIEWED, params)
    if result.rowcount != len(params):
        raise StaleReview("This card is being reviewed elsewhere; try again.")
    for (card, _rating), change in zip(pairs, changes, strict=True):
        for key, value in change.items():
            setattr(card, key, value)
    # One INSERT for the batch's logs (a Core executemany: nothing is read back).
    note_new_reviews(session, pairs[0][0].user_id)
    reviewed_at = as_utc(now)
    session.execute(
        REVIEW_LOG_INSERT,
        [
            {
                "card_id": card.id,
                "user_id": card.user_id,
                "rating": rating,
                "reviewed_at": reviewed_at,
                "duration_ms": None,
                "source": "quiz",
            }
            for card, rating in pairs
        ],
    )


def _sync_loaded_cards(session: Session, cards) -> None:
    """A Card the session already holds (none in a submission) shows the columns written,
    as session.refresh would read them back, without a statement. One pass over the
    session's objects (a submission holds a score of them), not a lookup per card."""
    # By identity key (class, primary key, token): reading an expired object's id would load it.
    loaded = {key[1][0]: obj for key, obj in session.identity_map.items() if key[0] is Card}
    if not loaded:
        return
    for card in cards:
        held = loaded.get(card.id)
        if held is not None:
            for name in QuizCard.__slots__:
                set_committed_value(held, name, getattr(card, name))
