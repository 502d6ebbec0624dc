"""Media of a course: checked images and sounds kept once on disk under MEDIA_DIR (named by
their SHA-256) and listed per course, which decides who may fetch them."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class Media(db.Model):
    __tablename__ = "media"
    __table_args__ = (sa.UniqueConstraint("course_id", "name", name="uq_media_course_name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    # "<sha256>.<ext>": what Markdown writes after `media:` and the served URL ends with.
    name: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))  # image | audio
    content_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    size: so.Mapped[int]
    width: so.Mapped[int | None] = so.mapped_column()
    height: so.Mapped[int | None] = so.mapped_column()
    # The name it was uploaded with, shown in the editor's list (never used as a path).
    original_name: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
