"""answers.graded_by_id becomes a foreign key to users (ON DELETE SET NULL)

Revision ID: answer_grader_foreign_key
Revises: learner_activity

manual_grading added `graded_by_id` without a foreign key: on SQLite a batch copy of
`answers` (the only way Alembic adds a constraint there) drops the old table, and with
foreign keys on that deletes the answer choices that cascade from it. SQLite can add a
column that REFERENCES another table, though, and drop or rename a plain one, so there
the column is replaced in place: a new referencing column, the ids copied (a grader who
no longer exists becomes NULL, as ON DELETE SET NULL would have made it), the old one
dropped and the new one renamed. PostgreSQL adds the constraint to the column. The
downgrade does the reverse, leaving the plain column manual_grading's downgrade drops.
"""

from alembic import op

revision = "answer_grader_foreign_key"
down_revision = "learner_activity"
branch_labels = None
depends_on = None

CONSTRAINT = "fk_answers_graded_by_id_users"
# The grader's id when that user still exists, else NULL.
COPY_KNOWN_GRADER = (
    "UPDATE answers SET graded_by_new ="
    " (SELECT users.id FROM users WHERE users.id = answers.graded_by_id)"
)


def _replace_column_on_sqlite(definition: str) -> None:
    op.execute(f"ALTER TABLE answers ADD COLUMN graded_by_new {definition}")
    op.execute(COPY_KNOWN_GRADER)
    op.execute("ALTER TABLE answers DROP COLUMN graded_by_id")
    op.execute("ALTER TABLE answers RENAME COLUMN graded_by_new TO graded_by_id")


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _replace_column_on_sqlite("INTEGER REFERENCES users (id) ON DELETE SET NULL")
        return
    op.execute(
        "UPDATE answers SET graded_by_id = NULL WHERE graded_by_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = answers.graded_by_id)"
    )
    op.create_foreign_key(
        CONSTRAINT, "answers", "users", ["graded_by_id"], ["id"], ondelete="SET NULL"
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _replace_column_on_sqlite("INTEGER")
        return
    op.drop_constraint(CONSTRAINT, "answers", type_="foreignkey")
