"""review controls: suspended, buried and leech cards; undoable ratings

Revision ID: review_controls
Revises: 0003
Create Date: 2026-12-01 23:50:00

Learners suspend and bury cards, a card that lapses too often is tagged a leech (the
threshold is a review setting), and the last ratings can be undone: each review-page log
keeps the card's columns from before it.
"""

import sqlalchemy as sa
from alembic import op

revision = "review_controls"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cards") as batch_op:
        batch_op.add_column(sa.Column("suspended_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("buried_until", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("leech", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("review_logs") as batch_op:
        batch_op.add_column(sa.Column("undo_state", sa.JSON(), nullable=True))
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("leech_threshold", sa.Integer(), server_default="8", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("leech_threshold")
    with op.batch_alter_table("review_logs") as batch_op:
        batch_op.drop_column("undo_state")
    with op.batch_alter_table("cards") as batch_op:
        batch_op.drop_column("leech")
        batch_op.drop_column("buried_until")
        batch_op.drop_column("suspended_at")
