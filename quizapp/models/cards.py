"""Spaced-repetition cards (FSRS state as columns) and their review log."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class Card(db.Model):
    __tablename__ = "cards"
    __table_args__ = (
        # A learner's card of a question, and its reverse card (a flashcard studied back
        # to front) when the question asks for one.
        sa.UniqueConstraint("user_id", "question_id", "reverse", name="uq_cards_user_question"),
        sa.Index("ix_cards_user_due", "user_id", "due"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    # fsrs.State: 1 learning, 2 review, 3 relearning.
    state: so.Mapped[int] = so.mapped_column(default=1)
    step: so.Mapped[int | None] = so.mapped_column(default=0)
    stability: so.Mapped[float | None] = so.mapped_column()
    difficulty: so.Mapped[float | None] = so.mapped_column()
    due: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_review: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reps: so.Mapped[int] = so.mapped_column(default=0)
    lapses: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Review controls: a suspended card leaves the queue until unsuspended, a buried one
    # until the given moment (the start of the learner's next day); a card that lapsed
    # too often is tagged a leech (and suspended when tagged).
    suspended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    buried_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    leech: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    reverse: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    question: so.Mapped["Question"] = so.relationship()  # noqa: F821


class ReviewLog(db.Model):
    __tablename__ = "review_logs"
    __table_args__ = (sa.Index("ix_review_logs_user_time", "user_id", "reviewed_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    card_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("cards.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    rating: so.Mapped[int]  # fsrs.Rating: 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    duration_ms: so.Mapped[int | None] = so.mapped_column()
    # "quiz" when a quiz answer counted as the review, "review" from the review page,
    # "anki" for history imported from an Anki package (never undoable).
    source: so.Mapped[str] = so.mapped_column(sa.String(10), default="review")
    # The card's columns before this rating, so that it can be undone exactly; None for
    # reviews that cannot be undone (quiz answers, or history older than a reset).
    undo_state: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON(none_as_null=True))
