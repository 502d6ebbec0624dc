"""The instructor's course dashboard: lesson, learner and activity figures beside the item
analysis (quizapp.services.item_analysis), each aggregated by one grouped SQL query so the
page costs the same whatever the data.

Completion and mean (best) score per lesson use every submitted attempt; the test
statistics and Cronbach's alpha use item analysis's subset of first submitted attempts.

The page shows one page of the learner table (LEARNERS_PER_PAGE rows, computed for those
learners only); the CSV export and the API take every row. The item analysis, test
statistics and completion come from the maintained statistics
(quizapp.services.course_statistics); the rendered page is cached by the dashboard
blueprint (quizapp/dashboard/figures_cache.py).

A group (quizapp.services.course_groups) narrows the learner figures (learners, activity,
the learner table and its CSV) to its learners; lesson and question statistics stay those
of the whole course, so completion is always "of the course's learners".
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import statistics
from quizapp.domain.grades import lesson_grade
from quizapp.domain.statistics import ItemSums
from quizapp.models import Attempt, Card, Course, Lesson, Question, ReviewLog, User
from quizapp.services import catalog, course_statistics
from quizapp.services.access import counts_as_learner
from quizapp.services.item_analysis import QuestionStats, question_statistics, sort_questions


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
    # The mean over lessons of the learner's grade by each lesson's grading method.
    mean_grade: float | None = None


LEARNERS_PER_PAGE = 50


@dataclass(frozen=True)
class CourseDashboard:
    course: Course
    active_7_days: int
    active_30_days: int
    lessons: list[LessonStats]
    questions: list[QuestionStats]
    learners: list[LearnerRow]  # every learner, or the rows of `learner_page`
    learner_count: int  # every learner with activity in the course
    learner_page: int = 1
    learner_pages: int = 1
    group_id: int | None = None  # the learner figures are this group's (None: everyone)


def course_dashboard(
    session: Session,
    course: Course,
    now: datetime,
    sort: str = "position",
    order: str = "asc",
    page: int | None = None,
    per_page: int | None = None,
    group_id: int | None = None,
) -> CourseDashboard:
    """With `page` (1-based, clamped to the pages there are) only that page of the learner
    table is computed (`per_page` rows, LEARNERS_PER_PAGE by default); without it, every
    learner (the API's view). With `group_id` (a group of the course), the learner figures
    are that group's."""
    per_page = per_page or LEARNERS_PER_PAGE
    if page is None:
        learners = learner_table(session, course, group_id=group_id)
        total, pages = len(learners), 1
    else:
        total = learner_count(session, course, group_id)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(page, 1), pages)
        offset = (page - 1) * per_page
        learners = learner_table(session, course, per_page, offset, group_id)
    course_total = total if group_id is None else learner_count(session, course)
    active_7, active_30 = active_learner_counts(session, course, now, group_id)
    sums = course_statistics.item_sums(session, course)
    return CourseDashboard(
        course=course,
        active_7_days=active_7,
        active_30_days=active_30,
        lessons=lesson_statistics(session, course, course_total, sums),
        questions=sort_questions(question_statistics(session, course, sums), sort, order),
        learners=learners,
        learner_count=total,
        learner_page=page or 1,
        learner_pages=pages,
        group_id=group_id,
    )


def lesson_statistics(
    session: Session,
    course: Course,
    learner_count: int,
    sums: dict[tuple[int, int], ItemSums] | None = None,
) -> list[LessonStats]:
    """From the maintained statistics (quizapp.services.course_statistics)."""
    summaries = catalog.lesson_summaries(session, course)
    tests, completion = course_statistics.lesson_figures(session, course)
    per_lesson_items: dict[int, list[ItemSums]] = {}
    if sums is None:
        sums = course_statistics.item_sums(session, course)
    for (lesson_id, _qid), item in sums.items():
        per_lesson_items.setdefault(lesson_id, []).append(item)
    result = []
    for summary in summaries:
        lesson = summary.lesson
        completed, best_sum = completion.get(lesson.id, (0, 0.0))
        n, score_sum, score_sq, total_sum, total_sq = tests.get(lesson.id, (0, 0.0, 0.0, 0.0, 0.0))
        result.append(
            LessonStats(
                lesson=lesson,
                question_count=summary.question_count,
                learners_completed=completed,
                completion=statistics.mean(learner_count, completed),
                mean_best_score=statistics.mean(completed, best_sum),
                first_attempts=n,
                first_mean=statistics.mean(n, score_sum),
                first_sd=statistics.standard_deviation(n, score_sum, score_sq),
                alpha=_lesson_alpha(n, total_sum, total_sq, per_lesson_items.get(lesson.id, [])),
            )
        )
    return result


def _lesson_alpha(n: int, total_sum: float, total_sq: float, items: list[ItemSums]) -> float | None:
    """Alpha needs a complete response matrix: every analysed attempt answered every
    item. When attempts drew different questions (quiz_size, a bank edited between
    attempts) it is not defined and we report None rather than a misleading figure."""
    if n < 2 or any(item.n != n for item in items):
        return None
    item_variances = [statistics.variance(i.n, i.sum_x, i.sum_x2) or 0.0 for i in items]
    return statistics.cronbach_alpha(item_variances, statistics.variance(n, total_sum, total_sq))


def _active_in_course(
    course: Course, since: datetime, until: datetime, group_id: int | None = None
):
    """The user (the outer query's User row) submitted a quiz or reviewed a card of the
    course between `since` and `until`, asked per user: each test is a short range of the
    user's own rows (ix_attempts_user_lesson, ix_review_logs_user_time) that stops at the
    first hit, instead of a UNION of the whole course's activity. Staff never count."""
    return sa.and_(
        counts_as_learner(User.id, course.id, group_id),
        sa.or_(
            _found(
                Attempt.user_id == User.id,
                Attempt.lesson_id.in_(_course_lessons(course)),
                Attempt.submitted_at >= since,
                Attempt.submitted_at <= until,
            ),
            _found(
                ReviewLog.user_id == User.id,
                ReviewLog.reviewed_at >= since,
                ReviewLog.reviewed_at <= until,
                Card.id == ReviewLog.card_id,
                Question.id == Card.question_id,
                Question.course_id == course.id,
            ),
        ),
    )


def _found(*conditions):
    """Some row meets `conditions` (correlated with the outer query's User). A LIMIT 1
    scalar subquery rather than EXISTS: PostgreSQL plans an OR of EXISTS as hashed
    subplans that read every attempt and review of the course (~250 ms with the bench
    data set); this form is evaluated per user and stops at the first row on both
    databases."""
    return sa.select(sa.literal(1)).where(*conditions).limit(1).scalar_subquery().is_not(None)


def _course_lessons(course: Course):
    return sa.select(Lesson.id).where(Lesson.course_id == course.id)


def active_learner_counts(
    session: Session, course: Course, now: datetime, group_id: int | None = None
) -> tuple[int, int]:
    """Distinct users (of the group, if given) with a quiz submission or a review in the
    last 7 and 30 days."""
    month_ago = now - timedelta(days=30)
    week_ago = now - timedelta(days=7)
    row = session.execute(
        sa.select(
            sa.func.count(sa.case((_active_in_course(course, week_ago, now, group_id), User.id))),
            sa.func.count(User.id),
        ).where(_active_in_course(course, month_ago, now, group_id))
    ).one()
    return int(row[0]), int(row[1])


def _is_course_learner(course: Course, group_id: int | None = None):
    """A user with a submitted attempt or a review in the course (the learner table's rows),
    who is not its staff nor a removed learner (and is in the group, if given)."""
    return sa.and_(
        counts_as_learner(User.id, course.id, group_id),
        sa.or_(
            _found(
                Attempt.user_id == User.id,
                Attempt.lesson_id.in_(_course_lessons(course)),
                Attempt.submitted_at.is_not(None),
            ),
            _found(
                ReviewLog.user_id == User.id,
                Card.id == ReviewLog.card_id,
                Question.id == Card.question_id,
                Question.course_id == course.id,
            ),
        ),
    )


def learner_count(session: Session, course: Course, group_id: int | None = None) -> int:
    learners = _is_course_learner(course, group_id)
    return session.scalar(sa.select(sa.func.count(User.id)).where(learners))


def learner_table(
    session: Session,
    course: Course,
    limit: int | None = None,
    offset: int = 0,
    group_id: int | None = None,
) -> list[LearnerRow]:
    """Users with a submitted attempt or a review in the course (and in the group, if
    given), by email, in one query. With `limit`, one page of them: the page's users are
    chosen first (LIMIT/OFFSET, by email then id) and their totals computed for those users
    only (two queries)."""
    learners = sa.select(User.id, User.email, User.display_name).where(
        _is_course_learner(course, group_id)
    )
    only = None
    if limit is not None:
        # The page's users first, then their rows: one plan per step, each cheap, where a
        # single statement repeats the page subquery inside both totals.
        only = list(
            session.scalars(
                learners.with_only_columns(User.id)
                .order_by(User.email, User.id)
                .limit(limit)
                .offset(offset)
            )
        )
        learners = sa.select(User.id, User.email, User.display_name).where(User.id.in_(only))
    page = learners.subquery("learners")
    quizzes = _learner_quiz_totals(course, only)
    reviews = _learner_review_totals(course, only)
    rows = session.execute(
        sa.select(
            page.c.id,
            page.c.email,
            page.c.display_name,
            quizzes.c.attempts,
            quizzes.c.lessons,
            quizzes.c.mean_best,
            quizzes.c.last,
            reviews.c.reviews,
            reviews.c.last,
        )
        .outerjoin(quizzes, quizzes.c.user_id == page.c.id)
        .outerjoin(reviews, reviews.c.user_id == page.c.id)
        .order_by(page.c.email, page.c.id)
    ).all()
    grades = _mean_grades(session, course, only)
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
            mean_grade=grades.get(user_id),
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


def _mean_grades(session: Session, course: Course, users: list[int] | None) -> dict[int, float]:
    """Per user (of `users`, if given): the mean of their lesson grades, each lesson graded
    by its own method (domain.grades.lesson_grade), from their scores in the order taken."""
    conditions = [
        Lesson.course_id == course.id,
        Attempt.submitted_at.is_not(None),
        Attempt.preview.is_(False),
    ]
    if users is not None:
        conditions.append(Attempt.user_id.in_(users))
    rows = session.execute(
        sa.select(Attempt.user_id, Attempt.lesson_id, Lesson.quiz_grading, Attempt.score)
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(*conditions)
        .order_by(Attempt.user_id, Attempt.lesson_id, Attempt.submitted_at, Attempt.id)
    )
    taken: dict[tuple[int, int], tuple[str, list[float | None]]] = {}
    for user_id, lesson_id, method, score in rows:
        taken.setdefault((user_id, lesson_id), (method or "highest", []))[1].append(score)
    per_user: dict[int, list[float]] = {}
    for (user_id, _lesson_id), (method, scores) in taken.items():
        grade = lesson_grade(method, scores)
        if grade is not None:
            per_user.setdefault(user_id, []).append(grade)
    return {user_id: sum(grades) / len(grades) for user_id, grades in per_user.items()}


def _learner_quiz_totals(course: Course, users: list[int] | None = None):
    """Per user (of `users`, if given): submitted attempts, lessons
    completed, mean best score and last submission."""
    conditions = [Lesson.course_id == course.id, Attempt.submitted_at.is_not(None)]
    if users is not None:
        conditions.append(Attempt.user_id.in_(users))
    per_lesson = (
        sa.select(
            Attempt.user_id.label("user_id"),
            sa.func.count().label("attempts"),
            sa.func.max(Attempt.score).label("best"),
            sa.func.max(Attempt.submitted_at).label("last"),
        )
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(*conditions)
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


def _learner_review_totals(course: Course, users: list[int] | None = None):
    """Per user (of `users`, if given): reviews on the review page (quiz
    answers excluded) and the last of any."""
    conditions = [Question.course_id == course.id]
    if users is not None:
        conditions.append(ReviewLog.user_id.in_(users))
    return (
        sa.select(
            ReviewLog.user_id.label("user_id"),
            sa.func.count(sa.case((ReviewLog.source == "review", 1))).label("reviews"),
            sa.func.max(ReviewLog.reviewed_at).label("last"),
        )
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Question, Question.id == Card.question_id)
        .where(*conditions)
        .group_by(ReviewLog.user_id)
        .subquery()
    )
