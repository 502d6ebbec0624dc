"""courses that belong to someone: membership, visibility, join codes, groups, invitations

Revision ID: course_membership
Revises: answer_results

Roles become per course. So that nobody loses anything on upgrade, every existing
instructor becomes an instructor of every existing course (as before, when any instructor
edited any course) and every learner with history in a course (a quiz attempt or a
review of one of its questions) becomes an enrolled learner of it. Existing courses stay
public.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "course_membership"
down_revision = "answer_results"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and a unique index, not a batch "move and copy": on SQLite that
    # drops the courses table, and ON DELETE CASCADE would take every lesson with it.
    op.add_column(
        "courses",
        sa.Column("visibility", sa.String(length=10), nullable=False, server_default="public"),
    )
    op.add_column("courses", sa.Column("join_code", sa.String(length=16), nullable=True))
    op.add_column("courses", sa.Column("archived_at", sa.DateTime(), nullable=True))
    op.create_index("uq_courses_join_code", "courses", ["join_code"], unique=True)

    op.create_table(
        "course_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_memberships_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_memberships_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_memberships")),
        sa.UniqueConstraint("course_id", "user_id", name="uq_course_memberships_course_user"),
    )
    op.create_index("ix_course_memberships_user", "course_memberships", ["user_id", "course_id"])

    op.create_table(
        "course_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_groups_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_groups")),
        sa.UniqueConstraint("course_id", "name", name="uq_course_groups_name"),
    )
    op.create_index(op.f("ix_course_groups_course_id"), "course_groups", ["course_id"])

    op.create_table(
        "course_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["course_groups.id"],
            name=op.f("fk_course_group_members_group_id_course_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_course_group_members")),
    )
    op.create_index(
        op.f("ix_course_group_members_user_id"), "course_group_members", ["user_id"]
    )

    op.create_table(
        "course_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_invitations_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_invitations")),
        sa.UniqueConstraint("course_id", "email", name="uq_course_invitations_course_email"),
    )
    op.create_index("ix_course_invitations_email", "course_invitations", ["email"])

    _enrol_existing_users()


def _enrol_existing_users():
    now = datetime.now(UTC).replace(tzinfo=None)  # the models store naive UTC
    op.execute(
        sa.text(
            "INSERT INTO course_memberships (course_id, user_id, role, joined_at)"
            " SELECT courses.id, users.id, 'instructor', :now FROM courses, users"
            " WHERE users.role = 'instructor'"
        ).bindparams(now=now)
    )
    history = (
        "SELECT lessons.course_id AS course_id, attempts.user_id AS user_id"
        " FROM attempts JOIN lessons ON lessons.id = attempts.lesson_id"
        " UNION SELECT questions.course_id, cards.user_id"
        " FROM cards JOIN questions ON questions.id = cards.question_id"
    )
    op.execute(
        sa.text(
            "INSERT INTO course_memberships (course_id, user_id, role, joined_at)"
            f" SELECT history.course_id, history.user_id, 'learner', :now FROM ({history})"
            " AS history JOIN users ON users.id = history.user_id"
            " WHERE users.role = 'learner'"
        ).bindparams(now=now)
    )


def downgrade():
    op.drop_index("ix_course_invitations_email", table_name="course_invitations")
    op.drop_table("course_invitations")
    op.drop_index(op.f("ix_course_group_members_user_id"), table_name="course_group_members")
    op.drop_table("course_group_members")
    op.drop_index(op.f("ix_course_groups_course_id"), table_name="course_groups")
    op.drop_table("course_groups")
    op.drop_index("ix_course_memberships_user", table_name="course_memberships")
    op.drop_table("course_memberships")
    op.drop_index("uq_courses_join_code", table_name="courses")
    for column in ("archived_at", "join_code", "visibility"):
        op.drop_column("courses", column)  # SQLite ≥ 3.35 drops a column in place
