"""A lesson's quiz rules (SPEC §12) as plain data, and the timing and policy they decide:
when an attempt may start, when its answers stop counting, what a learner sees of it.

Everything takes `now`; nothing here reads a clock, a database or a request. The bank's
`quiz:` block, the lesson editor and the API all become a `QuizRules`; the service
(quizapp.services.quizzes) is the one place that applies them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

GRADING_METHODS = ("highest", "average", "first", "last")
REVIEW_WHEN = ("immediate", "after_close", "never")
# What a learner may see of a submitted attempt, each with its own REVIEW_WHEN.
REVIEW_PARTS = ("score", "correctness", "answers", "feedback")

# Why an attempt may not start (the codes the API answers with, 409).
NOT_OPEN = "quiz_not_open"
CLOSED = "quiz_closed"
NO_ATTEMPTS_LEFT = "no_attempts_left"


def _all_immediate() -> dict[str, str]:
    return dict.fromkeys(REVIEW_PARTS, "immediate")


@dataclass(frozen=True)
class QuizRules:
    """The defaults are today's practice quiz: all questions, shuffled, no time limit,
    unlimited attempts, no dates, best score kept, everything shown at once."""

    size: int | None = None
    shuffle: bool = True
    time_limit: int | None = None  # minutes
    attempts: int | None = None  # allowed; None: unlimited
    opens: datetime | None = None
    closes: datetime | None = None
    grading: str = "highest"
    review: dict[str, str] = field(default_factory=_all_immediate)

    @property
    def is_timed(self) -> bool:
        return bool(self.time_limit) or self.closes is not None


@dataclass(frozen=True)
class Override:
    """An accommodation for one learner or one group: extra minutes, extra attempts, a
    later close date. Zero / None changes nothing."""

    extra_minutes: int = 0
    extra_attempts: int = 0
    closes: datetime | None = None


def with_overrides(rules: QuizRules, overrides: list[Override]) -> QuizRules:
    """The rules one learner works under. With several overrides (their own and their
    groups'), each setting takes the most generous one, so adding a group accommodation
    never takes time away from someone who already had more."""
    if not overrides:
        return rules
    extra_minutes = max(item.extra_minutes for item in overrides)
    extra_attempts = max(item.extra_attempts for item in overrides)
    later = [item.closes for item in overrides if item.closes is not None]
    closes = rules.closes
    if later and closes is not None:  # without a close date there is nothing to extend
        closes = max([closes, *later])
    return replace(
        rules,
        time_limit=rules.time_limit + extra_minutes if rules.time_limit else rules.time_limit,
        attempts=rules.attempts + extra_attempts if rules.attempts else rules.attempts,
        closes=closes,
    )


def start_refusal(rules: QuizRules, now: datetime, attempts_used: int) -> str | None:
    """Why a new attempt may not start now (NOT_OPEN, CLOSED, NO_ATTEMPTS_LEFT), or None."""
    if rules.opens is not None and now < rules.opens:
        return NOT_OPEN
    if rules.closes is not None and now >= rules.closes:
        return CLOSED
    if rules.attempts is not None and attempts_used >= rules.attempts:
        return NO_ATTEMPTS_LEFT
    return None


def attempt_deadline(rules: QuizRules, started_at: datetime) -> datetime | None:
    """When the attempt's time is up: its start plus the time limit, or the close date,
    whichever comes first; None when neither applies."""
    ends = []
    if rules.time_limit:
        ends.append(started_at + timedelta(minutes=rules.time_limit))
    if rules.closes is not None:
        ends.append(rules.closes)
    return min(ends) if ends else None


def accepts_answers(deadline: datetime | None, now: datetime, grace: timedelta) -> bool:
    """Answers sent now still count: no deadline, or at most `grace` after it (the grace
    covers the request of a form that submitted itself at zero)."""
    return deadline is None or now <= deadline + grace


def seconds_left(deadline: datetime | None, now: datetime) -> int | None:
    if deadline is None:
        return None
    return max(0, int((deadline - now).total_seconds()))


def review_shows(rules: QuizRules, part: str, now: datetime) -> bool:
    """Whether a learner sees `part` (REVIEW_PARTS) of a submitted attempt now. As in
    Moodle, "after_close" on a quiz without a close date is never reached."""
    when = rules.review.get(part, "immediate")
    if when == "immediate":
        return True
    if when == "after_close":
        return rules.closes is not None and now >= rules.closes
    return False


def scores_shown(rules: QuizRules, now: datetime) -> bool:
    """Whether the learner sees their scores at the lesson now (the `score` review
    option): not only an attempt's result but the best, the last and the grade
    everywhere they appear (dashboard, lesson page, API progress)."""
    return review_shows(rules, "score", now)


# --- the bank's `quiz:` block ---------------------------------------------------------------


def parse_moment(value: Any) -> datetime | None:
    """An aware datetime from a bank or API value (ISO 8601 with an offset), in UTC;
    None when the value is not one (the schema words that error)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


def rules_from_block(block: dict[str, Any] | None) -> QuizRules:
    """A checked `quiz:` block (domain/bank.schema.json) as rules; absent keys default."""
    block = block or {}
    review = _all_immediate() | {
        part: block["review"][part] for part in REVIEW_PARTS if part in (block.get("review") or {})
    }
    return QuizRules(
        size=block.get("size"),
        shuffle=block.get("shuffle", True),
        time_limit=block.get("time_limit"),
        attempts=block.get("attempts"),
        opens=parse_moment(block.get("opens")),
        closes=parse_moment(block.get("closes")),
        grading=block.get("grading", "highest"),
        review=review,
    )


def rules_to_block(rules: QuizRules) -> dict[str, Any]:
    """The `quiz:` block that reads back as `rules`, with only what differs from the
    defaults (an empty dict: a practice quiz, nothing to write)."""
    default = QuizRules()
    block: dict[str, Any] = {}
    for key in ("size", "shuffle", "time_limit", "attempts", "grading"):
        if getattr(rules, key) != getattr(default, key):
            block[key] = getattr(rules, key)
    for key in ("opens", "closes"):
        moment = getattr(rules, key)
        if moment is not None:
            block[key] = moment.astimezone(UTC).isoformat()
    review = {part: when for part, when in rules.review.items() if when != "immediate"}
    if review:
        block["review"] = review
    return block


def dates_problem(rules: QuizRules) -> str | None:
    """The one rule between keys a schema cannot say: a quiz closes after it opens."""
    if rules.opens is not None and rules.closes is not None and rules.closes <= rules.opens:
        return "the quiz must close after it opens (closes is not after opens)"
    return None
