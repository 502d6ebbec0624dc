"""Which FSRS parameters schedule a learner's card, and keeping the fitted ones.

A learner's own fitted parameters come first; a learner without them (too few reviews, or
no fit better than the course's) uses the parameters fitted from the card's course's
learners; without those, fsrs's defaults."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.memory_fit import FitResult, check_parameters
from quizapp.models import Card, Course, MemoryParameters, Question

# session.info key: the learners who reviewed in this transaction, for whoever commits it
# to consider refitting their parameters (quizapp.background does, after the response).
NEW_REVIEWS = "quizapp.new_reviews"


def note_new_reviews(session: Session, user_id: int) -> None:
    session.info.setdefault(NEW_REVIEWS, set()).add(user_id)


def parameters_in_use_columns(user_id: int, question_id: int | None):
    """Two scalar subqueries: the learner's adopted parameters, and those of the course of
    `question_id` (NULL when none), for one statement that reads a card's schedule."""
    own = (
        sa.select(MemoryParameters.parameters)
        .where(MemoryParameters.user_id == user_id)
        .scalar_subquery()
    )
    course_of_question = (
        sa.select(Question.course_id).where(Question.id == question_id).scalar_subquery()
    )
    course = (
        sa.select(MemoryParameters.parameters)
        .where(MemoryParameters.course_id == course_of_question)
        .scalar_subquery()
    )
    return own, course


def usable_parameters(values: object) -> tuple[float, ...] | None:
    """Stored parameters as the scheduler takes them; None (the defaults) for anything
    that is not a valid list, so a damaged row never stops reviews."""
    if not isinstance(values, list | tuple):
        return None
    try:
        return tuple(check_parameters(values))
    except (TypeError, ValueError):
        return None


def learner_row(session: Session, user_id: int) -> MemoryParameters | None:
    return session.scalar(sa.select(MemoryParameters).where(MemoryParameters.user_id == user_id))


def course_row(session: Session, course_id: int) -> MemoryParameters | None:
    return session.scalar(
        sa.select(MemoryParameters).where(MemoryParameters.course_id == course_id)
    )


def course_parameters(session: Session, course_ids: Sequence[int]) -> dict[int, tuple | None]:
    """The adopted parameters of each course (None: the defaults)."""
    rows = session.execute(
        sa.select(MemoryParameters.course_id, MemoryParameters.parameters).where(
            MemoryParameters.course_id.in_(list(course_ids))
        )
    )
    found = {course_id: usable_parameters(values) for course_id, values in rows}
    return {course_id: found.get(course_id) for course_id in course_ids}


def _row_for(session: Session, *, user_id: int | None, course_id: int | None) -> MemoryParameters:
    row = learner_row(session, user_id) if user_id else course_row(session, course_id)
    if row is None:
        row = MemoryParameters(user_id=user_id, course_id=course_id)
        session.add(row)
    return row


def record_fit(
    session: Session,
    result: FitResult,
    now: datetime,
    *,
    review_count: int,
    user_id: int | None = None,
    course_id: int | None = None,
) -> MemoryParameters:
    """Keep the figures of a fit and adopt its parameters only when they did better than
    the ones in use on the held-out reviews."""
    row = _row_for(session, user_id=user_id, course_id=course_id)
    row.fitted_at = now
    row.reviews = result.reviews
    row.held_out = result.held_out
    row.log_loss_in_use, row.rmse_in_use = result.in_use.log_loss, result.in_use.rmse_bins
    row.log_loss_fitted, row.rmse_fitted = result.fitted.log_loss, result.fitted.rmse_bins
    row.adopted = result.better
    row.note = ""
    row.reviews_at_fit = review_count
    if result.better:
        row.parameters = list(result.parameters)
        row.adopted_at = now
    session.flush()
    return row


def record_no_fit(
    session: Session,
    note: str,
    now: datetime,
    *,
    review_count: int,
    scored: int = 0,
    user_id: int | None = None,
    course_id: int | None = None,
) -> MemoryParameters:
    """A run that could not fit (too few reviews): the parameters in use stay."""
    row = _row_for(session, user_id=user_id, course_id=course_id)
    row.fitted_at = now
    row.reviews, row.held_out = scored, 0
    row.adopted = False
    row.note = note[:200]
    row.reviews_at_fit = review_count
    session.flush()
    return row


@dataclass(frozen=True)
class MemorySummary:
    """What the review settings page says of the learner's memory model."""

    own: MemoryParameters | None  # the learner's row: adopted parameters, last figures
    courses: list[tuple[Course, MemoryParameters]]  # their courses with fitted parameters

    @property
    def source(self) -> str:
        """Which parameters schedule the learner's cards: "learner", "course" or "default"."""
        if self.own is not None and usable_parameters(self.own.parameters):
            return "learner"
        return "course" if self.courses else "default"


def memory_summary(session: Session, user_id: int) -> MemorySummary:
    studied = (
        sa.select(Question.course_id)
        .join(Card, Card.question_id == Question.id)
        .where(Card.user_id == user_id)
    )
    courses = session.execute(
        sa.select(Course, MemoryParameters)
        .join(MemoryParameters, MemoryParameters.course_id == Course.id)
        .where(Course.id.in_(studied), MemoryParameters.parameters.is_not(None))
        .order_by(Course.title)
    ).all()
    return MemorySummary(learner_row(session, user_id), [tuple(row) for row in courses])
