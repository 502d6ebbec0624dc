"""Fitting FSRS parameters to a review log and judging them, over fsrs-rs (`fsrs_rs_python`,
the engine Anki uses): the log becomes FSRS items, the items are split by time, the
parameters are fitted on the earlier part and both candidates are scored on the later part.

The figures are the FSRS benchmark's: log loss and RMSE over bins of predicted recall, as
`FSRS.evaluate` reports them. Nothing here knows about the database or Flask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import fsrs
import fsrs_rs_python as fsrs_rs

# The share of the (time-ordered) reviews kept out of the fit to judge it.
HOLDOUT_FRACTION = 0.2
# fsrs-rs needs some long-term reviews to fit anything but the first stabilities; below
# this many scored reviews a fit is not tried (the course's parameters, then the
# defaults, stay in use).
MIN_REVIEWS = 400
PARAMETER_COUNT = len(fsrs.Scheduler().parameters)


class NotEnoughReviews(Exception):
    """Too few reviews to fit and judge parameters."""


@dataclass(frozen=True)
class LoggedReview:
    """One rating of one card (quiz answers included: they are reviews)."""

    card_id: int
    reviewed_at: datetime
    rating: int


@dataclass(frozen=True)
class ScoredReview:
    """A review that a memory model predicts: the card's history up to and including it.
    `group` says which parameters were in use for it (a learner's cards may belong to
    courses with parameters of their own)."""

    reviewed_at: datetime
    steps: tuple[tuple[int, int], ...]  # (rating, days since the previous review)
    group: object = None

    @property
    def item(self) -> fsrs_rs.FSRSItem:
        return fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(rating, gap) for rating, gap in self.steps])


@dataclass(frozen=True)
class Figures:
    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class FitResult:
    """The fitted parameters, and both candidates' figures on the held-out reviews."""

    parameters: list[float]
    fitted: Figures
    in_use: Figures
    reviews: int  # scored reviews read
    held_out: int  # of which the latest ones, kept for judging

    @property
    def better(self) -> bool:
        """Adopt only a real improvement of the benchmark's main figure."""
        return self.fitted.log_loss < self.in_use.log_loss


def default_parameters() -> list[float]:
    """fsrs's own defaults (the scheduler's, which fsrs-rs shares)."""
    return [float(value) for value in fsrs.Scheduler().parameters]


def check_parameters(parameters: Sequence[float]) -> list[float]:
    """A stored or fitted list as the scheduler takes it; ValueError when it is not one."""
    values = [float(value) for value in parameters]
    if len(values) != PARAMETER_COUNT:
        raise ValueError(f"FSRS takes {PARAMETER_COUNT} parameters, not {len(values)}")
    fsrs.Scheduler(parameters=values)  # raises on values outside FSRS's bounds
    return values


def day_gap(earlier: datetime, later: datetime) -> int:
    """FSRS counts elapsed time in whole (UTC) days: two reviews on one day are 0 apart."""
    return (later.date() - earlier.date()).days


def scored_reviews(
    reviews: Iterable[LoggedReview], group_of: dict[int, object] | None = None
) -> list[ScoredReview]:
    """Each card's history in time order becomes one item per later review on another day
    (what FSRS learns from: a same-day review is short-term memory, a first one has no
    prediction), oldest first."""
    by_card: dict[int, list[LoggedReview]] = {}
    for review in reviews:
        by_card.setdefault(review.card_id, []).append(review)
    scored = []
    for card_id, history in by_card.items():
        history.sort(key=lambda review: review.reviewed_at)
        steps: list[tuple[int, int]] = []
        for index, review in enumerate(history):
            gap = 0 if index == 0 else day_gap(history[index - 1].reviewed_at, review.reviewed_at)
            steps.append((int(review.rating), gap))
            if index and gap > 0:
                group = (group_of or {}).get(card_id)
                scored.append(ScoredReview(review.reviewed_at, tuple(steps), group))
    scored.sort(key=lambda review: review.reviewed_at)
    return scored


def split_by_time(
    scored: list[ScoredReview], holdout: float = HOLDOUT_FRACTION
) -> tuple[list[ScoredReview], list[ScoredReview]]:
    """Earlier reviews to fit on, the latest ones to judge on (never the other way round:
    a model is judged on reviews that came after everything it learned from)."""
    ordered = sorted(scored, key=lambda review: review.reviewed_at)
    cut = len(ordered) - max(1, round(len(ordered) * holdout))
    return ordered[:cut], ordered[cut:]


def evaluate(parameters: Sequence[float], scored: Sequence[ScoredReview]) -> Figures:
    evaluation = fsrs_rs.FSRS(list(parameters)).evaluate([review.item for review in scored])
    return Figures(float(evaluation.log_loss), float(evaluation.rmse_bins))


def evaluate_in_use(
    in_use: dict[object, Sequence[float]], scored: Sequence[ScoredReview]
) -> Figures:
    """The figures of the parameters in use, when different reviews used different ones:
    log loss is a mean, so the groups' losses weighted by size are exactly the whole's;
    RMSE over bins is combined the same way from squares (close to, not exactly, one
    evaluation over all bins)."""
    groups: dict[object, list[ScoredReview]] = {}
    for review in scored:
        groups.setdefault(review.group, []).append(review)
    if len(groups) == 1:
        ((group, members),) = groups.items()
        return evaluate(in_use[group], members)
    total = len(scored)
    loss = square = 0.0
    for group, members in groups.items():
        figures = evaluate(in_use[group], members)
        loss += figures.log_loss * len(members) / total
        square += figures.rmse_bins**2 * len(members) / total
    return Figures(loss, square**0.5)


def fit(
    scored: list[ScoredReview],
    in_use: dict[object, Sequence[float]],
    *,
    min_reviews: int = MIN_REVIEWS,
    holdout: float = HOLDOUT_FRACTION,
) -> FitResult:
    """Fit on the earlier reviews and judge the fit against the parameters in use (per
    group) on the latest ones. Raises NotEnoughReviews below `min_reviews`."""
    if len(scored) < max(min_reviews, 2):
        raise NotEnoughReviews(f"{len(scored)} reviews to learn from; {min_reviews} needed")
    train, test = split_by_time(scored, holdout)
    fitted = fsrs_rs.FSRS(default_parameters()).compute_parameters(
        [review.item for review in train]
    )
    parameters = check_parameters(fitted)
    return FitResult(
        parameters=parameters,
        fitted=evaluate(parameters, test),
        in_use=evaluate_in_use(in_use, test),
        reviews=len(scored),
        held_out=len(test),
    )
