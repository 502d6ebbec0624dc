"""Course content: courses, lessons (clases) and their questions with choices as rows."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from quizapp.domain.quiz_rules import REVIEW_PARTS, QuizRules
from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (sa.Index("uq_courses_join_code", "join_code", unique=True),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description_md: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Who finds and joins the course (quizapp.models.courses.VISIBILITIES): "public" is
    # listed with one-click enrolment, "code" is listed and joined with `join_code`,
    # "invite" is unlisted and staff add the members.
    visibility: so.Mapped[str] = so.mapped_column(sa.String(10), default="public")
    join_code: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    # An archived course is read-only and left out of the catalogue; its history stays.
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    lessons: so.Mapped[list["Lesson"]] = so.relationship(
        back_populates="course", order_by="Lesson.number", cascade="all, delete-orphan"
    )


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "slug", name="uq_lessons_course_slug"),
        sa.UniqueConstraint("course_id", "number", name="uq_lessons_course_number"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    number: so.Mapped[int]
    slug: so.Mapped[str] = so.mapped_column(sa.String(160))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    body_md: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # None draws every active question; a number draws that many at random per attempt.
    quiz_size: so.Mapped[int | None] = so.mapped_column()
    # The rest of the quiz rules (SPEC §12, migration quiz_rules; quizapp.domain.quiz_rules
    # says what each means). The defaults are a practice quiz: shuffled, untimed, unlimited.
    quiz_shuffle: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    quiz_time_limit: so.Mapped[int | None] = so.mapped_column()  # minutes
    quiz_attempts: so.Mapped[int | None] = so.mapped_column()  # allowed
    quiz_opens: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    quiz_closes: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    quiz_grading: so.Mapped[str] = so.mapped_column(
        sa.String(10), default="highest", server_default="highest"
    )
    # {"score"|"correctness"|"answers"|"feedback": "immediate"|"after_close"|"never"};
    # a part not named is "immediate".
    quiz_review: so.Mapped[dict[str, str] | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course: so.Mapped[Course] = so.relationship(back_populates="lessons")
    questions: so.WriteOnlyMapped["Question"] = so.relationship(back_populates="lesson")

    @property
    def quiz_rules(self) -> QuizRules:
        return QuizRules(
            size=self.quiz_size,
            shuffle=self.quiz_shuffle if self.quiz_shuffle is not None else True,
            time_limit=self.quiz_time_limit,
            attempts=self.quiz_attempts,
            opens=self.quiz_opens,
            closes=self.quiz_closes,
            grading=self.quiz_grading or "highest",
            review=dict.fromkeys(REVIEW_PARTS, "immediate") | dict(self.quiz_review or {}),
        )

    def set_quiz_rules(self, rules: QuizRules) -> None:
        self.quiz_size, self.quiz_shuffle = rules.size, rules.shuffle
        self.quiz_time_limit, self.quiz_attempts = rules.time_limit, rules.attempts
        self.quiz_opens, self.quiz_closes = rules.opens, rules.closes
        self.quiz_grading = rules.grading
        shown = {part: when for part, when in rules.review.items() if when != "immediate"}
        self.quiz_review = shown or None


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "external_id", name="uq_questions_course_external_id"),
        # A lesson's active questions, and of them those of a type (the learner dashboard's
        # card-able questions, counted from the index alone: migration deck_question_index).
        sa.Index("ix_questions_lesson_active_type", "lesson_id", "retired_at", "type"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"))
    # The author's stable id from the bank file; loading is keyed by it.
    external_id: so.Mapped[str] = so.mapped_column(sa.String(80))
    type: so.Mapped[str] = so.mapped_column(sa.String(30))
    title: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    prompt_md: so.Mapped[str] = so.mapped_column(sa.Text)
    explanation_md: so.Mapped[str | None] = so.mapped_column(sa.Text)
    section: so.Mapped[str | None] = so.mapped_column(sa.String(160))
    tags: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    # The normalised type-specific part of the question (answers, pairs, blanks...).
    data: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    # Bumped whenever the graded content changes; answers keep the version they answered.
    version: so.Mapped[int] = so.mapped_column(default=1)
    position: so.Mapped[int] = so.mapped_column(default=0)
    retired_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lesson: so.Mapped[Lesson] = so.relationship(back_populates="questions")
    choices: so.Mapped[list["Choice"]] = so.relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class Choice(db.Model):
    """A choice of a choice-based question, as a row so distractor counts are SQL."""

    __tablename__ = "choices"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "position", name="uq_choices_question_position"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE")
    )
    position: so.Mapped[int]
    text_md: so.Mapped[str] = so.mapped_column(sa.Text)
    weight: so.Mapped[float] = so.mapped_column(default=0.0)
    is_correct: so.Mapped[bool] = so.mapped_column(default=False)
    feedback_md: so.Mapped[str | None] = so.mapped_column(sa.Text)

    question: so.Mapped[Question] = so.relationship(back_populates="choices")
