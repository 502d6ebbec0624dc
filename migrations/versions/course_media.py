"""media of a course

Revision ID: course_media
Revises: review_controls
Create Date: 2026-12-01 23:55:00

Uploaded images and sounds: one row per course and stored name (<sha256>.<ext>); the file
itself lives once under MEDIA_DIR, shared by every course that holds the same bytes.
"""

import sqlalchemy as sa
from alembic import op

revision = "course_media"
down_revision = "review_controls"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name="fk_media_course_id_courses", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name="fk_media_uploaded_by_id_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_media"),
        sa.UniqueConstraint("course_id", "name", name="uq_media_course_name"),
    )
    op.create_index("ix_media_course_id", "media", ["course_id"])
    op.create_index("ix_media_name", "media", ["name"])


def downgrade():
    op.drop_index("ix_media_name", table_name="media")
    op.drop_index("ix_media_course_id", table_name="media")
    op.drop_table("media")
