"""Memory statistics of review logs and card states, as Anki shows them and beyond.

True retention is Anki's: the pass rate (any rating but Again) of reviews of cards that
had left the same day's learning, split into young cards (interval under 21 days) and
mature ones. QuizApp's log does not keep a card's state at each review, so a review
counts when it came on a later day than the card's previous one, and its interval is the
days since that review (what FSRS calls elapsed days) — the reviews FSRS learns from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from quizapp.domain.memory_fit import LoggedReview, day_gap

MATURE_DAYS = 21  # Anki's line between young and mature cards
AGAIN = 1


@dataclass(frozen=True)
class IntervalReview:
    """A review of a card on a later day than its previous review."""

    reviewed_at: datetime
    rating: int
    interval_days: int

    @property
    def passed(self) -> bool:
        return self.rating != AGAIN

    @property
    def mature(self) -> bool:
        return self.interval_days >= MATURE_DAYS


def interval_reviews(reviews: Iterable[LoggedReview]) -> list[IntervalReview]:
    by_card: dict[int, list[LoggedReview]] = {}
    for review in reviews:
        by_card.setdefault(review.card_id, []).append(review)
    found = []
    for history in by_card.values():
        history.sort(key=lambda review: review.reviewed_at)
        for earlier, later in zip(history, history[1:], strict=False):
            gap = day_gap(earlier.reviewed_at, later.reviewed_at)
            if gap > 0:
                found.append(IntervalReview(later.reviewed_at, later.rating, gap))
    return found


@dataclass(frozen=True)
class PassRate:
    passed: int = 0
    failed: int = 0

    @property
    def count(self) -> int:
        return self.passed + self.failed

    @property
    def retention(self) -> float | None:
        return self.passed / self.count if self.count else None


@dataclass(frozen=True)
class RetentionRow:
    period: str  # "today", "yesterday", "week", "month", "year", "all"
    young: PassRate
    mature: PassRate

    @property
    def total(self) -> PassRate:
        return PassRate(
            self.young.passed + self.mature.passed, self.young.failed + self.mature.failed
        )


# Anki's periods: the day itself, the day before, then the last 7, 30 and 365 days.
PERIODS = (("today", 0, 1), ("yesterday", 1, 1), ("week", 0, 7), ("month", 0, 30))
PERIODS += (("year", 0, 365),)


def true_retention(reviews: Sequence[IntervalReview], today: date) -> list[RetentionRow]:
    """Anki's true retention table: per period, young and mature pass rates."""
    rows = []
    for name, skip, days in (*PERIODS, ("all", 0, None)):
        last = today - timedelta(days=skip)
        first = None if days is None else last - timedelta(days=days - 1)
        chosen = [
            review
            for review in reviews
            if review.reviewed_at.date() <= last
            and (first is None or review.reviewed_at.date() >= first)
        ]
        rows.append(
            RetentionRow(
                name, _rate(r for r in chosen if not r.mature), _rate(r for r in chosen if r.mature)
            )
        )
    return rows


def _rate(reviews: Iterable[IntervalReview]) -> PassRate:
    passed = failed = 0
    for review in reviews:
        if review.passed:
            passed += 1
        else:
            failed += 1
    return PassRate(passed, failed)


def reviews_per_day(moments: Iterable[datetime], today: date, days: int) -> list[tuple[date, int]]:
    """How many reviews on each of the last `days` days (today included)."""
    counts = {today - timedelta(days=offset): 0 for offset in range(days - 1, -1, -1)}
    for moment in moments:
        if moment.date() in counts:
            counts[moment.date()] += 1
    return list(counts.items())


# Stability bins (days): what a learner reads as "forgotten in hours … kept for years".
STABILITY_BINS = ((0, 1), (1, 7), (7, 21), (21, 90), (90, 365), (365, None))


def stability_distribution(values: Iterable[float]) -> list[tuple[tuple, int]]:
    counts = [0] * len(STABILITY_BINS)
    for value in values:
        for index, (low, high) in enumerate(STABILITY_BINS):
            if value >= low and (high is None or value < high):
                counts[index] += 1
                break
    return list(zip(STABILITY_BINS, counts, strict=True))


def difficulty_distribution(values: Iterable[float]) -> list[tuple[int, int]]:
    """FSRS difficulty runs from 1 (easiest) to 10: one bin per unit, 10 included in 9–10."""
    counts = dict.fromkeys(range(1, 10), 0)
    for value in values:
        counts[min(9, max(1, int(value)))] += 1
    return list(counts.items())


def mean_or_none(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
