"""The API's authoring: importing a question file into a course and uploading media."""

from flask import current_app, g

from quizapp import clock
from quizapp.api import authoring_schemas, serializers
from quizapp.api.auth import current_api_user
from quizapp.api.routing import route
from quizapp.api.validation import ApiError
from quizapp.domain.course_access import EDIT
from quizapp.domain.formats.registry import get_format
from quizapp.extensions import db
from quizapp.media.messages import refusal_message, refusal_status
from quizapp.media.uploads import store_upload
from quizapp.models import Lesson
from quizapp.services import (
    bank_import,
    catalog,
)
from quizapp.services.media import MediaRefused


def _import_lesson(course, key: str | int | None) -> Lesson | None:
    if key is None or key == "":
        return None
    lesson = catalog.find_lesson(db.session, course.slug, str(key))
    if lesson is not None:
        return lesson
    raise ApiError(422, "unknown_lesson", f"lesson: no lesson {key!r} in this course.")


def _category_lessons(categories: dict[str, str] | str | None) -> dict[str, str]:
    """The JSON body's object as it is; a multipart form's `CATEGORY=LESSON` lines read as
    the web page's box and the CLI's `--category` are."""
    if not isinstance(categories, str):
        return categories or {}
    mapping, problems = bank_import.category_mapping(categories.splitlines())
    if problems:
        raise ApiError(422, "invalid_request", f"categories: {problems[0]}", problems)
    return mapping


def _import_source(body: dict) -> tuple[str | bytes, str, str | None]:
    """(content, filename, format) from a multipart upload (bytes) or a JSON body (text)."""
    if "files" in body:
        upload = body["files"]["file"]
        fmt = body.get("format")
        return upload.read(), upload.filename or f"upload.{fmt or 'txt'}", fmt
    fmt = body["format"]
    found = get_format(fmt)
    if found is not None and found.binary:
        raise ApiError(422, "invalid_file", f"format: send a {fmt} file as a multipart upload.")
    return body["text"], body.get("filename") or f"upload{found.extension if found else ''}", fmt


@route(
    "/courses/<course>/import",
    "POST",
    tag="authoring",
    staff=True,
    summary="Import a question file (any importable format: GIFT, YAML, Anki CSV/TSV…)",
    course_need=EDIT,
    description="One transaction: a file with any error imports nothing and answers 422 "
    "with every `file:line: message` in `error.details`. `dry_run` only plans.",
    body=authoring_schemas.IMPORT_JSON_REQUEST,
    multipart=authoring_schemas.IMPORT_MULTIPART_REQUEST,
    responses={200: authoring_schemas.IMPORT_RESULT},
)
def import_questions(course: str, body: dict):
    found = g.course
    lesson = _import_lesson(found, body.get("lesson"))
    content, filename, fmt = _import_source(body)
    max_media_bytes = current_app.config["MEDIA_MAX_BYTES"]
    plan = bank_import.plan_import(
        db.session,
        found,
        lesson,
        content,
        filename,
        fmt,
        _category_lessons(body.get("categories")),
        max_media_bytes=max_media_bytes,
    )
    if plan.errors:
        raise ApiError(
            422,
            "invalid_file",
            f"{len(plan.errors)} problem(s) in {filename}; nothing was imported.",
            plan.errors,
        )
    dry_run = body.get("dry_run") in (True, "true")
    if not dry_run:
        media_dir = current_app.config["MEDIA_DIR"]
        bank_import.apply_import(db.session, plan, media_dir=media_dir, now=clock.now())
        db.session.commit()
    return serializers.import_result(plan, applied=not dry_run)


@route(
    "/courses/<course>/media",
    "POST",
    tag="authoring",
    staff=True,
    course_need=EDIT,
    summary="Upload an image or sound to a course's media",
    description="PNG, JPEG, GIF, WebP (decoded, stored without metadata), MP3 or OGG, at most "
    "MEDIA_MAX_BYTES (413 above). Anything else (SVG, HTML, a damaged file) is a 422 and "
    "nothing is stored. The same bytes give the same `name`; reference it in Markdown with "
    "the returned `markdown`.",
    multipart=authoring_schemas.MEDIA_MULTIPART_REQUEST,
    responses={201: authoring_schemas.MEDIA_STORED},
)
def upload_media(course: str, body: dict | None = None):
    found = g.course
    if body is None:
        raise ApiError(422, "invalid_request", "file: send the file as multipart/form-data.")
    try:
        media = store_upload(found, body["files"]["file"], current_api_user())
    except MediaRefused as refused:
        message = refusal_message(refused, current_app.config["MEDIA_MAX_BYTES"])
        raise ApiError(refusal_status(refused), refused.code, message) from None
    db.session.commit()
    return serializers.media_stored(media, body["alt"]), 201
