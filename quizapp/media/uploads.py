"""Storing a file uploaded to a course's media library, for the library page and the API
alike: read no more than the limit allows, then hand the bytes to the media service."""

from flask import current_app
from werkzeug.datastructures import FileStorage

from quizapp import clock
from quizapp.extensions import db
from quizapp.models import Course, Media, User
from quizapp.services import media as media_service


def store_upload(course: Course, upload: FileStorage, uploaded_by: User) -> Media:
    """The stored Media (flushed, not committed); raises MediaRefused for a file the
    library does not take. One byte past MEDIA_MAX_BYTES is read, so a larger file is
    refused as too large without reading the rest of it."""
    max_bytes = current_app.config["MEDIA_MAX_BYTES"]
    with upload.stream:  # a large upload is a temporary file: closed as soon as it is read
        data = upload.read(max_bytes + 1)
    return media_service.store_media(
        db.session,
        course,
        data,
        upload.filename or "",
        media_dir=current_app.config["MEDIA_DIR"],
        now=clock.now(),
        uploaded_by=uploaded_by,
        max_bytes=max_bytes,
    )
