"""Fitted memory models and the background jobs that fit them.

`MemoryParameters` holds the FSRS parameters adopted for one learner or one course (the
course's are fitted from all its learners) and the figures of the last fit, adopted or not.
`Job` is a long piece of work (a fit) with its progress, run by the RQ worker when Redis is
configured and in-process otherwise; both update the same row."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class MemoryParameters(db.Model):
    __tablename__ = "fsrs_parameters"
    __table_args__ = (
        sa.CheckConstraint("(user_id IS NULL) <> (course_id IS NULL)", name="one_owner"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    course_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )
    # The adopted parameters (21 floats); None while no fit has beaten the ones in use.
    parameters: so.Mapped[list[float] | None] = so.mapped_column(sa.JSON(none_as_null=True))
    adopted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The last fit, adopted or not: when, on how many reviews, and both candidates'
    # figures on the held-out (latest) reviews.
    fitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reviews: so.Mapped[int] = so.mapped_column(default=0)
    held_out: so.Mapped[int] = so.mapped_column(default=0)
    log_loss_in_use: so.Mapped[float | None] = so.mapped_column()
    log_loss_fitted: so.Mapped[float | None] = so.mapped_column()
    rmse_in_use: so.Mapped[float | None] = so.mapped_column()
    rmse_fitted: so.Mapped[float | None] = so.mapped_column()
    adopted: so.Mapped[bool] = so.mapped_column(default=False)
    # Why the last run fitted nothing ("not enough reviews"), for the settings page.
    note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    # The owner's review count when it was last fitted: the next automatic fit waits for
    # FSRS_REFIT_EVERY more.
    reviews_at_fit: so.Mapped[int] = so.mapped_column(default=0)


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_kind_status", "kind", "status"),
        sa.UniqueConstraint("active_key", name="uq_jobs_active_key"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    # What it works on, e.g. {"user_id": 3} or {"course_id": 1} or {"all": true}.
    target: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    # Who asked (None: the automatic refit or the command line).
    requested_by: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # queued → running → finished | failed
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="queued")
    done: so.Mapped[int] = so.mapped_column(default=0)
    total: so.Mapped[int] = so.mapped_column(default=0)
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    result: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON(none_as_null=True))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The kind and target while the job is queued or running, None once it is over or lost:
    # unique, so that two requests asking for the same work at once open one job.
    active_key: so.Mapped[str | None] = so.mapped_column(sa.String(255))

    @property
    def is_over(self) -> bool:
        return self.status in ("finished", "failed")
