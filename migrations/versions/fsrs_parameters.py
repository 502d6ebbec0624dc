"""fsrs parameters: fitted memory models per learner and per course, and jobs

Revision ID: fsrs_parameters
Revises: course_membership
Create Date: 2026-12-02 02:40:00

FSRS parameters fitted from a learner's review log (or a course's learners' logs) are kept
with the figures that justified them; long fits run as jobs whose progress is a row.
"""

import sqlalchemy as sa
from alembic import op

revision = "fsrs_parameters"
down_revision = "course_membership"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fsrs_parameters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("adopted_at", sa.DateTime(), nullable=True),
        sa.Column("fitted_at", sa.DateTime(), nullable=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("held_out", sa.Integer(), nullable=False),
        sa.Column("log_loss_in_use", sa.Float(), nullable=True),
        sa.Column("log_loss_fitted", sa.Float(), nullable=True),
        sa.Column("rmse_in_use", sa.Float(), nullable=True),
        sa.Column("rmse_fitted", sa.Float(), nullable=True),
        sa.Column("adopted", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("reviews_at_fit", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (course_id IS NULL)", name=op.f("ck_fsrs_parameters_one_owner")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_fsrs_parameters_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_fsrs_parameters_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fsrs_parameters")),
        sa.UniqueConstraint("course_id", name=op.f("uq_fsrs_parameters_course_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_fsrs_parameters_user_id")),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_jobs_requested_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index("ix_jobs_kind_status", "jobs", ["kind", "status"], unique=False)
    op.create_index(op.f("ix_jobs_requested_by"), "jobs", ["requested_by"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_jobs_requested_by"), table_name="jobs")
    op.drop_index("ix_jobs_kind_status", table_name="jobs")
    op.drop_table("jobs")
    op.drop_table("fsrs_parameters")
