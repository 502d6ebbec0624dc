"""A learner's grade for a lesson from their submitted attempts, by the lesson's grading
method (SPEC §12). One function: the learner dashboard, the instructor dashboard, the API
progress and the gradebook all call it, so they never disagree."""

from collections.abc import Sequence


def lesson_grade(method: str, scores: Sequence[float | None]) -> float | None:
    """`scores` of the submitted attempts in the order they were taken (a None score,
    e.g. one still waiting for a hand grade, is left out). None when there is none.

    highest: the best attempt; average: the mean of all; first / last: that attempt."""
    known = [score for score in scores if score is not None]
    if not known:
        return None
    if method == "average":
        return sum(known) / len(known)
    if method == "first":
        return known[0]
    if method == "last":
        return known[-1]
    if method == "highest":
        return max(known)
    raise ValueError(f"unknown grading method {method!r}")
