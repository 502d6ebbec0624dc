"""Serving course media to whoever may read a course that holds them, and the instructors'
media page (upload with a description, the Markdown to paste)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from quizapp.auth.access import course_required
from quizapp.domain import course_access, media_refs
from quizapp.domain.course_access import EDIT
from quizapp.extensions import db
from quizapp.media.forms import MediaUploadForm
from quizapp.media.messages import refusal_message, refusal_status
from quizapp.media.uploads import store_upload
from quizapp.models import Course
from quizapp.services import access, catalog
from quizapp.services import media as media_service
from quizapp.services.media import MediaRefused

bp = Blueprint("media", __name__)

# Content-addressed: a name always means the same bytes, so browsers may keep them for a
# year without asking again; "private" keeps shared caches from serving them to others.
CACHE_CONTROL = "private, max-age=31536000, immutable"


def may_read(course: Course) -> bool:
    """Whether the current visitor may read the course's lessons (and so its media)."""
    user = current_user if current_user.is_authenticated else None
    standing = access.standing(db.session, user, course)
    return course_access.decide(standing, course_access.READ) == course_access.OK


@bp.route(media_refs.MEDIA_URL_PREFIX + "<name>")
def serve(name: str):
    if not media_refs.STORED_NAME.fullmatch(name):
        abort(404)
    # The same bytes may be in several courses: any one the visitor may read will do.
    if not any(may_read(course) for course in media_service.courses_holding(db.session, name)):
        abort(404)
    path = media_service.media_path(current_app.config["MEDIA_DIR"], name)
    if not path.is_file():
        abort(404)
    extension = name.rsplit(".", 1)[1]
    response = send_file(
        path,
        mimetype=media_refs.CONTENT_TYPES[extension],
        etag=name.split(".", 1)[0],
        conditional=True,
        max_age=31536000,
    )
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Opened on its own, the file is a document with no rights at all.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/instructor/courses/<course_slug>/media", methods=["GET", "POST"])
@course_required(EDIT)
def library(course_slug: str):
    course = catalog.find_course(db.session, course_slug) or abort(404)
    form = MediaUploadForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    status = 200
    if form.validate_on_submit():
        outcome = _store_upload(course, form)
        if isinstance(outcome, tuple):
            message, status = outcome
            if wants_json:
                return jsonify({"error": {"message": message}}), status
            form.file.errors = [*form.file.errors, message]
        else:
            snippet = media_refs.image_markdown(form.alt.data, outcome.name)
            if wants_json:
                return jsonify({"name": outcome.name, "markdown": snippet}), 201
            flash(
                _("Uploaded. Paste this into the Markdown: %(snippet)s", snippet=snippet), "success"
            )
            return redirect(url_for(".library", course_slug=course.slug))
    elif request.method == "POST":
        status = 422
        if wants_json:
            errors = [str(error) for field in form for error in field.errors]
            return jsonify({"error": {"message": " ".join(errors)}}), status
    items = media_service.course_media(db.session, course)
    return render_template("media/library.html", course=course, form=form, items=items), status


def _store_upload(course: Course, form: MediaUploadForm):
    """The stored Media, or (message, status) for a refused file."""
    try:
        media = store_upload(course, form.file.data, current_user)
    except MediaRefused as refused:
        db.session.rollback()
        message = refusal_message(refused, current_app.config["MEDIA_MAX_BYTES"])
        return message, refusal_status(refused)
    db.session.commit()
    return media
