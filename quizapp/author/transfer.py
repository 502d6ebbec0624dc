"""The instructor area's imports (upload, preview, confirm) and exports, on the author
blueprint (quizapp/author/views.py)."""

from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from quizapp import clock
from quizapp.auth.access import course_required
from quizapp.author.forms import ConfirmImportForm, ImportForm
from quizapp.author.uploads import PendingUpload, discard_upload, load_upload, save_upload
from quizapp.author.views import bp
from quizapp.domain.course_access import EDIT, STAFF
from quizapp.domain.formats.registry import get_format, importable
from quizapp.extensions import db
from quizapp.lookups import course_or_404, lesson_or_404
from quizapp.models import Course
from quizapp.services import anki_history, bank_export, bank_import


def _upload_folder() -> Path:
    configured = current_app.config.get("IMPORT_UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def _import_form(course: Course) -> ImportForm:
    form = ImportForm()
    form.lesson.choices = [SelectChoice("", _("The lessons named in the file"))] + [
        SelectChoice(lesson.slug, f"{lesson.number}. {lesson.title}") for lesson in course.lessons
    ]
    return form


def _plan(course: Course, upload: PendingUpload) -> bank_import.ImportPlan:
    lesson = None
    if upload.lesson_slug:
        lesson = lesson_or_404(course.slug, upload.lesson_slug)
    return bank_import.plan_import(
        db.session,
        course,
        lesson,
        upload.data,
        upload.filename,
        upload.fmt,
        upload.categories,
        max_media_bytes=current_app.config["MEDIA_MAX_BYTES"],
    )


def _import_page(**context):
    return render_template("author/import.html", import_formats=importable(), **context)


@bp.route("/courses/<course_slug>/import", methods=["GET", "POST"])
@course_required(EDIT)
def import_questions(course_slug: str):
    """Step 1: upload a file and see what it would do; nothing is written yet."""
    course = course_or_404(course_slug)
    form = _import_form(course)
    if not form.validate_on_submit():
        return _import_page(form=form, course=course, plan=None)
    storage = form.file.data
    filename = Path(storage.filename or "upload").name
    categories, problems = bank_import.category_mapping((form.categories.data or "").splitlines())
    if problems:
        form.categories.errors = [*form.categories.errors, *problems]
        return _import_page(form=form, course=course, plan=None)
    upload = PendingUpload(
        user_id=current_user.id,
        course_slug=course.slug,
        lesson_slug=form.lesson.data or None,
        filename=filename,
        fmt=None if form.format.data == "auto" else form.format.data,
        data=storage.read(),
        categories=categories,
        with_history=form.with_history.data,
    )
    plan = _plan(course, upload)
    confirm = ConfirmImportForm()
    if plan.ok:
        confirm.token.data = save_upload(_upload_folder(), upload)
    return _import_page(
        form=form,
        course=course,
        plan=plan,
        confirm=confirm,
        target=upload.lesson_slug,
    )


@bp.route("/courses/<course_slug>/import/confirm", methods=["POST"])
@course_required(EDIT)
def confirm_import(course_slug: str):
    """Step 2: apply the previewed file in one transaction (planned again, so it is current)."""
    course = course_or_404(course_slug)
    confirm = ConfirmImportForm()
    if not confirm.validate_on_submit():
        abort(400)
    upload = load_upload(_upload_folder(), confirm.token.data, current_user.id)
    if upload is None or upload.course_slug != course.slug:
        flash(_("That upload has expired. Please upload the file again."), "warning")
        return redirect(url_for(".import_questions", course_slug=course.slug))
    plan = _plan(course, upload)
    if not plan.ok:
        return _import_page(
            form=_import_form(course),
            course=course,
            plan=plan,
            confirm=None,
            target=upload.lesson_slug,
        )
    now = clock.now()
    bank_import.apply_import(db.session, plan, media_dir=current_app.config["MEDIA_DIR"], now=now)
    if upload.with_history and plan.fmt == "apkg":
        history = anki_history.import_review_history(
            db.session, current_user.id, course, upload.data, now
        )
        flash(
            _(
                "Your review history: %(cards)d cards, %(reviews)d reviews.",
                cards=history.cards,
                reviews=history.reviews,
            ),
            "info",
        )
    db.session.commit()
    discard_upload(_upload_folder(), confirm.token.data)
    flash(
        _(
            "Imported %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
            file=upload.filename,
            created=len(plan.created),
            updated=len(plan.updated),
            unchanged=len(plan.unchanged),
        ),
        "success",
    )
    return redirect(url_for(".index"))


@bp.route("/courses/<course_slug>/export")
@course_required(STAFF)
def export_questions(course_slug: str):
    course = course_or_404(course_slug)
    found = get_format(request.args.get("format", "yaml"))
    if found is None or found.write is None:
        abort(404)
    fmt = found.name
    export = bank_export.export_course_file(
        db.session, course, fmt, media_dir=current_app.config["MEDIA_DIR"]
    )
    if export.skipped:
        # The download leaves this page in place; the note shows on the next page opened.
        flash(
            ngettext(
                "%(num)d question was left out of the %(format)s file (it cannot hold it): "
                "%(ids)s.",
                "%(num)d questions were left out of the %(format)s file (it cannot hold "
                "them): %(ids)s.",
                len(export.skipped),
                format=_(found.label),
                ids=", ".join(question_id for question_id, _reason in export.skipped),
            ),
            "warning",
        )
    return Response(
        export.data,
        mimetype=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
