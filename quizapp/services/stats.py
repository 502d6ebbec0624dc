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
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import statistics
from quizapp.domain.grades import lesson_grade
from quizapp.domain.statistics import ItemSums
from quizapp.models import Attempt, Course, LearnerActivity, Lesson, User
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
    total, active_7, active_30 = learner_counts(session, course, now, group_id)
    if page is None:
        learners = learner_table(session, course, group_id=group_id)
        pages = 1
    else:
        pages = max(1, math.ceil(total / per_page))
        page = min(max(page, 1), pages)
        offset = (page - 1) * per_page
        learners = learner_table(session, course, per_page, offset, group_id)
    course_total = total if group_id is None else learner_count(session, course)
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


def _activity_of_learners(course: Course, group_id: int | None = None):
    """The maintained activity rows (quizapp.services.learner_activity) of the course's
    learners: users with a submitted attempt or a review there, who are not its staff nor
    removed learners (and are in the group, if given)."""
    return sa.and_(
        LearnerActivity.course_id == course.id,
        counts_as_learner(LearnerActivity.user_id, course.id, group_id),
    )


def learner_counts(
    session: Session, course: Course, now: datetime, group_id: int | None = None
) -> tuple[int, int, int]:
    """Learners (of the group, if given) with activity in the course, and those of them
    whose last quiz submission or review is within 7 and 30 days: one pass over the
    course's activity rows (20,000 of them at --huge) instead of one per figure. Activity
    stamped after `now` counts as recent (another node's clock a little ahead must not
    hide a learner)."""
    last = LearnerActivity.last_activity_at
    row = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(sa.case((last >= now - timedelta(days=7), 1))),
            sa.func.count(sa.case((last >= now - timedelta(days=30), 1))),
        ).where(_activity_of_learners(course, group_id))
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def learner_count(session: Session, course: Course, group_id: int | None = None) -> int:
    return session.scalar(sa.select(sa.func.count()).where(_activity_of_learners(course, group_id)))


def learner_table(
    session: Session,
    course: Course,
    limit: int | None = None,
    offset: int = 0,
    group_id: int | None = None,
) -> list[LearnerRow]:
    """Users with a submitted attempt or a review in the course (and in the group, if
    given), by email. With `limit`, one page of them (LIMIT/OFFSET, by email then id).
    Their reviews and last activity are maintained; their quiz figures come from one
    query of their own attempts (the page's users only, when paged)."""
    query = (
        sa.select(
            User.id,
            User.email,
            User.display_name,
            LearnerActivity.reviews,
            LearnerActivity.last_activity_at,
        )
        .join(LearnerActivity, LearnerActivity.user_id == User.id)
        .where(_activity_of_learners(course, group_id))
        .order_by(User.email, User.id)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = session.execute(query).all()
    page = [row[0] for row in rows] if limit is not None else None
    quizzes = _quiz_figures(session, course, page)
    return [
        LearnerRow(
            user_id=user_id,
            email=email,
            display_name=name,
            reviews=reviews,
            last_activity=last,
            **quizzes.get(user_id, _NO_QUIZZES),
        )
        for user_id, email, name, reviews, last in rows
    ]


_NO_QUIZZES = {"attempts": 0, "lessons_completed": 0, "mean_best_score": None, "mean_grade": None}


def _submitted_attempts(of_users: bool) -> sa.Select:
    """The submitted attempts of a course (previews left out), of the users given as the
    expanding parameter `users` when `of_users`, in the order each learner took them."""
    query = (
        sa.select(
            Attempt.user_id,
            Attempt.lesson_id,
            Lesson.quiz_grading,
            Attempt.score,
            Attempt.pending_answers,
        )
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(
            Lesson.course_id == sa.bindparam("course_id"),
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
        )
        .order_by(Attempt.user_id, Attempt.lesson_id, Attempt.submitted_at, Attempt.id)
    )
    if of_users:
        query = query.where(Attempt.user_id.in_(sa.bindparam("users", expanding=True)))
    return query


# Built once: a dashboard page reads them for every request.
_COURSE_ATTEMPTS = _submitted_attempts(of_users=False)
_USERS_ATTEMPTS = _submitted_attempts(of_users=True)


def _quiz_figures(session: Session, course: Course, users: list[int] | None) -> dict[int, dict]:
    """Per user (of `users`, if given), from their submitted attempts in the course
    (previews left out), in the order taken: attempts, lessons completed, the mean over
    lessons of the best score, and the mean of their lesson grades, each lesson graded by
    its own method (domain.grades.lesson_grade). One pass over the rows, which come
    grouped by user then lesson."""
    if users is None:
        rows = session.execute(_COURSE_ATTEMPTS, {"course_id": course.id})
    else:
        rows = session.execute(_USERS_ATTEMPTS, {"course_id": course.id, "users": users})
    figures = {}
    for user_id, user_rows in groupby(rows, key=itemgetter(0)):
        attempts = lessons = 0
        bests, grades = [], []
        for _lesson, lesson_rows in groupby(user_rows, key=itemgetter(1)):
            taken = list(lesson_rows)
            attempts += len(taken)
            lessons += 1
            scored = [row[3] for row in taken if row[3] is not None]
            if scored:
                bests.append(max(scored))
            # An attempt awaiting a hand grade is no grade yet (its score is only a floor):
            # a lesson grade that counts one is pending and left out of the mean.
            grade = lesson_grade(
                taken[0][2] or "highest",
                [None if row[4] else (row[3] or 0.0) for row in taken],
            ).score
            if grade is not None:
                grades.append(grade)
        figures[user_id] = {
            "attempts": attempts,
            "lessons_completed": lessons,
            "mean_best_score": sum(bests) / len(bests) if bests else None,
            "mean_grade": sum(grades) / len(grades) if grades else None,
        }
    return figures
