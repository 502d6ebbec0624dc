"""Images and sounds written beside a course's sources: a bank or `course.md` may say
`![Diagrama](media:diagrama.png)` for a file in the course folder; loading checks every
such file first (a missing or refused one is a `file:line` error and nothing loads), then
stores them as course media and points the Markdown at the stored names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from quizapp.domain import media_refs
from quizapp.domain.media_files import MediaRefused, check_media
from quizapp.models import Course
from quizapp.services.media import MAX_MEDIA_BYTES, store_media


def read_source_media(
    folder: Path, sources: Iterable[tuple[str, str]], max_bytes: int = MAX_MEDIA_BYTES
) -> tuple[dict[str, bytes], list[str]]:
    """`sources` are (`file:line`, Markdown) pairs. Returns the bytes of every file they
    name (by the target as written) and the errors, one per bad reference."""
    found: dict[str, bytes] = {}
    errors: list[str] = []
    for where, markdown in sources:
        for target in media_refs.referenced_targets(markdown):
            if media_refs.STORED_NAME.fullmatch(target) or target in found:
                continue
            data, problem = _read_beside(folder, target, max_bytes)
            if problem:
                errors.append(f"{where}: media:{target}: {problem}")
            else:
                found[target] = data
    return found, errors


def _read_beside(folder: Path, target: str, max_bytes: int) -> tuple[bytes, str | None]:
    parts = target.split("/")
    if target.startswith("/") or "\\" in target or ":" in target or ".." in parts:
        return b"", "only files inside the course folder may be named"
    base = folder.resolve()
    path = (base / target).resolve()
    if not path.is_relative_to(base):  # a symbolic link out of the folder
        return b"", "only files inside the course folder may be named"
    if not path.is_file():
        return b"", "no such file in the course folder"
    if path.stat().st_size > max_bytes:
        return b"", f"larger than {max_bytes} bytes"
    data = path.read_bytes()
    try:
        check_media(data, max_bytes)
    except MediaRefused as refused:
        return b"", f"not an accepted image or sound ({refused.code.replace('_', ' ')})"
    return data, None


def store_source_media(
    session: Session,
    course: Course,
    files: dict[str, bytes],
    *,
    media_dir: str | Path,
    now: datetime,
    max_bytes: int = MAX_MEDIA_BYTES,
) -> dict[str, str]:
    """Stores the files read by `read_source_media`; returns target → stored name."""
    return {
        target: store_media(
            session, course, data, target, media_dir=media_dir, now=now, max_bytes=max_bytes
        ).name
        for target, data in files.items()
    }


def strings_of(value: Any) -> list[str]:
    """Every string inside a question dict (prompts, choices, feedback, …), in order."""
    found: list[str] = []
    _collect_strings(value, found.append)
    return found


def _collect_strings(value: Any, add: Callable[[str], None]) -> None:
    # Leaves are handled in the loop, not by a call each: an import walks every question.
    if isinstance(value, str):
        add(value)
        return
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        if isinstance(item, str):
            add(item)
        elif isinstance(item, dict | list):
            _collect_strings(item, add)


def with_stored_names(value: Any, names: dict[str, str]) -> Any:
    """`value` (a string or a question dict) with its media targets renamed."""
    if isinstance(value, str):
        return media_refs.replace_targets(value, names) if "media:" in value else value
    if isinstance(value, dict):
        return {key: with_stored_names(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [with_stored_names(item, names) for item in value]
    return value
