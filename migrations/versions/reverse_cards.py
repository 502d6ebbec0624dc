"""reverse cards: a flashcard may also be studied back to front

Revision ID: reverse_cards
Revises: regrade_log
Create Date: 2026-12-02 03:40:00

A flashcard with `reverse: true` gives each learner a second card, the reverse one: the
learner's cards of a question are now unique per (user, question, side).
"""

import sqlalchemy as sa
from alembic import op

revision = "reverse_cards"
down_revision = "regrade_log"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cards") as batch_op:
        batch_op.add_column(
            sa.Column("reverse", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.drop_constraint("uq_cards_user_question", type_="unique")
        batch_op.create_unique_constraint(
            "uq_cards_user_question", ["user_id", "question_id", "reverse"]
        )


def downgrade():
    # Reverse cards (and their review logs) go: the old constraint allows one card each.
    op.execute("DELETE FROM cards WHERE reverse")
    with op.batch_alter_table("cards") as batch_op:
        batch_op.drop_constraint("uq_cards_user_question", type_="unique")
        batch_op.create_unique_constraint("uq_cards_user_question", ["user_id", "question_id"])
        batch_op.drop_column("reverse")
