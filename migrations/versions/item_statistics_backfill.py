"""backfill the maintained course statistics from existing answers

Revision ID: item_statistics_backfill
Revises: quiz_rules

Runs the rebuild `quizapp stats rebuild` runs, once per course with submitted attempts.
It calls the service, so it needs every column the service reads to exist at this point
of the chain (attempts.preview arrived with quiz_rules); a later migration that renames
one of them must keep this step working (tests/services/test_item_statistics_migration.py
replays it).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "item_statistics_backfill"
down_revision = "quiz_rules"
branch_labels = None
depends_on = None


def upgrade():
    from quizapp.services.course_statistics import rebuild

    bind = op.get_bind()
    submitted = sa.text("SELECT 1 FROM attempts WHERE submitted_at IS NOT NULL LIMIT 1")
    if bind.execute(submitted).first() is None:
        return
    session = Session(bind=bind)
    for (course_id,) in bind.execute(sa.text("SELECT id FROM courses ORDER BY id")).all():
        rebuild(session, course_id)
    session.flush()


def downgrade():
    pass  # the figures stay; item_statistics' downgrade drops the tables
