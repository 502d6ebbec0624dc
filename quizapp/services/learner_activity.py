"""Each user's activity in each course (models.statistics.LearnerActivity: the last quiz
submission or review of any source, and the review-page reviews), maintained so the
instructor dashboard's learner figures (active in the last 7/30 days, the learner
table's rows, count and paging) read one row per learner whatever the number of answers.

These are the user's own facts, not sums over users: they move only with that user's
submissions (`touch`, from course_statistics.record_submission), reviews
(`record_review`, from ratings), undone reviews (`review_undone`) and reviews written in
bulk (`refresh`, after a simulated history). Who counts as a
learner (not staff, not removed) is asked when reading, so role and membership changes
never touch the rows. `activity` recomputes them from the attempts and review logs (the
equality test compares the two) and `rebuild` stores that (`quizapp stats rebuild`)."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import Attempt, Card, Course, LearnerActivity, Lesson, Question, ReviewLog


def dialect_insert(dialect: str):
    """The dialect's INSERT, which has ON CONFLICT DO UPDATE (both databases)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def touch(
    session: Session, course_id: "int | CourseOfCard", user_id: int, at: datetime, reviews: int
):
    """One statement: the row is created, or its reviews added and its last activity
    moved forward (never back: an Anki history import logs reviews in the past).
    `course_id` is the course's id, or a CourseOfCard (a rating knows its card only)."""
    by_card = isinstance(course_id, CourseOfCard)
    statement = _touch_statement(session.get_bind().dialect.name, by_card)
    session.execute(
        statement,
        {
            "card_id" if by_card else "course_id": course_id.card_id if by_card else course_id,
            "user_id": user_id,
            "at": at,
            "reviews": reviews,
        },
    )


@dataclass(frozen=True)
class CourseOfCard:
    """The course of this card, read by the upsert itself (no statement of its own)."""

    card_id: int


@cache
def _touch_statement(dialect: str, by_card: bool):
    """`touch`'s upsert, built once per dialect (every submission and rating runs one)."""
    table = LearnerActivity.__table__
    course_id = (
        _course_of_card(sa.bindparam("card_id")).scalar_subquery()
        if by_card
        else sa.bindparam("course_id")
    )
    statement = dialect_insert(dialect)(table).values(
        course_id=course_id,
        user_id=sa.bindparam("user_id"),
        last_activity_at=sa.bindparam("at"),
        reviews=sa.bindparam("reviews"),
    )
    later = statement.excluded.last_activity_at
    return statement.on_conflict_do_update(
        index_elements=["course_id", "user_id"],
        set_={
            "reviews": table.c.reviews + statement.excluded.reviews,
            "last_activity_at": sa.case(
                (later > table.c.last_activity_at, later), else_=table.c.last_activity_at
            ),
        },
    )


def _course_of_card(card_id) -> sa.Select:
    return (
        sa.select(Question.course_id)
        .join(Card, Card.question_id == Question.id)
        .where(Card.id == card_id)
    )


def record_review(session: Session, card_id: int, user_id: int, at: datetime, source: str):
    """A review was logged for the card (a quiz submission's own logs are counted by
    `record_submission`, which carries their moment)."""
    touch(session, CourseOfCard(card_id), user_id, at, int(source == "review"))


def review_undone(session: Session, card_id: int, user_id: int) -> None:
    """A review-page log of the card was deleted: the user's row there is recomputed."""
    refresh(session, session.scalar(_course_of_card(card_id)), user_id)


def refresh(session: Session, course_id: int, user_id: int) -> None:
    """Recomputes one user's row in a course, after logs were written or deleted in bulk."""
    session.flush()
    session.execute(
        sa.delete(LearnerActivity).where(
            LearnerActivity.course_id == course_id, LearnerActivity.user_id == user_id
        )
    )
    _insert_activity(session, course_id, activity(session, course_id, user_id))


def activity(
    session: Session, course: Course | int, user_id: int | None = None
) -> dict[int, tuple[datetime, int]]:
    """Recomputed per user (or for `user_id`): last submission or review of any source in
    the course (previews left out), and review-page reviews."""
    course_id = course if isinstance(course, int) else course.id
    only = (lambda column: [column == user_id]) if user_id is not None else lambda _c: []
    quizzes = session.execute(
        sa.select(Attempt.user_id, sa.func.max(Attempt.submitted_at))
        .where(
            Attempt.lesson_id.in_(sa.select(Lesson.id).where(Lesson.course_id == course_id)),
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
            *only(Attempt.user_id),
        )
        .group_by(Attempt.user_id)
    )
    found = {user: (last, 0) for user, last in quizzes}
    logs = session.execute(
        sa.select(
            ReviewLog.user_id,
            sa.func.max(ReviewLog.reviewed_at),
            sa.func.count(sa.case((ReviewLog.source == "review", 1))),
        )
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Question, Question.id == Card.question_id)
        .where(Question.course_id == course_id, *only(ReviewLog.user_id))
        .group_by(ReviewLog.user_id)
    )
    for user, last, reviews in logs:
        quiz_last = found.get(user, (last, 0))[0]
        found[user] = (max(last, quiz_last), int(reviews))
    return found


def _insert_activity(session: Session, course_id: int, rows: dict) -> None:
    if rows:
        session.execute(
            sa.insert(LearnerActivity),
            [
                {"course_id": course_id, "user_id": u, "last_activity_at": at, "reviews": n}
                for u, (at, n) in rows.items()
            ],
        )


def rebuild(session: Session, course: Course | int) -> int:
    """Recomputes a course's learner activity; returns the number of users with some."""
    course_id = course if isinstance(course, int) else course.id
    session.execute(sa.delete(LearnerActivity).where(LearnerActivity.course_id == course_id))
    rows = activity(session, course_id)
    _insert_activity(session, course_id, rows)
    session.flush()
    return len(rows)


def maintained(session: Session, course: Course | int) -> dict:
    """The stored learner activity, in the shape `activity` recomputes."""
    rows = session.execute(
        sa.select(
            LearnerActivity.user_id, LearnerActivity.last_activity_at, LearnerActivity.reviews
        ).where(LearnerActivity.course_id == (course if isinstance(course, int) else course.id))
    )
    return {user: (at, reviews) for user, at, reviews in rows}
