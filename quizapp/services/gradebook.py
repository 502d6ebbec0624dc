"""The course gradebook: the course's learners × its lessons, each cell the lesson's grade,
the attempts submitted and where the learner stands (not started, in progress, pending
grading, graded). Learners only: staff, admins and removed learners are left out, and a
group narrows it to that group's learners. Four queries whatever the size."""

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


@dataclass(frozen=True)
class GradebookCell:
    grade: float | None
    attempts: int  # submitted
    state: str  # one of STATES


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


def gradebook(session: Session, course: Course, group_id: int | None = None) -> Gradebook:
    lessons = list(
        session.scalars(
            sa.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.number)
        )
    )
    learners = session.execute(
        sa.select(User.id, User.email, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.course_id == course.id,
            Membership.role == "learner",
            Membership.removed_at.is_(None),
            counts_as_learner(User.id, course.id, group_id),
        )
        .order_by(User.display_name, User.email, User.id)
    ).all()
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
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    ).all()
    submitted: dict[tuple[int, int], list[float]] = {}
    pending: set[tuple[int, int]] = set()
    started: set[tuple[int, int]] = set()
    for user_id, lesson_id, score, submitted_at, pending_answers in attempts:
        key = (user_id, lesson_id)
        started.add(key)
        if submitted_at is not None:
            submitted.setdefault(key, []).append(score or 0.0)
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
    return Gradebook(course, lessons, rows)


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
    return GradebookCell(grade, len(scores), state)
