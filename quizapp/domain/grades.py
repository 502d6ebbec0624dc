"""A learner's grade for a lesson from their submitted attempts, by the lesson's grading
method (SPEC §12). One function: the learner dashboard, the instructor dashboard, the API
progress and the gradebook all call it, so they never disagree."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LessonGrade:
    # None: nothing submitted yet, or the grade waits on an attempt's hand grade.
    score: float | None
    # An attempt the method counts still has an essay awaiting its grade: its score is
    # only a floor (the essay counts 0 until graded), so the grade is not given yet.
    pending: bool = False


def lesson_grade(method: str, scores: Sequence[float | None]) -> LessonGrade:
    """`scores` of the submitted attempts in the order they were taken, None for one
    still awaiting a hand grade.

    highest: the best attempt; average: the mean of all; first / last: that attempt. The
    grade is pending while an attempt it depends on is: the first or the last one for
    those methods, any of them for highest and average (a pending attempt may end up
    the best, and changes the mean)."""
    if method not in ("highest", "average", "first", "last"):
        raise ValueError(f"unknown grading method {method!r}")
    if not scores:
        return LessonGrade(None)
    counted = {"first": scores[:1], "last": scores[-1:]}.get(method, scores)
    if any(score is None for score in counted):
        return LessonGrade(None, pending=True)
    known = [score for score in counted if score is not None]
    if method == "average":
        return LessonGrade(sum(known) / len(known))
    return LessonGrade(max(known))
