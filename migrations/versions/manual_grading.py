"""manual grading: essays await a grade by hand, attempts count what is pending

Revision ID: manual_grading
Revises: item_statistics

An essay answer is pending from submission until an instructor or assistant scores it
(0..1) with an optional comment from the grading queue (issue #17). Answers keep who
graded them and when; attempts count the answers still pending, and their score treats
those as 0 until graded (a floor that grading only raises).
"""

import sqlalchemy as sa
from alembic import op

revision = "manual_grading"
down_revision = "item_statistics"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answers") as batch:
        batch.add_column(
            sa.Column("awaiting_grade", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("grader_comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("graded_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("hand_graded_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_answers_graded_by_id_users"),
            "users",
            ["graded_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_answers_awaiting_grade", ["awaiting_grade", "question_id"])
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(
            sa.Column("pending_answers", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("pending_answers")
    with op.batch_alter_table("answers") as batch:
        batch.drop_index("ix_answers_awaiting_grade")
        batch.drop_constraint(op.f("fk_answers_graded_by_id_users"), type_="foreignkey")
        batch.drop_column("hand_graded_at")
        batch.drop_column("graded_by_id")
        batch.drop_column("grader_comment")
        batch.drop_column("awaiting_grade")
