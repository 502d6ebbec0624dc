"""dashboard indexes: covering indexes for the course dashboard's item analysis

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:30:00

The instructor's course dashboard aggregates every first attempt of a course (item
analysis, choice counts, test statistics) and looks learners up one by one (active
learners, the learner table's page). With these indexes each of those reads only an
index: first attempts by lesson, their answers with question and score, the selected
choices with their question, and a learner's submitted attempts per lesson.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_answers_attempt_scored", "answers", ["attempt_id", "question_id", "score"]),
    ("ix_attempts_lesson_first", "attempts", ["lesson_id", "number", "submitted_at"]),
    ("ix_attempts_lesson_user", "attempts", ["lesson_id", "user_id", "submitted_at", "score"]),
    (
        "ix_answer_choices_answer_question",
        "answer_choices",
        ["answer_id", "question_id", "choice_position"],
    ),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
