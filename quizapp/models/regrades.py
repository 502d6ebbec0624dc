"""The regrade log: what each regrade of a question changed in an attempt, so the old
score stays visible after an instructor regrades against a new key (services.regrading)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime


class RegradeLog(db.Model):
    __tablename__ = "regrade_logs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    answer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    # The question's version the answer was regraded against.
    question_version: so.Mapped[int]
    old_score: so.Mapped[float]
    new_score: so.Mapped[float]
    old_attempt_score: so.Mapped[float]
    new_attempt_score: so.Mapped[float]
    regraded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    regraded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
