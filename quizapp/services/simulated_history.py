"""Give a learner days of review history drawn from a simulated FSRS learner
(quizapp.domain.memory_simulation), so a fresh install has a log worth fitting and the
tests a known truth to recover. The reviews go through the same column changes a real
rating makes (`ratings.reviewed_columns`), so each card ends as the app would leave it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.memory_simulation import SimulatedLearner, simulate_history
from quizapp.domain.questions.registry import QUESTION_TYPES, in_deck
from quizapp.domain.scheduling import as_utc
from quizapp.models import Course, Lesson, Question, ReviewLog
from quizapp.services import learner_activity
from quizapp.services.deck import cards_by_question, insert_missing_cards
from quizapp.services.ratings import reviewed_columns
from quizapp.services.review_queue import day_start, learner_schedule


@dataclass(frozen=True)
class SimulatedHistory:
    cards: int  # cards given a history
    reviews: int
    kept: int  # cards skipped: they already had reviews of their own


def simulate_course_history(
    session: Session,
    user_id: int,
    course: Course,
    now: datetime,
    days: int,
    *,
    learner: SimulatedLearner | None = None,
    seed: int = 0,
) -> SimulatedHistory:
    """`days` days of sittings ending yesterday over the course's active questions that
    become cards (never essays or descriptions), in lesson order. Cards the learner has
    already reviewed keep their own history."""
    if days < 1:
        raise ValueError("simulate at least one day")
    start = day_start(now) - timedelta(days=days)
    question_ids = list(
        session.scalars(
            sa.select(Question.id)
            .join(Lesson, Lesson.id == Question.lesson_id)
            .where(
                Question.course_id == course.id,
                Question.retired_at.is_(None),
                Question.type.in_([name for name in QUESTION_TYPES if in_deck(name)]),
            )
            .order_by(Lesson.number, Question.position, Question.id)
        )
    )
    if not question_ids:
        return SimulatedHistory(0, 0, 0)
    insert_missing_cards(session, user_id, question_ids, start)
    cards = cards_by_question(session, user_id, question_ids)
    fresh = [cards[qid] for qid in question_ids if cards[qid].reps == 0]
    schedule = learner_schedule(session, user_id, question_ids[0])
    scheduler = schedule.scheduler(enable_fuzzing=False)
    log = simulate_history(
        [card.id for card in fresh],
        start,
        days,
        scheduler,
        learner=learner,
        leech_threshold=schedule.leech_threshold,
        seed=seed,
    )
    by_id = {card.id: card for card in fresh}
    for review in log:
        card = by_id[review.card_id]
        changes = reviewed_columns(
            scheduler, card, review.rating, review.reviewed_at, schedule.leech_threshold
        )
        for column, value in changes.items():
            setattr(card, column, value)
    if log:
        session.execute(
            sa.insert(ReviewLog),
            [
                {
                    "card_id": review.card_id,
                    "user_id": user_id,
                    "rating": review.rating,
                    "reviewed_at": as_utc(review.reviewed_at),
                    "duration_ms": None,
                    # Not undoable: no undo_state, like any history older than the page.
                    "source": "review",
                }
                for review in log
            ],
        )
        learner_activity.refresh(session, course.id, user_id)
    session.flush()
    reviewed = {review.card_id for review in log}
    return SimulatedHistory(len(reviewed), len(log), len(cards) - len(fresh))
