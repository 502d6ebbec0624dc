"""answers keep what the learner was graded against

Revision ID: answer_results
Revises: course_media

The results page and the API re-graded a stored answer against the current question, so
after an instructor changed a key a learner's page contradicted itself. Each answer now
keeps, from its submission, the question as it was graded (prompt, options, key,
feedback, explanation) and what grading said (right answer, feedback shown, parts).
Answers submitted before this migration have none: their results fall back to the
current question (their stored score and correctness stay as they were).
"""

import sqlalchemy as sa
from alembic import op

revision = "answer_results"
down_revision = "course_media"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("graded", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("graded")
