"""A course's settings and life: edit, archive (read-only, out of the catalogue), restore,
and delete, which only a course without learner history allows."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import Attempt, Card, Course, Lesson, Question
from quizapp.services.access import counts_as_learner
from quizapp.services.accounts import N_
from quizapp.services.memberships import MembershipError, check_visibility, new_join_code


@dataclass(frozen=True)
class CourseSettings:
    title: str
    description_md: str
    visibility: str


def update_settings(session: Session, course: Course, settings: CourseSettings) -> None:
    if not settings.title.strip():
        raise MembershipError([(N_("The course needs a title."), {})])
    check_visibility(settings.visibility)
    course.title = settings.title.strip()
    course.description_md = settings.description_md
    course.visibility = settings.visibility
    if settings.visibility == "code" and not course.join_code:
        course.join_code = new_join_code()
    session.flush()


def archive(session: Session, course: Course, now: datetime) -> None:
    course.archived_at = course.archived_at or now
    session.flush()


def restore(session: Session, course: Course) -> None:
    course.archived_at = None
    session.flush()


def has_learner_history(session: Session, course: Course) -> bool:
    """A learner (not the staff previewing) took a quiz or holds a card of the course."""
    attempt = session.scalar(
        sa.select(Attempt.id)
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(Lesson.course_id == course.id, counts_as_learner(Attempt.user_id, course.id))
        .limit(1)
    )
    if attempt is not None:
        return True
    card = session.scalar(
        sa.select(Card.id)
        .join(Question, Question.id == Card.question_id)
        .where(Question.course_id == course.id, counts_as_learner(Card.user_id, course.id))
        .limit(1)
    )
    return card is not None


def delete_course(session: Session, course: Course) -> None:
    """Deletes the course with its content and members; refused when learners have
    history in it (archive it instead, so nothing of theirs is lost)."""
    if has_learner_history(session, course):
        raise MembershipError(
            [(N_("Learners have history in this course: archive it instead."), {})]
        )
    # The database's ON DELETE CASCADE takes the lessons, questions, members and staff
    # previews with it, without loading them.
    session.execute(sa.delete(Course).where(Course.id == course.id))
    session.expunge(course)
