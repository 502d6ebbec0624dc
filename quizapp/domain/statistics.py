"""Item-analysis formulas (Moodle's quiz statistics) computed from sufficient statistics.

The database sums scores per item in one grouped query; these pure functions turn the
sums into the figures an instructor reads. Nothing here loops over answers.

Definitions, after Moodle's "Quiz statistics calculations" documentation:
- facility index: the mean item score (scores are already fractions of the item's mark);
- discrimination index: the Pearson correlation between the item score x and the rest
  score y = attempt total - x, over the analysed attempts (first submitted attempts);
- Cronbach's alpha: k/(k-1) * (1 - sum of item variances / variance of the totals).
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

# Fewer analysed attempts than this and an item's figures are shown but not judged.
MIN_ATTEMPTS_TO_JUDGE = 5
TOO_HARD_BELOW = 0.2  # facility index under this: too hard
TOO_EASY_ABOVE = 0.95  # facility index over this: too easy
# Sums of squares smaller than this are rounding noise, i.e. a constant score.
_EPSILON = 1e-12


@dataclass(frozen=True)
class ItemSums:
    """Sufficient statistics of one item: x = item score, y = rest score."""

    n: int
    sum_x: float
    sum_x2: float
    sum_y: float
    sum_y2: float
    sum_xy: float


@dataclass(frozen=True)
class ItemFlags:
    too_easy: bool = False
    too_hard: bool = False
    negative_discrimination: bool = False
    # How many attempts were analysed when there were too few to judge, else None.
    too_few_attempts: int | None = None

    @property
    def any(self) -> bool:
        return (
            self.too_easy
            or self.too_hard
            or self.negative_discrimination
            or self.too_few_attempts is not None
        )


def mean(n: int, total: float) -> float | None:
    return total / n if n else None


def sum_of_squares(n: int, total: float, total_of_squares: float) -> float:
    """Σ(x - mean)² from Σx and Σx²; clamped at 0 against floating-point cancellation."""
    if not n:
        return 0.0
    value = total_of_squares - total * total / n
    return value if value > _EPSILON else 0.0


def variance(n: int, total: float, total_of_squares: float) -> float | None:
    """The sample variance (n - 1 in the denominator), as Moodle reports it."""
    if n < 2:
        return None
    return sum_of_squares(n, total, total_of_squares) / (n - 1)


def standard_deviation(n: int, total: float, total_of_squares: float) -> float | None:
    value = variance(n, total, total_of_squares)
    return None if value is None else math.sqrt(value)


def pearson_correlation(sums: ItemSums) -> float | None:
    """r = Sxy / sqrt(Sxx * Syy); None when either variable is constant (r is undefined)."""
    if sums.n < 2:
        return None
    sxx = sum_of_squares(sums.n, sums.sum_x, sums.sum_x2)
    syy = sum_of_squares(sums.n, sums.sum_y, sums.sum_y2)
    if sxx == 0.0 or syy == 0.0:
        return None
    sxy = sums.sum_xy - sums.sum_x * sums.sum_y / sums.n
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def facility_index(sums: ItemSums) -> float | None:
    return mean(sums.n, sums.sum_x)


def discrimination_index(sums: ItemSums) -> float | None:
    return pearson_correlation(sums)


def cronbach_alpha(item_variances: list[float], total_variance: float | None) -> float | None:
    """k/(k-1) * (1 - Σ var_i / var_total). All variances must come from the same
    attempts (each of which answered every one of the k items) and the same divisor."""
    k = len(item_variances)
    if k < 2 or not total_variance:
        return None
    return k / (k - 1) * (1 - sum(item_variances) / total_variance)


def item_flags(facility: float | None, discrimination: float | None, attempts: int) -> ItemFlags:
    if attempts < MIN_ATTEMPTS_TO_JUDGE:
        return ItemFlags(too_few_attempts=attempts)
    return ItemFlags(
        too_easy=facility is not None and facility > TOO_EASY_ABOVE,
        too_hard=facility is not None and facility < TOO_HARD_BELOW,
        negative_discrimination=discrimination is not None and discrimination < 0,
    )


def day_streak(activity_days: set[date], today: date) -> int:
    """Consecutive days with activity ending today, or yesterday when today has none yet
    (a streak is not broken until the day is over)."""
    day = today if today in activity_days else today - timedelta(days=1)
    streak = 0
    while day in activity_days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def iso_week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def fold_days_into_weeks(
    per_day: dict[date, tuple[int, float]], first_week: date, weeks: int
) -> list[tuple[date, int, float | None]]:
    """Per-day (count, sum) into `weeks` ISO weeks from `first_week` (a Monday):
    (monday, count, mean or None). Bounded by days, not by answers."""
    counts = {first_week + timedelta(weeks=i): [0, 0.0] for i in range(weeks)}
    for day, (count, total) in per_day.items():
        bucket = counts.get(iso_week_start(day))
        if bucket is not None:
            bucket[0] += count
            bucket[1] += total
    return [(monday, n, mean(n, total)) for monday, (n, total) in counts.items()]


def attempt_item_sums(scores: list[tuple[int, float]]) -> dict[int, ItemSums]:
    """One attempt's share of its items' sums, by question id, from its scored answers as
    (question id, score): each x with its rest score y = the attempt's total - x, the sums
    the grouped recomputation (services.item_analysis.item_sums) adds up per item."""
    total = sum(score for _question_id, score in scores)
    found: dict[int, ItemSums] = {}
    for question_id, x in scores:
        y = total - x
        one = ItemSums(1, x, x * x, y, y * y, x * y)
        found[question_id] = add_sums(found[question_id], one) if question_id in found else one
    return found


def add_sums(a: ItemSums, b: ItemSums) -> ItemSums:
    """Sufficient statistics are additive: the sums of two disjoint sets of responses."""
    return ItemSums(
        a.n + b.n,
        a.sum_x + b.sum_x,
        a.sum_x2 + b.sum_x2,
        a.sum_y + b.sum_y,
        a.sum_y2 + b.sum_y2,
        a.sum_xy + b.sum_xy,
    )
