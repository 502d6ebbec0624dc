"""Item-analysis formulas against a small data set computed by hand.

Five learners' first attempts at a three-question quiz (item scores):

    learner  q1  q2  q3  total
    A         1   1   0    2
    B         1   0   1    2
    C         0   0   0    0
    D         1   1   1    3
    E         0   1   0    1

Rest score y = total - item score.
"""

import math
from datetime import date

import pytest

from quizapp.domain import statistics
from quizapp.domain.statistics import ItemSums

# q1: x = 1,1,0,1,0   y = 1,1,0,2,1
#   n=5, Σx=3, Σx²=3, Σy=5, Σy²=1+1+0+4+1=7, Σxy=1+1+0+2+0=4
Q1 = ItemSums(n=5, sum_x=3, sum_x2=3, sum_y=5, sum_y2=7, sum_xy=4)
# q2: x = 1,0,0,1,1   y = 1,2,0,2,0
#   Σx=3, Σx²=3, Σy=5, Σy²=1+4+0+4+0=9, Σxy=1+0+0+2+0=3
Q2 = ItemSums(n=5, sum_x=3, sum_x2=3, sum_y=5, sum_y2=9, sum_xy=3)
# q3: x = 0,1,0,1,0   y = 2,1,0,2,1
#   Σx=2, Σx²=2, Σy=6, Σy²=4+1+0+4+1=10, Σxy=0+1+0+2+0=3
Q3 = ItemSums(n=5, sum_x=2, sum_x2=2, sum_y=6, sum_y2=10, sum_xy=3)


def test_facility_index_is_the_mean_item_score():
    assert statistics.facility_index(Q1) == pytest.approx(3 / 5)
    assert statistics.facility_index(Q3) == pytest.approx(2 / 5)
    assert statistics.facility_index(ItemSums(0, 0, 0, 0, 0, 0)) is None


def test_discrimination_index_is_the_item_rest_correlation():
    # q1: Sxx = 3 - 3²/5 = 1.2; Syy = 7 - 5²/5 = 2; Sxy = 4 - 3·5/5 = 1
    #     r = 1 / √(1.2·2) = 1/√2.4 ≈ 0.6455
    assert statistics.discrimination_index(Q1) == pytest.approx(1 / math.sqrt(2.4))
    # q2: Sxy = 3 - 3·5/5 = 0  →  r = 0
    assert statistics.discrimination_index(Q2) == pytest.approx(0.0)
    # q3: Sxx = 2 - 2²/5 = 1.2; Syy = 10 - 6²/5 = 2.8; Sxy = 3 - 2·6/5 = 0.6
    #     r = 0.6 / √(1.2·2.8) = 0.6/√3.36 ≈ 0.3273
    assert statistics.discrimination_index(Q3) == pytest.approx(0.6 / math.sqrt(3.36))


def test_discrimination_is_undefined_when_everyone_scores_the_same():
    # Everybody right: Sxx = 5 - 5²/5 = 0.
    assert statistics.discrimination_index(ItemSums(5, 5, 5, 6, 10, 6)) is None
    assert statistics.discrimination_index(ItemSums(1, 1, 1, 2, 4, 2)) is None


def test_negative_discrimination_when_the_weaker_learners_do_better():
    # x = 1,0  y = 0,2: Sxx = 0.5, Syy = 2, Sxy = 0 - 1·2/2 = -1  →  r = -1/√1 = -1
    assert statistics.discrimination_index(ItemSums(2, 1, 1, 2, 4, 0)) == pytest.approx(-1.0)


def test_sample_variance_and_standard_deviation():
    # totals 2,2,0,3,1: Σ=8, Σ²=18, S = 18 - 8²/5 = 5.2, variance = 5.2/4 = 1.3
    assert statistics.variance(5, 8, 18) == pytest.approx(1.3)
    assert statistics.standard_deviation(5, 8, 18) == pytest.approx(math.sqrt(1.3))
    assert statistics.variance(1, 3, 9) is None


def test_cronbach_alpha():
    # Item variances: each item has Sxx = 1.2, so 1.2/4 = 0.3; Σ = 0.9.
    # Total variance 1.3 (above). alpha = 3/2 · (1 - 0.9/1.3) = 1.5 · 0.4/1.3 = 6/13 ≈ 0.4615
    item_variances = [statistics.variance(s.n, s.sum_x, s.sum_x2) for s in (Q1, Q2, Q3)]
    assert item_variances == pytest.approx([0.3, 0.3, 0.3])
    assert statistics.cronbach_alpha(item_variances, 1.3) == pytest.approx(6 / 13)


def test_cronbach_alpha_needs_two_items_and_a_spread_of_totals():
    assert statistics.cronbach_alpha([0.3], 1.3) is None
    assert statistics.cronbach_alpha([0.0, 0.0], 0.0) is None


def test_sums_are_additive():
    combined = statistics.add_sums(Q1, Q2)
    assert combined == ItemSums(10, 6, 6, 10, 16, 7)


@pytest.mark.parametrize(
    ("facility", "discrimination", "attempts", "expected"),
    [
        (0.96, 0.3, 5, {"too_easy": True}),
        (0.95, 0.3, 5, {}),
        (0.19, 0.3, 5, {"too_hard": True}),
        (0.2, 0.3, 5, {}),
        (0.5, -0.01, 10, {"negative_discrimination": True}),
        (0.5, None, 10, {}),
        (1.0, -0.5, 4, {"too_few_attempts": 4}),
        (None, None, 0, {"too_few_attempts": 0}),
    ],
)
def test_item_flags(facility, discrimination, attempts, expected):
    flags = statistics.item_flags(facility, discrimination, attempts)
    assert flags == statistics.ItemFlags(**expected)
    assert flags.any == bool(expected)


def test_too_few_attempts_threshold_is_five():
    assert statistics.MIN_ATTEMPTS_TO_JUDGE == 5


def test_day_streak_ends_today_or_yesterday():
    today = date(2025, 3, 12)
    days = {date(2025, 3, 10), date(2025, 3, 11), date(2025, 3, 12), date(2025, 3, 8)}
    assert statistics.day_streak(days, today) == 3
    # Nothing yet today: yesterday's run still counts.
    assert statistics.day_streak(days - {today}, today) == 2
    # Last activity two days ago: broken.
    assert statistics.day_streak({date(2025, 3, 10)}, today) == 0
    assert statistics.day_streak(set(), today) == 0


def test_days_fold_into_iso_weeks():
    monday = date(2025, 3, 3)
    per_day = {
        date(2025, 3, 3): (2, 1.0),  # Monday, week 1
        date(2025, 3, 9): (2, 2.0),  # Sunday, still week 1
        date(2025, 3, 10): (4, 1.0),  # Monday, week 2
        date(2025, 2, 28): (9, 9.0),  # before the window: ignored
    }
    weeks = statistics.fold_days_into_weeks(per_day, monday, 3)
    assert weeks == [
        (date(2025, 3, 3), 4, 0.75),
        (date(2025, 3, 10), 4, 0.25),
        (date(2025, 3, 17), 0, None),
    ]
