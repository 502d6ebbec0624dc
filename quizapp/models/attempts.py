"""Quiz attempts and the answers given in them."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        sa.Index("ix_attempts_user_lesson", "user_id", "lesson_id"),
        # The course dashboard (migration 0002): first attempts by lesson, and a
        # learner's submitted attempts (with score) per lesson.
        sa.Index("ix_attempts_lesson_first", "lesson_id", "number", "submitted_at"),
        sa.Index("ix_attempts_lesson_user", "lesson_id", "user_id", "submitted_at", "score"),
        # At most one open (unsubmitted) attempt per learner and lesson, even when two
        # requests start one at the same moment (migration 0003).
        sa.Index(
            "uq_attempts_open_per_lesson",
            "user_id",
            "lesson_id",
            unique=True,
            postgresql_where=sa.text("submitted_at IS NULL"),
            sqlite_where=sa.text("submitted_at IS NULL"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("lessons.id", ondelete="CASCADE"), index=True
    )
    # 1 for the learner's first attempt at the lesson: item analysis uses first attempts.
    number: so.Mapped[int] = so.mapped_column(default=1)
    seed: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Mean item score in [0, 1]. While essays await a grade (pending_answers > 0) they
    # count 0 here, so the score is a floor that grading only raises (manual_grading).
    score: so.Mapped[float | None] = so.mapped_column()
    question_count: so.Mapped[int] = so.mapped_column(default=0)
    # Staff trying their own quiz (migration quiz_rules): graded and shown as usual, but it
    # is not learner data: no attempt number or limit, no flashcards, no reviews, no stats.
    preview: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Answers still to be graded by hand; 0 once every essay has its grade.
    pending_answers: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    answers: so.Mapped[list["Answer"]] = so.relationship(
        back_populates="attempt", order_by="Answer.position", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(db.Model):
    """One question of an attempt: created when the attempt starts (fixing order and
    shuffled choices), filled in when it is submitted."""

    __tablename__ = "answers"
    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "question_id", name="uq_answers_attempt_question"),
        sa.Index("ix_answers_question_scored", "question_id", "score"),
        # Item analysis reads an attempt's scored answers from this index alone (0002).
        sa.Index("ix_answers_attempt_scored", "attempt_id", "question_id", "score"),
        # The grading queue: a course's answers awaiting a grade (migration manual_grading).
        sa.Index("ix_answers_awaiting_grade", "awaiting_grade", "question_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE")
    )
    question_version: so.Mapped[int] = so.mapped_column(default=1)
    position: so.Mapped[int]
    # The order in which choices/options were shown, as original positions.
    display_order: so.Mapped[list[int]] = so.mapped_column(sa.JSON, default=list)
    response: so.Mapped[Any | None] = so.mapped_column(sa.JSON)
    # Set at submission (migration answer_results): the question as it was graded and what
    # grading said, so results never depend on later edits. See services/attempt_results.
    graded: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    score: so.Mapped[float | None] = so.mapped_column()
    is_correct: so.Mapped[bool | None] = so.mapped_column()
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # When the learner's response was last autosaved before submitting (migration
    # quiz_rules): a submission after the deadline is graded on what was saved in time.
    saved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Graded by hand (an essay): pending from submission until an instructor or assistant
    # gives `score` and, optionally, a comment the learner reads with it.
    awaiting_grade: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    grader_comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Who graded it (migration answer_grader_foreign_key); NULL once that user is gone.
    graded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    hand_graded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    attempt: so.Mapped[Attempt] = so.relationship(back_populates="answers")
    question: so.Mapped["Question"] = so.relationship()  # noqa: F821
    selected_choices: so.Mapped[list["AnswerChoice"]] = so.relationship(
        cascade="all, delete-orphan"
    )


class AnswerChoice(db.Model):
    """A choice the learner selected, by position, so distractor analysis is a GROUP BY."""

    __tablename__ = "answer_choices"
    # Choice counts read the selected choices of an answer from this index alone (0002).
    __table_args__ = (
        sa.Index(
            "ix_answer_choices_answer_question", "answer_id", "question_id", "choice_position"
        ),
    )

    answer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    choice_position: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )


class QuizOverride(db.Model):
    """An accommodation on one lesson's quiz for one learner or one group (exactly one of
    the two): extra minutes, extra attempts, a later close date (domain.quiz_rules.Override)."""

    __tablename__ = "quiz_overrides"
    __table_args__ = (
        sa.UniqueConstraint("lesson_id", "user_id", name="uq_quiz_overrides_lesson_user"),
        sa.UniqueConstraint("lesson_id", "group_id", name="uq_quiz_overrides_lesson_group"),
        sa.CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="one_learner_or_group"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    lesson_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("lessons.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    group_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("course_groups.id", ondelete="CASCADE")
    )
    extra_minutes: so.Mapped[int] = so.mapped_column(default=0)
    extra_attempts: so.Mapped[int] = so.mapped_column(default=0)
    closes: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
