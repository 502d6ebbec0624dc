"""Groups of a course's learners ("Mañana", "Tarde"): create them and put learners in."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import Course, CourseGroup, GroupMember, Membership
from quizapp.services.accounts import N_
from quizapp.services.memberships import MembershipError


@dataclass(frozen=True)
class GroupRow:
    group: CourseGroup
    member_count: int


def list_groups(session: Session, course: Course) -> list[GroupRow]:
    counts = (
        sa.select(GroupMember.group_id, sa.func.count().label("n"))
        .group_by(GroupMember.group_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(CourseGroup, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == CourseGroup.id)
        .where(CourseGroup.course_id == course.id)
        .order_by(CourseGroup.name)
    ).all()
    return [GroupRow(group, int(count)) for group, count in rows]


def find_group(session: Session, course: Course, group_id: int) -> CourseGroup | None:
    return session.scalar(
        sa.select(CourseGroup).where(CourseGroup.id == group_id, CourseGroup.course_id == course.id)
    )


def create_group(session: Session, course: Course, name: str) -> CourseGroup:
    name = " ".join(name.split())
    if not name:
        raise MembershipError([(N_("The group needs a name."), {})])
    exists = session.scalar(
        sa.select(CourseGroup.id).where(
            CourseGroup.course_id == course.id, CourseGroup.name == name
        )
    )
    if exists is not None:
        raise MembershipError([(N_("There is already a group %(name)s."), {"name": name})])
    group = CourseGroup(course_id=course.id, name=name)
    session.add(group)
    session.flush()
    return group


def set_learner_group(session: Session, course: Course, user_id: int, group_id: int | None) -> None:
    """Puts a learner of the course in one group of it (None: in none)."""
    is_learner = session.scalar(
        sa.select(Membership.id).where(
            Membership.course_id == course.id,
            Membership.user_id == user_id,
            Membership.role == "learner",
            Membership.removed_at.is_(None),
        )
    )
    if is_learner is None:
        raise MembershipError([(N_("Only the course's learners go in its groups."), {})])
    groups = sa.select(CourseGroup.id).where(CourseGroup.course_id == course.id)
    session.execute(
        sa.delete(GroupMember).where(
            GroupMember.user_id == user_id, GroupMember.group_id.in_(groups)
        )
    )
    if group_id is not None:
        if find_group(session, course, group_id) is None:
            raise MembershipError([(N_("No such group in this course."), {})])
        session.add(GroupMember(group_id=group_id, user_id=user_id))
    session.flush()


def learner_groups(session: Session, course: Course) -> dict[int, int]:
    """Learner user id → their group id in the course."""
    rows = session.execute(
        sa.select(GroupMember.user_id, GroupMember.group_id)
        .join(CourseGroup, CourseGroup.id == GroupMember.group_id)
        .where(CourseGroup.course_id == course.id)
    )
    return {user_id: group_id for user_id, group_id in rows}
