"""Grades given by hand (essays): what an attempt's score reads while some are pending."""

from collections.abc import Iterable

from quizapp.domain.questions.base import FULL_MARKS


def attempt_score(scores: Iterable[float | None]) -> float:
    """The mean of an attempt's scored answers, a pending one (None) counting 0: the score
    is a floor that each grade given by hand can only raise, final once none is pending."""
    values = [0.0 if score is None else score for score in scores]
    return sum(values) / len(values) if values else 0.0


def hand_grade_problem(score: object) -> str | None:
    """Why `score` cannot be a grade given by hand (a number from 0 to 1), or None."""
    if isinstance(score, bool) or not isinstance(score, int | float):
        return "the grade must be a number from 0 to 1"
    if not 0.0 <= float(score) <= 1.0:
        return "the grade must be from 0 to 1"
    return None


def is_full_marks(score: float) -> bool:
    return score >= FULL_MARKS
