"""The scheduling wrapper adds nothing to fsrs's formulas: it converts, previews and words."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import fsrs
import pytest

from quizapp.domain import scheduling

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Stored:
    """Stands in for the Card row: the FSRS columns only."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


def stored(state: scheduling.CardState) -> Stored:
    return Stored(
        state.state, state.step, state.stability, state.difficulty, state.due, state.last_review
    )


def test_a_new_card_is_learning_and_due_now():
    state = scheduling.new_card_state(START)
    assert (state.state, state.step, state.due, state.last_review) == (1, 0, START, None)


def test_replaying_ratings_matches_fsrs_directly():
    ratings = [3, 3, 1, 2, 3, 4, 1, 3, 3]
    scheduler = scheduling.build_scheduler(0.9, enable_fuzzing=False)
    ours = stored(scheduling.new_card_state(START))
    theirs = fsrs.Card(card_id=1, due=START)
    direct = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False)
    now = START
    for rating in ratings:
        now = max(now, ours.due)  # review each card when it falls due
        ours = stored(scheduling.review(scheduler, ours, rating, now))
        theirs, _log = direct.review_card(theirs, fsrs.Rating(rating), now)
        assert ours.due == theirs.due
        assert ours.state == int(theirs.state)
        assert ours.step == theirs.step
        assert ours.stability == pytest.approx(theirs.stability)
        assert ours.difficulty == pytest.approx(theirs.difficulty)


def test_desired_retention_changes_the_interval():
    card = stored(scheduling.new_card_state(START))
    easy_at = {
        retention: scheduling.review(
            scheduling.build_scheduler(retention, enable_fuzzing=False), card, 4, START
        ).due
        for retention in (0.8, 0.97)
    }
    assert easy_at[0.8] > easy_at[0.97]


@pytest.mark.parametrize("retention", [0.79, 0.98, 1.0])
def test_retention_outside_the_allowed_range_is_refused(retention):
    with pytest.raises(ValueError, match="retention"):
        scheduling.build_scheduler(retention)


@pytest.mark.parametrize("rating", [0, 5, "3", None, True])
def test_a_rating_outside_one_to_four_is_refused(rating):
    scheduler = scheduling.build_scheduler(enable_fuzzing=False)
    with pytest.raises(ValueError, match="rating"):
        scheduling.review(scheduler, stored(scheduling.new_card_state(START)), rating, START)


def test_any_aware_datetime_is_accepted_and_stored_as_utc():
    scheduler = scheduling.build_scheduler(enable_fuzzing=False)
    madrid = START.astimezone(timezone(timedelta(hours=1)))
    state = scheduling.review(scheduler, stored(scheduling.new_card_state(START)), 3, madrid)
    assert state.last_review == START
    assert state.due.tzinfo is UTC


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        scheduling.new_card_state(datetime(2025, 3, 1))


def test_previews_of_a_new_card_follow_the_learning_steps():
    scheduler = scheduling.build_scheduler(enable_fuzzing=True)
    previews = scheduling.preview_intervals(
        scheduler, stored(scheduling.new_card_state(START)), START
    )
    assert previews[1] == timedelta(minutes=1)
    assert previews[2] == timedelta(minutes=5.5)  # Hard: between the 1 and 10 min steps
    assert previews[3] == timedelta(minutes=10)
    assert previews[4] >= timedelta(days=1)


def test_previews_match_the_actual_review_without_fuzz():
    scheduler = scheduling.build_scheduler(0.9, enable_fuzzing=False)
    card = stored(scheduling.review(scheduler, stored(scheduling.new_card_state(START)), 4, START))
    later = card.due + timedelta(days=2)
    previews = scheduling.preview_intervals(scheduler, card, later)
    for rating, interval in previews.items():
        assert scheduling.review(scheduler, card, rating, later).due - later == interval


def test_forgetting_a_review_card_is_a_lapse_but_not_a_learning_one():
    learning = stored(scheduling.new_card_state(START))
    graduated = stored(
        scheduling.review(scheduling.build_scheduler(enable_fuzzing=False), learning, 4, START)
    )
    assert graduated.state == fsrs.State.Review
    assert scheduling.is_lapse(graduated, 1)
    assert not scheduling.is_lapse(graduated, 3)
    assert not scheduling.is_lapse(learning, 1)


def test_retrievability_is_zero_before_any_review_and_falls_with_time():
    scheduler = scheduling.build_scheduler(enable_fuzzing=False)
    card = stored(scheduling.new_card_state(START))
    assert scheduling.retrievability(scheduler, card, START) == 0
    card = stored(scheduling.review(scheduler, card, 4, START))
    soon = scheduling.retrievability(scheduler, card, START + timedelta(days=1))
    later = scheduling.retrievability(scheduler, card, START + timedelta(days=30))
    assert 1 >= soon > later > 0


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(minutes=90), "2 h"),
        (timedelta(days=3), "3 d"),
        (timedelta(days=29, hours=11), "29 d"),
        (timedelta(days=45), "1.5 mo"),
        (timedelta(days=60), "2 mo"),
        (timedelta(days=730), "2 y"),
    ],
)
def test_format_interval_words_an_interval_briefly(delta, text):
    assert scheduling.format_interval(delta) == text


def test_format_interval_takes_translated_units_and_a_number_format():
    units = {**scheduling.DEFAULT_UNITS, "mo": "{n} meses"}
    text = scheduling.format_interval(timedelta(days=45), units, lambda n: str(n).replace(".", ","))
    assert text == "1,5 meses"
