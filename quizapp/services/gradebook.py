"""The course gradebook: the course's learners × its lessons, each cell the lesson's grade,
the attempts submitted and where the learner stands (not started, in progress, pending
grading, graded). Learners only: staff, admins and removed learners are left out, and a
group narrows it to that group's learners. A page (GRADEBOOK_PER_PAGE learners, by name)
is computed for those learners only, so a large course's page costs what a small one's
does; the CSV takes every learner. Five queries whatever the size."""

import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.grades import lesson_grade
from quizapp.models import Attempt, Course, Lesson, Membership, User
from quizapp.services.access import counts_as_learner
from quizapp.services.course_groups import learner_groups

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
PENDING = "pending_grading"
GRADED = "graded"
STATES = (NOT_STARTED, IN_PROGRESS, PENDING, GRADED)
GRADEBOOK_PER_PAGE = 50


@dataclass(frozen=True)
class GradebookCell:
    grade: float | None  # None: nothing submitted, or the grade is pending
    attempts: int  # submitted
    state: str  # one of STATES
    # The grade waits on an attempt whose essay awaits its hand grade (domain.grades).
    grade_pending: bool = False


@dataclass(frozen=True)
class GradebookRow:
    user_id: int
    email: str
    display_name: str
    group_id: int | None
    cells: list[GradebookCell]  # in the order of Gradebook.lessons


@dataclass(frozen=True)
class Gradebook:
    course: Course
    lessons: list[Lesson]
    rows: list[GradebookRow]
    total: int = 0  # learners on every page
    page: int = 1
    pages: int = 1


def gradebook(
    session: Session,
    course: Course,
    group_id: int | None = None,
    page: int | None = None,
    per_page: int = GRADEBOOK_PER_PAGE,
) -> Gradebook:
    """With `page` (1-based, clamped to the pages there are) only that page's learners;
    without it, every learner (the CSV)."""
    lessons = list(
        session.scalars(
            sa.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.number)
        )
    )

    def listed(*columns):
        return (
            sa.select(*columns)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.course_id == course.id,
                Membership.role == "learner",
                Membership.removed_at.is_(None),
                counts_as_learner(User.id, course.id, group_id),
            )
        )

    total = session.scalar(listed(sa.func.count(User.id)))
    pages = max(1, math.ceil(total / per_page)) if page is not None else 1
    query = listed(User.id, User.email, User.display_name).order_by(
        User.display_name, User.email, User.id
    )
    if page is not None:
        page = min(max(page, 1), pages)
        query = query.limit(per_page).offset((page - 1) * per_page)
    learners = session.execute(query).all()
    shown = [user_id for user_id, _email, _name in learners]
    attempts = session.execute(
        sa.select(
            Attempt.user_id,
            Attempt.lesson_id,
            Attempt.score,
            Attempt.submitted_at,
            Attempt.pending_answers,
        )
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(
            Lesson.course_id == course.id,
            Attempt.preview.is_(False),
            counts_as_learner(Attempt.user_id, course.id, group_id),
            Attempt.user_id.in_(shown),
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    ).all()
    submitted: dict[tuple[int, int], list[float | None]] = {}
    pending: set[tuple[int, int]] = set()
    started: set[tuple[int, int]] = set()
    for user_id, lesson_id, score, submitted_at, pending_answers in attempts:
        key = (user_id, lesson_id)
        started.add(key)
        if submitted_at is not None:
            # An attempt awaiting a hand grade counts as no grade yet (lesson_grade).
            submitted.setdefault(key, []).append(None if pending_answers else (score or 0.0))
            if pending_answers:
                pending.add(key)
    groups = learner_groups(session, course)
    rows = [
        GradebookRow(
            user_id,
            email,
            display_name or "",
            groups.get(user_id),
            [
                _cell(lesson, (user_id, lesson.id), submitted, pending, started)
                for lesson in lessons
            ],
        )
        for user_id, email, display_name in learners
    ]
    return Gradebook(course, lessons, rows, total, page or 1, pages)


def _cell(lesson, key, submitted, pending, started) -> GradebookCell:
    scores = submitted.get(key, [])
    if key in pending:
        state = PENDING
    elif scores:
        state = GRADED
    elif key in started:
        state = IN_PROGRESS
    else:
        state = NOT_STARTED
    grade = lesson_grade(lesson.quiz_grading or "highest", scores)  # its grading method
    return GradebookCell(grade.score, len(scores), state, grade.pending)
