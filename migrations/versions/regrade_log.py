"""regrade log: what regrading a question changed in each attempt

Revision ID: regrade_log
Revises: manual_grading

After an instructor changes a question's key, regrading rewrites the answers' snapshots
and their attempts' scores; each change is kept here (old and new answer and attempt
scores, when, by whom) so the old score stays visible in the attempt's log (issue #17).
"""

import sqlalchemy as sa
from alembic import op

revision = "regrade_log"
down_revision = "manual_grading"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "regrade_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("question_version", sa.Integer(), nullable=False),
        sa.Column("old_score", sa.Float(), nullable=False),
        sa.Column("new_score", sa.Float(), nullable=False),
        sa.Column("old_attempt_score", sa.Float(), nullable=False),
        sa.Column("new_attempt_score", sa.Float(), nullable=False),
        sa.Column("regraded_at", sa.DateTime(), nullable=False),
        sa.Column("regraded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempts.id"],
            name=op.f("fk_regrade_logs_attempt_id_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_regrade_logs_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_regrade_logs_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["regraded_by_id"],
            ["users.id"],
            name=op.f("fk_regrade_logs_regraded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regrade_logs")),
    )
    op.create_index("ix_regrade_logs_attempt_id", "regrade_logs", ["attempt_id"])
    op.create_index("ix_regrade_logs_question_id", "regrade_logs", ["question_id"])


def downgrade():
    op.drop_index("ix_regrade_logs_question_id", table_name="regrade_logs")
    op.drop_index("ix_regrade_logs_attempt_id", table_name="regrade_logs")
    op.drop_table("regrade_logs")
