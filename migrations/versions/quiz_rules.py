"""quiz rules: timing, attempts, dates, grading method, review options, overrides, preview

Revision ID: quiz_rules
Revises: item_statistics

Every quiz was practice: unlimited retakes, no time limit or dates, everything shown at
once. A lesson now carries the rest of SPEC §12's `quiz:` block beside quiz_size; the
defaults written here (shuffled, untimed, unlimited, highest score, all review parts
immediate) keep every existing lesson as it was. Answers remember when they were
autosaved, so a late submission is graded on what was saved in time. Attempts gain a
preview flag (staff trying a quiz: never learner data), and quiz_overrides holds the
per-learner and per-group accommodations.
"""

import sqlalchemy as sa
from alembic import op

revision = "quiz_rules"
down_revision = "item_statistics"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy): on SQLite a batch rebuild of lessons would drop the
    # table, and ON DELETE CASCADE would take its questions and attempts with it.
    op.add_column(
        "lessons",
        sa.Column("quiz_shuffle", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column("lessons", sa.Column("quiz_time_limit", sa.Integer(), nullable=True))
    op.add_column("lessons", sa.Column("quiz_attempts", sa.Integer(), nullable=True))
    op.add_column("lessons", sa.Column("quiz_opens", sa.DateTime(), nullable=True))
    op.add_column("lessons", sa.Column("quiz_closes", sa.DateTime(), nullable=True))
    op.add_column(
        "lessons",
        sa.Column("quiz_grading", sa.String(length=10), nullable=False, server_default="highest"),
    )
    op.add_column("lessons", sa.Column("quiz_review", sa.JSON(), nullable=True))
    op.add_column(
        "attempts",
        sa.Column("preview", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("answers", sa.Column("saved_at", sa.DateTime(), nullable=True))
    op.create_table(
        "quiz_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("extra_minutes", sa.Integer(), nullable=False),
        sa.Column("extra_attempts", sa.Integer(), nullable=False),
        sa.Column("closes", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (group_id IS NULL)",
            name=op.f("ck_quiz_overrides_one_learner_or_group"),
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_quiz_overrides_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_quiz_overrides_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["course_groups.id"],
            name=op.f("fk_quiz_overrides_group_id_course_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_overrides")),
        sa.UniqueConstraint("lesson_id", "user_id", name="uq_quiz_overrides_lesson_user"),
        sa.UniqueConstraint("lesson_id", "group_id", name="uq_quiz_overrides_lesson_group"),
    )
    op.create_index(op.f("ix_quiz_overrides_lesson_id"), "quiz_overrides", ["lesson_id"])


def downgrade():
    op.drop_index(op.f("ix_quiz_overrides_lesson_id"), table_name="quiz_overrides")
    op.drop_table("quiz_overrides")
    # SQLite ≥ 3.35 drops a column in place (a batch copy would cascade deletes).
    op.drop_column("answers", "saved_at")
    op.drop_column("attempts", "preview")
    for column in (
        "quiz_review",
        "quiz_grading",
        "quiz_closes",
        "quiz_opens",
        "quiz_attempts",
        "quiz_time_limit",
        "quiz_shuffle",
    ):
        op.drop_column("lessons", column)
