"""manual grading: essays await a grade by hand, attempts count what is pending

Revision ID: manual_grading
Revises: item_statistics_backfill

An essay answer is pending from submission until an instructor or assistant scores it
(0..1) with an optional comment from the grading queue (issue #17). Answers keep who
graded them and when; attempts count the answers still pending, and their score treats
those as 0 until graded (a floor that grading only raises).

Plain ADD/DROP COLUMN on every database, no batch copy: on SQLite, copying `attempts` or
`answers` into a new table would drop the old one, and with foreign keys on that deletes
the rows that cascade from it (answers, their choices). Hence no foreign key on
`graded_by_id` (SQLite cannot drop a column that has one): it names the grader.
"""

import sqlalchemy as sa
from alembic import op

revision = "manual_grading"
down_revision = "item_statistics_backfill"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "answers",
        sa.Column("awaiting_grade", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("answers", sa.Column("grader_comment", sa.Text(), nullable=True))
    op.add_column("answers", sa.Column("graded_by_id", sa.Integer(), nullable=True))
    op.add_column("answers", sa.Column("hand_graded_at", sa.DateTime(), nullable=True))
    op.create_index("ix_answers_awaiting_grade", "answers", ["awaiting_grade", "question_id"])
    op.add_column(
        "attempts", sa.Column("pending_answers", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade():
    op.drop_column("attempts", "pending_answers")
    op.drop_index("ix_answers_awaiting_grade", table_name="answers")
    for column in ("hand_graded_at", "graded_by_id", "grader_comment", "awaiting_grade"):
        op.drop_column("answers", column)
