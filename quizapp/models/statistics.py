"""Sufficient statistics of a course's learner data, maintained as answers are submitted
(quizapp.services.course_statistics), so the instructor dashboard reads a few hundred
rows whatever the number of answers. Every row can be rebuilt from the answers
(`quizapp stats rebuild`); a row whose count is 0 means the same as no row."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime


def _course_fk():
    return so.mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)


class ItemStatistic(db.Model):
    """One question as answered in one lesson's first submitted attempts (learners only):
    x = item score, y = rest score (the attempt's total minus x)."""

    __tablename__ = "item_statistics"

    lesson_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: so.Mapped[int] = _course_fk()
    n: so.Mapped[int] = so.mapped_column(default=0)
    sum_x: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    sum_x2: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    sum_y: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    sum_y2: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    sum_xy: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)


class LessonStatistic(db.Model):
    """A lesson's test statistics over first submitted attempts with a scored answer
    (score = the attempt's mean item score, total = its raw sum), and its completion over
    every submitted attempt: learners with one, and the sum of their best scores."""

    __tablename__ = "lesson_statistics"

    lesson_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: so.Mapped[int] = _course_fk()
    first_n: so.Mapped[int] = so.mapped_column(default=0)
    score_sum: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    score_sq: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    total_sum: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    total_sq: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)
    completed: so.Mapped[int] = so.mapped_column(default=0)
    best_sum: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0)


class ChoiceStatistic(db.Model):
    """How many first submitted attempts' answers selected a question's choice."""

    __tablename__ = "choice_statistics"

    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    choice_position: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = _course_fk()
    count: so.Mapped[int] = so.mapped_column(default=0)


class LearnerActivity(db.Model):
    """One user's activity in one course, for the dashboard's learner figures (active in
    the last 7/30 days, the learner table's rows and paging): the moment of their last
    quiz submission or review of any source, and their review-page reviews. A row exists
    once the user has any activity. These are the user's own facts, not sums over users,
    so whether they count as a learner is asked when reading: role and membership changes
    never touch these rows."""

    __tablename__ = "learner_activity"

    course_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_activity_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    reviews: so.Mapped[int] = so.mapped_column(default=0)
