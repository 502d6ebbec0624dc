"""The instructor area's imports (upload, preview, confirm) and exports, on the author
blueprint (quizapp/author/views.py)."""

from dataclasses import replace
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from quizapp import clock
from quizapp.auth.access import course_required
from quizapp.author.forms import CategoryLessonsForm, ConfirmImportForm, ImportForm
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
    # The preview names the lesson each of the file's categories goes to.
    lessons = context["course"].lessons
    titles = {lesson.id: f"{lesson.number}. {lesson.title}" for lesson in lessons}
    return render_template(
        "author/import.html", import_formats=importable(), lesson_titles=titles, **context
    )


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
    return _preview(course, form, upload)


def _preview(course: Course, form: ImportForm, upload: PendingUpload):
    """The plan of `upload`, kept for the next step: confirming it when it has no errors, or
    choosing lessons for the categories that name none."""
    plan = _plan(course, upload)
    confirm = ConfirmImportForm()
    mapping = None
    if plan.ok:
        confirm.token.data = save_upload(_upload_folder(), upload)
    elif plan.unmapped:
        # A new step: not filled from the request (which may hold the previous step's).
        mapping = _mapping_form(course, plan.unmapped, CategoryLessonsForm(formdata=None))
        mapping.token.data = save_upload(_upload_folder(), upload)
    return _import_page(
        form=form,
        course=course,
        plan=plan,
        confirm=confirm,
        mapping=mapping,
        target=upload.lesson_slug,
    )


def _mapping_form(
    course: Course, unmapped: list[str], form: CategoryLessonsForm
) -> CategoryLessonsForm:
    """One lesson select per category, labelled with the category (a POST's choices are
    read from the request, then checked against the course's lessons)."""
    while len(form.lessons) < len(unmapped):
        form.lessons.append_entry()
    choices = [SelectChoice("", _("Choose a lesson"))] + [
        SelectChoice(lesson.slug, f"{lesson.number}. {lesson.title}") for lesson in course.lessons
    ]
    # A request with more entries than categories is refused by the caller (unvalidated).
    for entry, category in zip(form.lessons, unmapped, strict=False):
        entry.choices = choices
        entry.label.text = _("Category “%(category)s”", category=category)
    return form


@bp.route("/courses/<course_slug>/import/categories", methods=["POST"])
@course_required(EDIT)
def map_import_categories(course_slug: str):
    """Step 1b: the lessons chosen for the file's unknown categories; previewed again."""
    course = course_or_404(course_slug)
    token = request.form.get("token", "")
    upload = load_upload(_upload_folder(), token, current_user.id)
    if upload is None or upload.course_slug != course.slug:
        if not CategoryLessonsForm().validate_on_submit():
            abort(400)
        flash(_("That upload has expired. Please upload the file again."), "warning")
        return redirect(url_for(".import_questions", course_slug=course.slug))
    unmapped = _plan(course, upload).unmapped
    form = _mapping_form(course, unmapped, CategoryLessonsForm())
    if len(form.lessons) != len(unmapped) or not form.validate_on_submit():
        abort(400)
    pairs = zip(unmapped, form.lessons.data, strict=True)
    chosen = {category: slug for category, slug in pairs if slug}
    discard_upload(_upload_folder(), token)
    upload = replace(upload, categories={**upload.categories, **chosen})
    return _preview(course, _import_form(course), upload)


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
