"""Accommodations on a lesson's quiz (SPEC §12): extra minutes, extra attempts or a later
close date for one learner or one group, set by the course's instructors. They are read by
learner_rules (below), so the one enforcement (services/quizzes when starting,
services/quiz_submission when saving and submitting) applies them."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.quiz_rules import Override, QuizRules, with_overrides
from quizapp.models import CourseGroup, GroupMember, Lesson, QuizOverride


def set_override(
    session: Session,
    lesson: Lesson,
    *,
    user_id: int | None = None,
    group_id: int | None = None,
    extra_minutes: int = 0,
    extra_attempts: int = 0,
    closes: datetime | None = None,
) -> QuizOverride | None:
    """The learner's (or group's) override on the lesson, created, replaced or, when it
    grants nothing, removed (None). Exactly one of `user_id` and `group_id`."""
    if (user_id is None) == (group_id is None):
        raise ValueError("an override is for one learner or one group")
    row = session.scalar(
        sa.select(QuizOverride).where(
            QuizOverride.lesson_id == lesson.id,
            QuizOverride.user_id.is_(None) if user_id is None else QuizOverride.user_id == user_id,
            QuizOverride.group_id.is_(None)
            if group_id is None
            else QuizOverride.group_id == group_id,
        )
    )
    if not (extra_minutes or extra_attempts or closes):
        if row is not None:
            session.delete(row)
            session.flush()
        return None
    if row is None:
        row = QuizOverride(lesson_id=lesson.id, user_id=user_id, group_id=group_id)
        session.add(row)
    row.extra_minutes, row.extra_attempts, row.closes = extra_minutes, extra_attempts, closes
    session.flush()
    return row


def learner_overrides(session: Session, course_id: int, user_id: int) -> list[tuple]:
    """(lesson, override, group or None) of every override that applies to the learner
    in the course: their own and their groups', by lesson number."""
    in_groups = sa.select(GroupMember.group_id).where(GroupMember.user_id == user_id)
    rows = session.execute(
        sa.select(Lesson, QuizOverride, CourseGroup)
        .join(QuizOverride, QuizOverride.lesson_id == Lesson.id)
        .outerjoin(CourseGroup, CourseGroup.id == QuizOverride.group_id)
        .where(
            Lesson.course_id == course_id,
            sa.or_(QuizOverride.user_id == user_id, QuizOverride.group_id.in_(in_groups)),
        )
        .order_by(Lesson.number, QuizOverride.id)
    ).all()
    return [tuple(row) for row in rows]


def learner_groups(session: Session, course_id: int, user_id: int) -> list[CourseGroup]:
    return list(
        session.scalars(
            sa.select(CourseGroup)
            .join(GroupMember, GroupMember.group_id == CourseGroup.id)
            .where(CourseGroup.course_id == course_id, GroupMember.user_id == user_id)
            .order_by(CourseGroup.name)
        )
    )


def applying_to(user_id) -> sa.ColumnElement[bool]:
    """The overrides that apply to the learner: their own and their groups'."""
    return sa.or_(
        QuizOverride.user_id == user_id,
        QuizOverride.group_id.in_(
            sa.select(GroupMember.group_id).where(GroupMember.user_id == user_id)
        ),
    )


# Built once (every lesson and quiz page asks): the columns an Override needs, no ORM rows.
_OVERRIDES = sa.select(
    QuizOverride.lesson_id,
    QuizOverride.extra_minutes,
    QuizOverride.extra_attempts,
    QuizOverride.closes,
).where(
    QuizOverride.lesson_id.in_(sa.bindparam("lesson_ids", expanding=True)),
    applying_to(sa.bindparam("user_id")),
)


def rules_with(lesson: Lesson, rows) -> QuizRules:
    """The lesson's quiz rules with the overrides read in `rows` (their extra_minutes,
    extra_attempts and closes)."""
    overrides = [Override(row.extra_minutes, row.extra_attempts, row.closes) for row in rows]
    return with_overrides(lesson.quiz_rules, overrides)


def learner_rules(session: Session, lesson: Lesson, user_id: int) -> QuizRules:
    """The lesson's quiz rules with the learner's own and their groups' overrides."""
    return learner_rules_by_lesson(session, [lesson], user_id)[lesson.id]


def learner_rules_by_lesson(
    session: Session, lessons: list[Lesson], user_id: int
) -> dict[int, QuizRules]:
    """learner_rules for many lessons (the learner dashboard's) in one query."""
    rows = session.execute(
        _OVERRIDES, {"lesson_ids": [lesson.id for lesson in lessons], "user_id": user_id}
    )
    by_lesson: dict[int, list] = {}
    for row in rows:
        by_lesson.setdefault(row.lesson_id, []).append(row)
    return {lesson.id: rules_with(lesson, by_lesson.get(lesson.id, [])) for lesson in lessons}
