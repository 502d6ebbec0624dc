"""Who belongs to a course: members with a role in it, groups of learners, and invitations
waiting for an account with that email."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

# Re-exported: the models package is where callers find them.
from quizapp.domain.course_access import COURSE_ROLES as COURSE_ROLES
from quizapp.domain.course_access import COURSE_STAFF_ROLES
from quizapp.domain.course_access import VISIBILITIES as VISIBILITIES
from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class Membership(db.Model):
    """A user's place in a course. Removing a learner sets `removed_at`: the history stays,
    the dashboards stop counting it."""

    __tablename__ = "course_memberships"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "user_id", name="uq_course_memberships_course_user"),
        sa.Index("ix_course_memberships_user", "user_id", "course_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="learner")
    joined_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    removed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped["User"] = so.relationship()  # noqa: F821

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    @property
    def is_staff(self) -> bool:
        return self.is_active and self.role in COURSE_STAFF_ROLES


class CourseGroup(db.Model):
    """A named set of a course's learners ("Mañana", "Tarde") that filters dashboards."""

    __tablename__ = "course_groups"
    __table_args__ = (sa.UniqueConstraint("course_id", "name", name="uq_course_groups_name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class GroupMember(db.Model):
    __tablename__ = "course_group_members"

    group_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("course_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Invitation(db.Model):
    """An email invited to a course before it had an account; claimed when an account with
    that email registers or logs in."""

    __tablename__ = "course_invitations"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "email", name="uq_course_invitations_course_email"),
        sa.Index("ix_course_invitations_email", "email"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="learner")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
