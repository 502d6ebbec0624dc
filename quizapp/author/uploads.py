"""Uploaded import files kept between the preview and the confirmation.

The text waits in a folder (instance/uploads by default) under a random token, the only
thing the browser gets back, with who uploaded it, so nobody else can confirm it."""

import base64
import binascii
import json
import re
import secrets
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Uploads nobody confirmed are removed after a day.
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PendingUpload:
    user_id: int
    course_slug: str
    lesson_slug: str | None
    filename: str
    fmt: str | None
    # The file as uploaded: a binary format (an Anki deck) is parsed from its bytes.
    data: bytes
    # The import page's choices: categories → lessons, and an Anki package's review log
    # as the uploader's history.
    categories: dict[str, str] = field(default_factory=dict)
    with_history: bool = False


def _folder(base: str | Path) -> Path:
    folder = Path(base)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_upload(folder_path: str | Path, upload: PendingUpload) -> str:
    folder = _folder(folder_path)
    _remove_stale(folder)
    token = secrets.token_urlsafe(24)
    stored = {**asdict(upload), "data": base64.b64encode(upload.data).decode("ascii")}
    (folder / f"{token}.json").write_text(json.dumps(stored), encoding="utf-8")
    return token


def load_upload(folder_path: str | Path, token: str, user_id: int) -> PendingUpload | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _folder(folder_path) / f"{token}.json"
    try:
        upload = PendingUpload(**json.loads(path.read_text(encoding="utf-8")))
        upload = replace(upload, data=base64.b64decode(upload.data, validate=True))
    except (OSError, ValueError, TypeError, binascii.Error):
        return None
    return upload if upload.user_id == user_id else None


def discard_upload(folder_path: str | Path, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        (_folder(folder_path) / f"{token}.json").unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
