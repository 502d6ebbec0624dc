"""The instructor's course dashboard: lesson, learner and activity figures beside the item
analysis (quizapp.services.item_analysis), each aggregated by one grouped SQL query so the
page costs the same whatever the data.

Completion and mean (best) score per lesson use every submitted attempt; the test
statistics and Cronbach's alpha use item analysis's subset of first submitted attempts.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import statistics
from quizapp.domain.statistics import ItemSums
from quizapp.models import Attempt, Card, Course, Lesson, Question, ReviewLog, User
from quizapp.services import catalog
from quizapp.services.item_analysis import (
    QuestionStats,
    first_attempt_test_statistics,
    item_sums,
    question_statistics,
    sort_questions,
)

# Re-exported for callers that still reach item analysis through this module (quizapp.api).
from quizapp.services.item_analysis import flag_codes as flag_codes
from quizapp.services.item_analysis import question_title as question_title


@dataclass(frozen=True)
class LessonStats:
    lesson: Lesson
    question_count: int  # active questions
    learners_completed: int  # learners with at least one submitted attempt
    completion: float | None  # of the course's learners
    mean_best_score: float | None
    # Test statistics over first submitted attempts.
    first_attempts: int
    first_mean: float | None
    first_sd: float | None
    alpha: float | None


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    email: str
    display_name: str
    attempts: int
    lessons_completed: int
    mean_best_score: float | None
    reviews: int
    last_activity: datetime | None


@dataclass(frozen=True)
class CourseDashboard:
    course: Course
    active_7_days: int
    active_30_days: int
    lessons: list[LessonStats]
    questions: list[QuestionStats]
    learners: list[LearnerRow]


def course_dashboard(
    session: Session,
    course: Course,
    now: datetime,
    sort: str = "position",
    order: str = "asc",
) -> CourseDashboard:
    learners = learner_table(session, course)
    active_7, active_30 = active_learner_counts(session, course, now)
    sums = item_sums(session, course)
    return CourseDashboard(
        course=course,
        active_7_days=active_7,
        active_30_days=active_30,
        lessons=lesson_statistics(session, course, len(learners), sums),
        questions=sort_questions(question_statistics(session, course, sums), sort, order),
        learners=learners,
    )


def lesson_statistics(
    session: Session,
    course: Course,
    learner_count: int,
    sums: dict[tuple[int, int], ItemSums] | None = None,
) -> list[LessonStats]:
    summaries = catalog.lesson_summaries(session, course)
    completion = _lesson_completion(session, course)
    tests = first_attempt_test_statistics(session, course)
    per_lesson_items: dict[int, list[ItemSums]] = {}
    for (lesson_id, _qid), item in (item_sums(session, course) if sums is None else sums).items():
        per_lesson_items.setdefault(lesson_id, []).append(item)
    result = []
    for summary in summaries:
        lesson = summary.lesson
        completed, mean_best = completion.get(lesson.id, (0, None))
        n, score_sum, score_sq, total_sum, total_sq = tests.get(lesson.id, (0, 0.0, 0.0, 0.0, 0.0))
        result.append(
            LessonStats(
                lesson=lesson,
                question_count=summary.question_count,
                learners_completed=completed,
                completion=statistics.mean(learner_count, completed),
                mean_best_score=None if mean_best is None else float(mean_best),
                first_attempts=n,
                first_mean=statistics.mean(n, score_sum),
                first_sd=statistics.standard_deviation(n, score_sum, score_sq),
                alpha=_lesson_alpha(n, total_sum, total_sq, per_lesson_items.get(lesson.id, [])),
            )
        )
    return result


def _lesson_completion(session: Session, course: Course) -> dict[int, tuple[int, float | None]]:
    """Per lesson: learners with a submitted attempt, and the mean of their best scores."""
    best = (
        sa.select(Attempt.user_id, Attempt.lesson_id, sa.func.max(Attempt.score).label("best"))
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(Lesson.course_id == course.id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id, Attempt.lesson_id)
        .subquery()
    )
    return {
        lesson_id: (count, mean_best)
        for lesson_id, count, mean_best in session.execute(
            sa.select(best.c.lesson_id, sa.func.count(), sa.func.avg(best.c.best)).group_by(
                best.c.lesson_id
            )
        )
    }


def _lesson_alpha(n: int, total_sum: float, total_sq: float, items: list[ItemSums]) -> float | None:
    """Alpha needs a complete response matrix: every analysed attempt answered every
    item. When attempts drew different questions (quiz_size, a bank edited between
    attempts) it is not defined and we report None rather than a misleading figure."""
    if n < 2 or any(item.n != n for item in items):
        return None
    item_variances = [statistics.variance(i.n, i.sum_x, i.sum_x2) or 0.0 for i in items]
    return statistics.cronbach_alpha(item_variances, statistics.variance(n, total_sum, total_sq))


def _course_activity(course: Course):
    """(user_id, at) for every quiz submission and review in the course."""
    quizzes = (
        sa.select(Attempt.user_id.label("user_id"), Attempt.submitted_at.label("at"))
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(Lesson.course_id == course.id, Attempt.submitted_at.is_not(None))
    )
    reviews = (
        sa.select(ReviewLog.user_id.label("user_id"), ReviewLog.reviewed_at.label("at"))
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Question, Question.id == Card.question_id)
        .where(Question.course_id == course.id)
    )
    return sa.union_all(quizzes, reviews).subquery("activity")


def active_learner_counts(session: Session, course: Course, now: datetime) -> tuple[int, int]:
    """Distinct users with a quiz submission or a review in the last 7 and 30 days."""
    activity = _course_activity(course)
    week_ago = now - timedelta(days=7)
    month_ago = now - timedelta(days=30)
    row = session.execute(
        sa.select(
            sa.func.count(sa.distinct(sa.case((activity.c.at >= week_ago, activity.c.user_id)))),
            sa.func.count(sa.distinct(activity.c.user_id)),
        ).where(activity.c.at >= month_ago, activity.c.at <= now)
    ).one()
    return int(row[0]), int(row[1])


def learner_table(session: Session, course: Course) -> list[LearnerRow]:
    """Every user with a submitted attempt or a review in the course, in one query."""
    quizzes = _learner_quiz_totals(course)
    reviews = _learner_review_totals(course)
    rows = session.execute(
        sa.select(
            User.id,
            User.email,
            User.display_name,
            quizzes.c.attempts,
            quizzes.c.lessons,
            quizzes.c.mean_best,
            quizzes.c.last,
            reviews.c.reviews,
            reviews.c.last,
        )
        .outerjoin(quizzes, quizzes.c.user_id == User.id)
        .outerjoin(reviews, reviews.c.user_id == User.id)
        .where(sa.or_(quizzes.c.user_id.is_not(None), reviews.c.user_id.is_not(None)))
        .order_by(User.email)
    ).all()
    return [
        LearnerRow(
            user_id=user_id,
            email=email,
            display_name=name,
            attempts=int(attempts or 0),
            lessons_completed=int(lessons or 0),
            mean_best_score=None if mean_best is None else float(mean_best),
            reviews=int(review_count or 0),
            last_activity=max((t for t in (last_quiz, last_review) if t), default=None),
        )
        for (
            user_id,
            email,
            name,
            attempts,
            lessons,
            mean_best,
            last_quiz,
            review_count,
            last_review,
        ) in rows
    ]


def _learner_quiz_totals(course: Course):
    """Per user: submitted attempts, lessons completed, mean best score and last submission."""
    per_lesson = (
        sa.select(
            Attempt.user_id.label("user_id"),
            sa.func.count().label("attempts"),
            sa.func.max(Attempt.score).label("best"),
            sa.func.max(Attempt.submitted_at).label("last"),
        )
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(Lesson.course_id == course.id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id, Attempt.lesson_id)
        .subquery()
    )
    return (
        sa.select(
            per_lesson.c.user_id,
            sa.func.sum(per_lesson.c.attempts).label("attempts"),
            sa.func.count().label("lessons"),
            sa.func.avg(per_lesson.c.best).label("mean_best"),
            sa.func.max(per_lesson.c.last).label("last"),
        )
        .group_by(per_lesson.c.user_id)
        .subquery()
    )


def _learner_review_totals(course: Course):
    """Per user: reviews on the review page (quiz answers excluded) and the last of any."""
    return (
        sa.select(
            ReviewLog.user_id.label("user_id"),
            sa.func.count(sa.case((ReviewLog.source == "review", 1))).label("reviews"),
            sa.func.max(ReviewLog.reviewed_at).label("last"),
        )
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Question, Question.id == Card.question_id)
        .where(Question.course_id == course.id)
        .group_by(ReviewLog.user_id)
        .subquery()
    )
