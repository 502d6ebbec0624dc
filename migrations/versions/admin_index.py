"""a partial index of the admins: users WHERE role = 'admin'

Revision ID: admin_index
Revises: answer_grader_foreign_key

Every learner figure leaves out a course's staff and the site's admins
(services/access.counts_as_learner), which read `users WHERE role = 'admin'`: without an
index a scan of every account, three times per instructor dashboard (20,000 learners of
the --huge bench: 20,001 rows read to find none). The index holds the admins only.
"""

import sqlalchemy as sa
from alembic import op

revision = "admin_index"
down_revision = "answer_grader_foreign_key"
branch_labels = None
depends_on = None

ADMINS = sa.text("role = 'admin'")


def upgrade():
    op.create_index(
        "ix_users_admins", "users", ["id"], postgresql_where=ADMINS, sqlite_where=ADMINS
    )


def downgrade():
    op.drop_index("ix_users_admins", table_name="users")
