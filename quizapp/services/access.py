"""Course access read from the database: the caller's standing in a course (decided by
quizapp.domain.course_access), the courses someone may see or staffs, and which users'
activity counts as learner data in a course."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.course_access import Standing
from quizapp.models import COURSE_STAFF_ROLES, Course, GroupMember, Membership, User
from quizapp.models.types import names_in_sql

# Built once: every course page asks for the caller's membership.
_ACTIVE_MEMBERSHIP = sa.select(Membership).where(
    Membership.user_id == sa.bindparam("user_id"),
    Membership.course_id == sa.bindparam("course_id"),
    Membership.removed_at.is_(None),
)


def active_membership(session: Session, user_id: int, course_id: int) -> Membership | None:
    return session.scalar(_ACTIVE_MEMBERSHIP, {"user_id": user_id, "course_id": course_id})


def member_role(user_id, course_id=Course.id) -> sa.ScalarSelect:
    """The role of the user's active membership of the course (NULL: none), as a column
    a lookup of the course reads along: standing's `role` without a query of its own."""
    return (
        sa.select(Membership.role)
        .where(
            Membership.user_id == user_id,
            Membership.course_id == course_id,
            Membership.removed_at.is_(None),
        )
        .limit(1)
        .scalar_subquery()
    )


# standing(role=UNREAD): the caller has not read the membership; standing reads it.
UNREAD = object()


def standing(session: Session, user: User | None, course: Course, role=UNREAD) -> Standing:
    """`user` None (or not authenticated) is an anonymous visitor. `role`: the user's
    membership role in the course when the caller read it along with the course
    (member_role; None for no membership), instead of a query here."""
    signed_in = user is not None and getattr(user, "is_authenticated", True)
    if not signed_in or user.role == "admin":
        role = None
    elif role is UNREAD:
        membership = active_membership(session, user.id, course.id)
        role = membership.role if membership else None
    return Standing(
        visibility=course.visibility,
        archived=course.archived_at is not None,
        role=role,
        is_admin=signed_in and user.role == "admin",
        signed_in=signed_in,
    )


def is_course_staff(session: Session, user: User, course_id: int) -> bool:
    if user.role == "admin":
        return True
    membership = active_membership(session, user.id, course_id)
    return membership is not None and membership.role in COURSE_STAFF_ROLES


def visible_course_filter(user: User | None):
    """Courses the catalogue shows `user`: the listed ones (public or code, not archived)
    and the ones they belong to (not archived); an admin sees every unarchived course."""
    live = Course.archived_at.is_(None)
    if user is None or not getattr(user, "is_authenticated", True):
        return sa.and_(live, Course.visibility.in_(("public", "code")))
    if user.role == "admin":
        return live
    mine = sa.select(Membership.course_id).where(
        Membership.user_id == user.id, Membership.removed_at.is_(None)
    )
    return sa.and_(live, sa.or_(Course.visibility.in_(("public", "code")), Course.id.in_(mine)))


def staff_course_roles(session: Session, user: User) -> dict[int, str]:
    """Course id → the user's staff role there (instructor | assistant); an admin gets
    "instructor" for every course."""
    if user.role == "admin":
        return {course_id: "instructor" for course_id in session.scalars(sa.select(Course.id))}
    rows = session.execute(
        sa.select(Membership.course_id, Membership.role).where(
            Membership.user_id == user.id,
            Membership.removed_at.is_(None),
            Membership.role.in_(names_in_sql(COURSE_STAFF_ROLES)),
        )
    )
    return {course_id: role for course_id, role in rows}


def staffs_a_course(session: Session, user_id: int) -> bool:
    """The user is an instructor or assistant of some course (one indexed lookup)."""
    found = session.scalar(
        sa.select(Membership.id)
        .where(
            Membership.user_id == user_id,
            Membership.removed_at.is_(None),
            Membership.role.in_(names_in_sql(COURSE_STAFF_ROLES)),
        )
        .limit(1)
    )
    return found is not None


def member_roles(session: Session, user: User) -> dict[int, str]:
    """Course id → the user's active role in it."""
    rows = session.execute(
        sa.select(Membership.course_id, Membership.role).where(
            Membership.user_id == user.id, Membership.removed_at.is_(None)
        )
    )
    return {course_id: role for course_id, role in rows}


def counts_as_learner(user_id_column, course_id: int, group_id: int | None = None):
    """A condition on `user_id_column`: this user's activity is learner data of the course.
    Staff of the course (instructors, assistants), admins and removed learners never count,
    so a preview or a removed learner's history stays out of item analysis, completion and
    the learner tables. With `group_id`, only that group's learners count."""
    not_learners = sa.union(
        sa.select(Membership.user_id).where(
            Membership.course_id == course_id,
            sa.or_(Membership.role != "learner", Membership.removed_at.is_not(None)),
        ),
        sa.select(User.id).where(User.role == "admin"),
    )
    condition = user_id_column.not_in(not_learners)
    if group_id is not None:
        in_group = sa.select(GroupMember.user_id).where(GroupMember.group_id == group_id)
        condition = sa.and_(condition, user_id_column.in_(in_group))
    return condition
