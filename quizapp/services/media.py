"""Course media: a checked file is kept once under the media folder, named by its SHA-256,
and listed for each course that holds it. Imports (YAML banks, Moodle XML, Anki packages)
and the editor's upload all store files through `store_media`."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import media_refs
from quizapp.domain.media_files import CheckedMedia, MediaRefused, check_media
from quizapp.models import Course, Media, User

# The default of MEDIA_MAX_BYTES: a large photo or a couple of minutes of speech.
MAX_MEDIA_BYTES = 5 * 1024 * 1024

__all__ = ["MAX_MEDIA_BYTES", "MediaRefused", "store_media", "media_path", "read_media"]


def store_media(
    session: Session,
    course: Course,
    data: bytes,
    filename: str,
    *,
    media_dir: str | Path,
    now: datetime,
    uploaded_by: User | None = None,
    max_bytes: int = MAX_MEDIA_BYTES,
) -> Media:
    """The course's Media row for these bytes, checked (MediaRefused, with nothing written,
    when they are not an accepted image or sound) and stored. Storing the same content twice
    returns the same row; `filename` is only remembered for the editor's list.
    Reference the result in Markdown as `![alt](media:{media.name})`."""
    checked = check_media(data, max_bytes)
    existing = session.scalar(
        sa.select(Media).where(Media.course_id == course.id, Media.name == checked.name)
    )
    _write_once(Path(media_dir), checked)
    if existing is not None:
        return existing
    media = Media(
        course_id=course.id,
        name=checked.name,
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(checked.data),
        width=checked.width,
        height=checked.height,
        original_name=_display_name(filename),
        uploaded_by_id=uploaded_by.id if uploaded_by is not None else None,
        created_at=now,
    )
    session.add(media)
    session.flush()
    return media


def media_path(media_dir: str | Path, name: str) -> Path:
    """Where a stored name lives: two levels of the hash's first characters keep folders
    small. Raises ValueError for anything that is not a stored name (no path tricks)."""
    if not media_refs.STORED_NAME.fullmatch(name):
        raise ValueError(f"not a stored media name: {name!r}")
    return Path(media_dir) / name[:2] / name[2:4] / name


def read_media(media_dir: str | Path, name: str) -> bytes:
    """The stored bytes of `name` (for exports that carry the files)."""
    return media_path(media_dir, name).read_bytes()


def course_media(session: Session, course: Course) -> list[Media]:
    return list(
        session.scalars(
            sa.select(Media).where(Media.course_id == course.id).order_by(Media.id.desc())
        )
    )


def find_media(session: Session, course: Course, name: str) -> Media | None:
    return session.scalar(sa.select(Media).where(Media.course_id == course.id, Media.name == name))


def courses_holding(session: Session, name: str) -> list[Course]:
    """The courses whose media include `name` (the same bytes may be in several)."""
    return list(
        session.scalars(
            sa.select(Course).join(Media, Media.course_id == Course.id).where(Media.name == name)
        )
    )


def _write_once(media_dir: Path, checked: CheckedMedia) -> None:
    """Content-addressed, so a file already there is already right. A new one is written
    beside its final place and renamed, so a reader never sees half a file. (A transaction
    rolled back after this leaves an unlisted file behind: harmless, never served.)"""
    target = media_path(media_dir, checked.name)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(checked.data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _display_name(filename: str) -> str:
    # Only a label: the last path part, printable, short.
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:255]
