"""A simulated learner: days of reviews drawn from an FSRS memory with known parameters.

The learner's true memory follows fsrs with `SimulatedLearner.parameters`; the app
schedules the cards with its own scheduler (the parameters in use), exactly as it would a
real learner's. Each review is recalled with the true memory's probability of recall, so
the log is what a learner with those parameters would leave, and fitting it should find
parameters closer to the truth than the defaults. Seeded: the same seed, the same log."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import fsrs

from quizapp.domain.memory_fit import LoggedReview, check_parameters, default_parameters
from quizapp.domain.scheduling import as_utc, becomes_leech, is_lapse, review


def _fast_forgetter() -> tuple[float, ...]:
    """fsrs's defaults with a memory that starts weak, grows slowly and fades fast: far
    enough from the defaults that a few months of one course's cards tell them apart."""
    values = default_parameters()
    values[0:4] = [0.02, 0.08, 0.3, 1.0]  # first stabilities (days) after Again … Easy
    values[8] = 0.6  # how much a successful review grows stability
    values[20] = 0.6  # the forgetting curve's decay
    return tuple(check_parameters(values))


DEMO_LEARNER_PARAMETERS = _fast_forgetter()


@dataclass(frozen=True)
class SimulatedLearner:
    parameters: Sequence[float] = DEMO_LEARNER_PARAMETERS
    # How a first sight is rated (Again, Hard, Good, Easy), and a recalled card (Hard,
    # Good, Easy): the shares Anki's simulator starts from, roughly.
    first_ratings: tuple[float, float, float, float] = (0.3, 0.15, 0.45, 0.1)
    recalled_ratings: tuple[float, float, float] = (0.15, 0.75, 0.1)
    daily_new: int = 5
    session_hour: int = 9
    seconds_per_card: int = 20


@dataclass
class _Scheduled:
    """The app's view of a card while simulating (the Card model's FSRS columns)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None = None
    lapses: int = 0
    suspended: bool = False
    memory: fsrs.Card = field(default_factory=fsrs.Card)


def simulate_history(
    card_ids: Sequence[int],
    start: datetime,
    days: int,
    scheduler: fsrs.Scheduler,
    *,
    learner: SimulatedLearner | None = None,
    leech_threshold: int = 8,
    seed: int = 0,
) -> list[LoggedReview]:
    """`days` daily sittings from `start` (a UTC day; the sitting at `session_hour`): new
    cards introduced `daily_new` a day in the given order, due cards reviewed until none
    is due that day (learning steps bring cards back within the sitting). A card that
    becomes a leech is suspended, as the app does, and leaves the sittings."""
    learner = learner or SimulatedLearner()
    truth = fsrs.Scheduler(
        parameters=tuple(learner.parameters),
        learning_steps=scheduler.learning_steps,
        relearning_steps=scheduler.relearning_steps,
        enable_fuzzing=False,
    )
    rng = random.Random(seed)
    waiting = list(card_ids)
    cards: dict[int, _Scheduled] = {}
    log: list[LoggedReview] = []
    first_day = as_utc(start).replace(hour=0, minute=0, second=0, microsecond=0)
    for day in range(days):
        moment = first_day + timedelta(days=day, hours=learner.session_hour)
        day_end = first_day + timedelta(days=day + 1)
        for card_id in waiting[: learner.daily_new]:
            cards[card_id] = _new_card(card_id, moment)
        del waiting[: learner.daily_new]
        while True:
            studied = [(c.due, cid) for cid, c in cards.items() if not c.suspended]
            due = sorted(pair for pair in studied if pair[0] <= moment)
            if not due:
                later = [when for when, _cid in studied if moment < when < day_end]
                if not later:
                    break
                moment = min(later)
                continue
            for _when, card_id in due:
                rating = _rating(rng, learner, truth, cards[card_id].memory, moment)
                _review(scheduler, truth, cards[card_id], rating, moment, leech_threshold)
                log.append(LoggedReview(card_id, moment, rating))
                moment += timedelta(seconds=learner.seconds_per_card)
    return log


def _new_card(card_id: int, moment: datetime) -> _Scheduled:
    return _Scheduled(
        state=int(fsrs.State.Learning),
        step=0,
        stability=None,
        difficulty=None,
        due=moment,
        memory=fsrs.Card(card_id=card_id, due=moment),
    )


def _rating(
    rng: random.Random,
    learner: SimulatedLearner,
    truth: fsrs.Scheduler,
    memory: fsrs.Card,
    moment: datetime,
) -> int:
    if memory.last_review is None:
        return rng.choices((1, 2, 3, 4), learner.first_ratings)[0]
    if rng.random() >= truth.get_card_retrievability(memory, moment.astimezone(UTC)):
        return 1
    return rng.choices((2, 3, 4), learner.recalled_ratings)[0]


def _review(
    scheduler: fsrs.Scheduler,
    truth: fsrs.Scheduler,
    card: _Scheduled,
    rating: int,
    moment: datetime,
    leech_threshold: int,
) -> None:
    lapsed = is_lapse(card, rating)
    after = review(scheduler, card, rating, moment)
    card.state, card.step, card.due = after.state, after.step, after.due
    card.stability, card.difficulty, card.last_review = (
        after.stability,
        after.difficulty,
        after.last_review,
    )
    if lapsed:
        card.lapses += 1
        card.suspended = card.suspended or becomes_leech(card.lapses, leech_threshold)
    card.memory, _log = truth.review_card(card.memory, fsrs.Rating(rating), moment)
