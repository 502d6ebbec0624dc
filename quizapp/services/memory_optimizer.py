"""Fit FSRS parameters to review logs: one learner's (all their reviews, quiz answers
included) or one course's (its learners' reviews of its cards; staff never count), judged
on the latest reviews against the parameters in use, adopted only when better."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.memory_fit import (
    MIN_REVIEWS,
    LoggedReview,
    NotEnoughReviews,
    default_parameters,
    fit,
    scored_reviews,
)
from quizapp.models import Card, Course, Question, ReviewLog, User
from quizapp.services.access import counts_as_learner
from quizapp.services.memory_parameters import (
    course_parameters,
    learner_row,
    record_fit,
    record_no_fit,
    usable_parameters,
)


@dataclass(frozen=True)
class Target:
    """Whose parameters to fit: ("learner", user id) or ("course", course id)."""

    kind: str
    id: int
    label: str


@dataclass(frozen=True)
class FitOutcome:
    kind: str
    id: int
    label: str
    status: str  # "adopted" | "kept" (the ones in use did as well) | "too_few" | "failed"
    reviews: int
    held_out: int = 0
    log_loss_in_use: float | None = None
    log_loss_fitted: float | None = None
    rmse_in_use: float | None = None
    rmse_fitted: float | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _log_rows(*conditions):
    return (
        sa.select(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.rating, Question.course_id)
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Question, Question.id == Card.question_id)
        .where(*conditions)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    )


def learner_reviews(session: Session, user_id: int) -> tuple[list[LoggedReview], dict[int, int]]:
    """The learner's whole log, and each card's course (whose parameters it used)."""
    reviews, course_of = [], {}
    for card_id, reviewed_at, rating, course_id in session.execute(
        _log_rows(ReviewLog.user_id == user_id)
    ):
        reviews.append(LoggedReview(card_id, reviewed_at, rating))
        course_of[card_id] = course_id
    return reviews, course_of


def course_reviews(session: Session, course_id: int) -> list[LoggedReview]:
    """Every learner's reviews of the course's cards (staff and admins never count)."""
    rows = session.execute(
        _log_rows(Question.course_id == course_id, counts_as_learner(ReviewLog.user_id, course_id))
    )
    return [LoggedReview(card_id, when, rating) for card_id, when, rating, _course in rows]


def reviews_counted(user_id) -> sa.ScalarSelect:
    """The learner's logged reviews, counted: what a fit records as `reviews_at_fit`, and
    what the automatic refit compares with it (jobs.refit_is_due)."""
    return (
        sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.user_id == user_id).scalar_subquery()
    )


def review_count(session: Session, user_id: int) -> int:
    return session.scalar(sa.select(reviews_counted(user_id))) or 0


def fit_learner(
    session: Session,
    user_id: int,
    now: datetime,
    *,
    min_reviews: int = MIN_REVIEWS,
    label: str = "",
) -> FitOutcome:
    """Fit the learner's parameters. The ones in use, to beat: their own adopted ones, else
    each card's course's, else the defaults."""
    reviews, course_of = learner_reviews(session, user_id)
    scored = scored_reviews(reviews, course_of)
    own = learner_row(session, user_id)
    own_values = usable_parameters(own.parameters) if own else None
    by_course = course_parameters(session, sorted(set(course_of.values())))
    in_use = {
        course_id: own_values or values or default_parameters()
        for course_id, values in by_course.items()
    }
    target = Target("learner", user_id, label)
    return _fit_and_record(
        session, target, scored, in_use, now, min_reviews, len(reviews), user_id=user_id
    )


def fit_course(
    session: Session,
    course_id: int,
    now: datetime,
    *,
    min_reviews: int = MIN_REVIEWS,
    label: str = "",
) -> FitOutcome:
    """Fit the course's parameters from all its learners' reviews."""
    reviews = course_reviews(session, course_id)
    scored = scored_reviews(reviews)
    in_use = {None: course_parameters(session, [course_id])[course_id] or default_parameters()}
    target = Target("course", course_id, label)
    return _fit_and_record(
        session, target, scored, in_use, now, min_reviews, len(reviews), course_id=course_id
    )


def _fit_and_record(session, target, scored, in_use, now, min_reviews, count, **owner):
    try:
        result = fit(scored, in_use, min_reviews=min_reviews)
    except NotEnoughReviews as error:
        record_no_fit(session, str(error), now, review_count=count, scored=len(scored), **owner)
        return FitOutcome(
            target.kind, target.id, target.label, "too_few", len(scored), note=str(error)
        )
    except (ValueError, RuntimeError) as error:  # fsrs-rs refusing degenerate data
        record_no_fit(
            session, f"fit failed: {error}", now, review_count=count, scored=len(scored), **owner
        )
        return FitOutcome(
            target.kind, target.id, target.label, "failed", len(scored), note=str(error)
        )
    record_fit(session, result, now, review_count=count, **owner)
    return FitOutcome(
        target.kind,
        target.id,
        target.label,
        "adopted" if result.better else "kept",
        result.reviews,
        result.held_out,
        result.in_use.log_loss,
        result.fitted.log_loss,
        result.in_use.rmse_bins,
        result.fitted.rmse_bins,
    )


def fit_target(
    session: Session, target: Target, now: datetime, *, min_reviews: int = MIN_REVIEWS
) -> FitOutcome:
    fitter = fit_learner if target.kind == "learner" else fit_course
    return fitter(session, target.id, now, min_reviews=min_reviews, label=target.label)


def all_targets(session: Session) -> list[Target]:
    """Courses first (a learner's fit is judged against their course's parameters), then
    every account with reviews."""
    courses = [
        Target("course", course_id, slug)
        for course_id, slug in session.execute(
            sa.select(Course.id, Course.slug).order_by(Course.id)
        )
    ]
    reviewed = sa.select(ReviewLog.user_id).distinct()
    learners = [
        Target("learner", user_id, email)
        for user_id, email in session.execute(
            sa.select(User.id, User.email).where(User.id.in_(reviewed)).order_by(User.id)
        )
    ]
    return courses + learners


def learner_target(user: User) -> Target:
    return Target("learner", user.id, user.email)


def course_target(course: Course) -> Target:
    return Target("course", course.id, course.slug)


def fit_targets(
    session: Session,
    targets: list[Target],
    now: datetime,
    *,
    min_reviews: int = MIN_REVIEWS,
    progress: Callable[[int, int, FitOutcome], None] | None = None,
) -> list[FitOutcome]:
    """Fit each target in turn, telling `progress(done, total, outcome)` after each."""
    outcomes = []
    for done, target in enumerate(targets, start=1):
        outcome = fit_target(session, target, now, min_reviews=min_reviews)
        outcomes.append(outcome)
        if progress is not None:
            progress(done, len(targets), outcome)
    return outcomes
