"""jobs.active_key: one queued or running job per piece of work, kept by a unique index

Revision ID: job_active_key
Revises: admin_index

Opening a job read the waiting ones and then inserted: two requests asking for the same
fit at the same moment both found none and both queued one. The key (kind plus the
target as sorted JSON) is set while a job is queued or running and cleared when it ends,
so the second insert fails and that request answers with the first job. Jobs already
waiting keep their key (the newest one of each piece of work).
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "job_active_key"
down_revision = "admin_index"
branch_labels = None
depends_on = None

JOBS = sa.table(
    "jobs",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("target", sa.JSON),
    sa.column("status", sa.String),
    sa.column("active_key", sa.String),
)


def upgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("active_key", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint("uq_jobs_active_key", ["active_key"])
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(JOBS.c.id, JOBS.c.kind, JOBS.c.target)
        .where(JOBS.c.status.in_(("queued", "running")))
        .order_by(JOBS.c.id.desc())
    )
    keyed: dict[str, int] = {}
    for job_id, kind, target in waiting:
        key = f"{kind}:{json.dumps(target or {}, sort_keys=True, separators=(',', ':'))}"
        keyed.setdefault(key, job_id)
    for key, job_id in keyed.items():
        connection.execute(sa.update(JOBS).where(JOBS.c.id == job_id).values(active_key=key))


def downgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_constraint("uq_jobs_active_key", type_="unique")
        batch_op.drop_column("active_key")
