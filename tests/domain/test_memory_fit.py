"""Turning a review log into FSRS items, the time-ordered split, and the simulated learner
whose parameters a fit recovers better than the defaults."""

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.memory_fit import (
    LoggedReview,
    NotEnoughReviews,
    check_parameters,
    default_parameters,
    evaluate,
    fit,
    scored_reviews,
    split_by_time,
)
from quizapp.domain.memory_simulation import DEMO_LEARNER_PARAMETERS, simulate_history
from quizapp.domain.scheduling import build_scheduler

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def at(days: float, minutes: int = 0) -> datetime:
    return START + timedelta(days=days, minutes=minutes)


def gaps(review) -> list[tuple[int, int]]:
    return list(review.steps)


def test_each_later_review_on_another_day_is_scored_with_its_history():
    log = [
        LoggedReview(1, at(0), 1),
        LoggedReview(1, at(0, 10), 3),  # same day: short-term, not scored
        LoggedReview(1, at(2), 3),
        LoggedReview(1, at(9), 1),
        LoggedReview(2, at(1), 3),  # a first review predicts nothing
    ]
    scored = scored_reviews(reversed(log))  # the order given does not matter
    assert [review.reviewed_at for review in scored] == [at(2), at(9)]
    assert gaps(scored[0]) == [(1, 0), (3, 0), (3, 2)]
    assert gaps(scored[1]) == [(1, 0), (3, 0), (3, 2), (1, 7)]


def test_days_are_calendar_days_not_24_hours():
    late, early = START.replace(hour=23), START.replace(hour=1) + timedelta(days=1)
    scored = scored_reviews([LoggedReview(1, late, 3), LoggedReview(1, early, 3)])
    assert gaps(scored[0]) == [(3, 0), (3, 1)]


def test_the_held_out_reviews_are_the_latest():
    log = [LoggedReview(card, at(day), 3) for card in range(1, 6) for day in range(0, 20, 2)]
    train, test = split_by_time(scored_reviews(log), holdout=0.2)
    assert len(test) == round(len(train + test) * 0.2)
    assert max(review.reviewed_at for review in train) <= min(r.reviewed_at for r in test)


def test_too_few_reviews_are_refused():
    log = [LoggedReview(1, at(day), 3) for day in range(5)]
    with pytest.raises(NotEnoughReviews):
        fit(scored_reviews(log), {None: default_parameters()}, min_reviews=10)


def test_parameters_are_checked_before_use():
    assert check_parameters(DEMO_LEARNER_PARAMETERS) == list(DEMO_LEARNER_PARAMETERS)
    with pytest.raises(ValueError, match="21 parameters"):
        check_parameters([0.5] * 19)


def test_the_simulation_is_seeded_and_its_truth_differs_from_the_defaults():
    scheduler = build_scheduler(enable_fuzzing=False)
    first = simulate_history(range(1, 21), START, 30, scheduler, seed=5)
    assert first == simulate_history(range(1, 21), START, 30, scheduler, seed=5)
    assert first != simulate_history(range(1, 21), START, 30, scheduler, seed=6)
    assert all(START <= review.reviewed_at < at(30) for review in first)
    assert list(DEMO_LEARNER_PARAMETERS) != default_parameters()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_fit_recovers_the_simulated_learner_better_than_the_defaults(seed):
    log = simulate_history(
        range(1, 51), START, 180, build_scheduler(enable_fuzzing=False), seed=seed
    )
    scored = scored_reviews(log)
    result = fit(scored, {None: default_parameters()}, min_reviews=200)
    assert result.better
    assert result.fitted.log_loss < result.in_use.log_loss
    _train, test = split_by_time(scored)
    defaults = evaluate(default_parameters(), test)
    assert result.in_use.log_loss == pytest.approx(defaults.log_loss)
    assert result.in_use.rmse_bins == pytest.approx(defaults.rmse_bins)
    # The truth itself beats the defaults too: the signal is real, not the fit's noise.
    assert evaluate(DEMO_LEARNER_PARAMETERS, test).log_loss < result.in_use.log_loss


# --- memory statistics (quizapp.domain.memory_stats) ---------------------------------------


def test_true_retention_counts_later_day_reviews_young_and_mature():
    from quizapp.domain.memory_stats import interval_reviews, true_retention

    today = at(40).date()
    log = [
        LoggedReview(1, at(0), 3),
        LoggedReview(1, at(0, 10), 3),  # learning step: not counted
        LoggedReview(1, at(5), 1),  # young (5 days), failed
        LoggedReview(1, at(39), 3),  # mature (34 days), passed, yesterday
        LoggedReview(2, at(30), 3),
        LoggedReview(2, at(40), 2),  # young, passed, today
    ]
    rows = {row.period: row for row in true_retention(interval_reviews(log), today)}
    assert (rows["today"].young.passed, rows["today"].young.failed) == (1, 0)
    assert rows["today"].mature.count == 0
    assert (rows["yesterday"].mature.passed, rows["yesterday"].total.count) == (1, 1)
    assert rows["week"].total.count == 2
    assert rows["all"].young.retention == pytest.approx(1 / 2)
    assert rows["all"].total.retention == pytest.approx(2 / 3)


def test_distributions_bin_every_card_once():
    from quizapp.domain.memory_stats import difficulty_distribution, stability_distribution

    stability = dict(stability_distribution([0.2, 3, 7, 400, 21, 89.9]))
    assert stability == {
        (0, 1): 1,
        (1, 7): 1,
        (7, 21): 1,
        (21, 90): 2,
        (90, 365): 0,
        (365, None): 1,
    }
    difficulty = dict(difficulty_distribution([1.0, 5.5, 10.0, 9.2]))
    assert difficulty[1] == 1
    assert difficulty[5] == 1
    assert difficulty[9] == 2
    assert sum(difficulty.values()) == 4
