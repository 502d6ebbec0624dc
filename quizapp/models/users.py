"""Accounts: users with roles, and their hashed API tokens."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow

ROLES = ("learner", "instructor", "admin")
STAFF_ROLES = ("instructor", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # The admins, whom every learner figure leaves out (services/access.counts_as_learner).
    __table_args__ = (
        sa.Index(
            "ix_users_admins",
            "id",
            postgresql_where=sa.text("role = 'admin'"),
            sqlite_where=sa.text("role = 'admin'"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="learner")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Bumped on logout-everywhere, password change or disabling: old cookies stop working.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    desired_retention: so.Mapped[float] = so.mapped_column(default=0.9)
    daily_new_limit: so.Mapped[int] = so.mapped_column(default=20)
    # A card that lapses this many times is a leech: tagged and suspended.
    leech_threshold: so.Mapped[int] = so.mapped_column(default=8, server_default="8")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    tokens: so.WriteOnlyMapped["ApiToken"] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The session version travels with the id so a stale cookie no longer loads the user.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(back_populates="tokens")
