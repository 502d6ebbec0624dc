"""Files an imported question carries: Moodle XML's `<file encoding="base64">` (referenced
as `@@PLUGINFILE@@/name`) and an Anki package's media (its `media` map and numbered files),
both read by their parsers as `media:<target>` references plus the bytes.

Planning checks every file as the media store would (decoded by Pillow, or an MP3/OGG
stream), without writing: a file that does not decode is a `file:line` error of its
question, so the import does not happen at all. The question's references are renamed to
the stored names there, so the plan compares (and later writes) the questions as they will
be. Applying stores the files through `store_media`, in the import's transaction.

A rolled-back import may leave a stored file on disk (files are written before the commit),
but never a Media row nor a reference to it: the media view serves a name only when the
course has its Media row, and the same bytes imported again reuse the file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from quizapp.domain.media_files import TOO_LARGE, MediaRefused, check_media
from quizapp.domain.media_refs import MEDIA_SCHEME, referenced_targets
from quizapp.models import Course
from quizapp.services.media import MAX_MEDIA_BYTES, store_media
from quizapp.services.source_media import strings_of, with_stored_names


@dataclass(frozen=True)
class CarriedFile:
    data: bytes
    original_name: str  # the name the file had in the imported file


def check_carried(
    question: dict[str, Any],
    files: dict[str, bytes],
    filename: str,
    line: int,
    max_bytes: int = MAX_MEDIA_BYTES,
) -> tuple[dict[str, Any], dict[str, CarriedFile], list[str]]:
    """The question (starting at `filename:line`) with its `media:` targets renamed to
    stored names, the files by stored name, and one `file:line: id: media:target: …`
    error per file that cannot be media."""
    where = f"{filename}:{line}"
    names: dict[str, str] = {}
    stored: dict[str, CarriedFile] = {}
    errors: list[str] = []
    for target, data in files.items():
        try:
            checked = check_media(data, max_bytes)
        except MediaRefused as refused:
            if refused.code == TOO_LARGE:  # say the limit: the author can act on it
                problem = f"{len(data):,} bytes, over the {max_bytes:,}-byte limit for media"
            else:
                problem = f"not an accepted image or sound ({refused.code.replace('_', ' ')})"
            errors.append(f"{where}: {question.get('id')}: media:{target}: {problem}")
            continue
        names[target] = checked.name
        stored[checked.name] = CarriedFile(data, target)
    return with_stored_names(question, names), stored, errors


def media_warnings(
    question: dict[str, Any], filename: str, line: int, known: set[str], carried: Iterable[str]
) -> list[str]:
    """`file:line: id: …` for each image or sound of the question without a description
    (alt text), as the editor's preview warns, and for each `media:` reference that names
    no file of the course (`known`, its stored media, or `carried`, the files the import
    carries). Text formats (YAML, GIFT, Anki text) name files without carrying them, so a
    question exported from one course and imported into another would show a broken
    image: the import goes ahead and says so, and uploading the same file to the course
    fixes it (a stored name is the file's hash). One walk of the question's strings; only
    those that may hold an image or a reference are rendered or searched."""
    texts = [text for text in strings_of(question) if "![" in text or MEDIA_SCHEME in text]
    if not texts:
        return []
    from quizapp.domain.rendering import IMAGE_WITHOUT_ALT, content_warnings

    where = f"{filename}:{line}: {question.get('id')}"
    warnings = [
        f"{where}: an image or a sound has no description (alt text): {warning.detail}"
        for text in texts
        if "![" in text
        for warning in content_warnings(text)
        if warning.code == IMAGE_WITHOUT_ALT
    ]
    targets = {
        target for text in texts if MEDIA_SCHEME in text for target in referenced_targets(text)
    }
    present = known | set(carried)
    return warnings + [
        f"{where}: media:{target} is not a file of this course; upload it to the course's "
        "media (the same file gets the same name)"
        for target in sorted(targets - present)
    ]


def store_carried(
    session: Session,
    course_id: int,
    files: dict[str, CarriedFile],
    media_dir: str | Path | None,
    now: datetime | None,
    max_bytes: int = MAX_MEDIA_BYTES,
) -> None:
    """Stores the checked files of a plan as the course's media."""
    if media_dir is None or now is None:
        raise ValueError("the import carries media: storing them needs media_dir and now")
    course = session.get(Course, course_id)
    for name, carried in files.items():
        media = store_media(
            session,
            course,
            carried.data,
            carried.original_name,
            media_dir=media_dir,
            now=now,
            max_bytes=max_bytes,
        )
        # Checking is deterministic (the same bytes re-encode alike): the plan's names hold.
        if media.name != name:
            raise RuntimeError(f"media {carried.original_name!r} stored as {media.name}")
