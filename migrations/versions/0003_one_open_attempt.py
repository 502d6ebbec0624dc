"""one open attempt per learner and lesson

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:55:00

Two requests starting a quiz at the same moment could each open an attempt (seen on
PostgreSQL under load), so a learner's first attempt was counted twice in item analysis.
A partial unique index makes the second start fail; the service then returns the open
attempt. Open duplicates already stored are unsubmitted, so only the newest is kept.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "DELETE FROM attempts WHERE submitted_at IS NULL AND id NOT IN ("
        " SELECT newest FROM (SELECT MAX(id) AS newest FROM attempts"
        " WHERE submitted_at IS NULL GROUP BY user_id, lesson_id) AS open_attempts)"
    )
    op.create_index(
        "uq_attempts_open_per_lesson",
        "attempts",
        ["user_id", "lesson_id"],
        unique=True,
        postgresql_where=sa.text("submitted_at IS NULL"),
        sqlite_where=sa.text("submitted_at IS NULL"),
    )


def downgrade():
    op.drop_index("uq_attempts_open_per_lesson", table_name="attempts")
