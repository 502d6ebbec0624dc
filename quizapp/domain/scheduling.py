"""Spaced-repetition scheduling over the `fsrs` package: our card columns in, fsrs out.

Every formula is fsrs's own (`Scheduler.review_card`, `get_card_retrievability`); this
module only converts between the stored card state and `fsrs.Card`, and words intervals."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import fsrs

MIN_RETENTION = 0.80
MAX_RETENTION = 0.97
DEFAULT_RETENTION = 0.90
MAX_DAILY_NEW = 1000
DEFAULT_LEECH_THRESHOLD = 8
MIN_LEECH_THRESHOLD, MAX_LEECH_THRESHOLD = 1, 99

RATINGS = (fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy)
RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


class CardFields(Protocol):
    """Anything carrying the FSRS columns (the Card model does)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


@dataclass(frozen=True)
class CardState:
    """A card's FSRS state after a review, ready to be written onto the Card row."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


def as_utc(moment: datetime) -> datetime:
    """fsrs demands `tzinfo is timezone.utc` exactly; any aware datetime is converted."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware UTC datetime")
    return moment.astimezone(UTC)


def is_valid_rating(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def build_scheduler(
    desired_retention: float = DEFAULT_RETENTION,
    *,
    parameters: Sequence[float] | None = None,
    enable_fuzzing: bool = True,
) -> fsrs.Scheduler:
    """fsrs's scheduler with its learning steps (1 min, 10 min) and the given parameters
    (fitted to the learner or the course), or its default ones when None."""
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError(f"desired retention must be between {MIN_RETENTION} and {MAX_RETENTION}")
    if parameters is None:
        return fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=enable_fuzzing)
    return fsrs.Scheduler(
        parameters=tuple(float(value) for value in parameters),
        desired_retention=desired_retention,
        enable_fuzzing=enable_fuzzing,
    )


def new_card_state(now: datetime) -> CardState:
    """A card never reviewed: learning, first step, due at once."""
    card = fsrs.Card(card_id=0, due=as_utc(now))
    return from_fsrs_card(card)


def to_fsrs_card(card: CardFields, card_id: int = 0) -> fsrs.Card:
    # An explicit card_id matters: without one fsrs.Card sleeps 1 ms to make an id.
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=as_utc(card.due),
        last_review=as_utc(card.last_review) if card.last_review else None,
    )


def from_fsrs_card(card: fsrs.Card) -> CardState:
    return CardState(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def review(scheduler: fsrs.Scheduler, card: CardFields, rating: int, now: datetime) -> CardState:
    """The card's state after being rated `rating` (1 Again … 4 Easy) at `now`."""
    if not is_valid_rating(rating):
        raise ValueError(f"rating must be 1 to 4, not {rating!r}")
    reviewed, _log = scheduler.review_card(to_fsrs_card(card), fsrs.Rating(rating), as_utc(now))
    return from_fsrs_card(reviewed)


def is_lapse(card: CardFields, rating: int) -> bool:
    """Forgetting a card that had graduated to review (Anki's definition of a lapse)."""
    return card.state == fsrs.State.Review and rating == fsrs.Rating.Again


def becomes_leech(lapses: int, threshold: int) -> bool:
    """Whether the lapse that brought the card to `lapses` makes it a leech: at the
    threshold, then again every half threshold (Anki's rule), so an unsuspended leech
    that keeps lapsing is suspended again."""
    if lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


def preview_intervals(
    scheduler: fsrs.Scheduler, card: CardFields, now: datetime
) -> dict[int, timedelta]:
    """The interval each rating would give, for the rating buttons.

    Previews are computed without fuzz so they stay stable across reloads; the real
    review may land a day or so away when the scheduler fuzzes.
    """
    plain = fsrs.Scheduler(
        parameters=scheduler.parameters,
        desired_retention=scheduler.desired_retention,
        learning_steps=scheduler.learning_steps,
        relearning_steps=scheduler.relearning_steps,
        maximum_interval=scheduler.maximum_interval,
        enable_fuzzing=False,
    )
    moment = as_utc(now)
    return {int(rating): review(plain, card, rating, moment).due - moment for rating in RATINGS}


def retrievability(scheduler: fsrs.Scheduler, card: CardFields, now: datetime) -> float:
    """Probability of recalling the card now (0 for a card never reviewed)."""
    return float(scheduler.get_card_retrievability(to_fsrs_card(card), as_utc(now)))


def recall_probability(
    scheduler: fsrs.Scheduler, stability: float, last_review: datetime, at: datetime
) -> float:
    """FSRS's forgetting curve for a memory of `stability` last reviewed at `last_review`,
    at the moment `at`, as fsrs computes it (whole elapsed days; the curve's shape is the
    scheduler's parameters')."""
    card = fsrs.Card(
        card_id=0, state=fsrs.State.Review, stability=stability, last_review=as_utc(last_review)
    )
    return float(scheduler.get_card_retrievability(card, as_utc(at)))


# --- wording intervals -----------------------------------------------------------------

DEFAULT_UNITS = {"min": "{n} min", "h": "{n} h", "d": "{n} d", "mo": "{n} mo", "y": "{n} y"}


def interval_parts(delta: timedelta) -> tuple[float, str]:
    """An interval as (number, unit): minutes under an hour, hours under a day, days
    under a month, then months and years with one decimal (as Anki words them)."""
    seconds = max(0.0, delta.total_seconds())
    minutes = seconds / 60
    if minutes < 60:
        return max(1, round(minutes)), "min"
    hours = minutes / 60
    if hours < 24:
        return round(hours), "h"
    days = hours / 24
    if days < 30:
        return round(days), "d"
    if days < 365:
        return round(days / 30, 1), "mo"
    return round(days / 365, 1), "y"


def format_interval(
    delta: timedelta,
    units: Mapping[str, str] | None = None,
    format_number: Callable[[float], str] | None = None,
) -> str:
    """ "10 min", "3 d", "1.5 mo". `units` maps a unit to a template with `{n}` (for
    translations); `format_number` writes the number (for the locale's decimal mark)."""
    number, unit = interval_parts(delta)
    if format_number is not None:
        text = format_number(number)
    else:
        text = str(int(number)) if float(number).is_integer() else str(number)
    return (units or DEFAULT_UNITS)[unit].format(n=text)
