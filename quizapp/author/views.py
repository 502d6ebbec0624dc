"""The instructor area: lesson and question editors, imports and exports."""

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from quizapp import clock
from quizapp.auth.access import course_required, teaching_required
from quizapp.author.forms import (
    ActionForm,
    ConfirmImportForm,
    ImportForm,
    LessonForm,
    MarkdownPreviewForm,
    MoveForm,
)
from quizapp.author.preview import preview_html
from quizapp.author.question_forms import QUESTION_FORMS
from quizapp.author.uploads import PendingUpload, discard_upload, load_upload, save_upload
from quizapp.domain.course_access import EDIT, STAFF
from quizapp.domain.formats.registry import exportable, get_format, importable
from quizapp.extensions import db, login_manager
from quizapp.lookups import course_or_404, lesson_or_404
from quizapp.models import Course, Lesson, Question
from quizapp.services import access, anki_history, authoring, bank_export, bank_import, catalog
from quizapp.services.question_store import question_dict

bp = Blueprint("author", __name__, url_prefix="/instructor")


@bp.before_request
def require_login():
    """Every route of the area is for signed-in staff; each view then checks the course
    (quizapp.auth.access): not its staff → 404, its staff without the right → 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _question_or_404(question_id: int) -> Question:
    return db.session.get(Question, question_id) or abort(404)


def _warn_on_unknown_section(lesson: Lesson, section: str | None) -> None:
    if authoring.names_no_section(lesson, section):
        flash(
            _(
                "The section “%(section)s” is not a heading of this lesson: the results "
                "page cannot link to it. Pick one of the lesson's sections.",
                section=section,
            ),
            "warning",
        )


def _question_page(form, lesson: Lesson, question: Question | None):
    return render_template(
        "author/question_form.html",
        form=form,
        lesson=lesson,
        course=lesson.course,
        question=question,
        sections=authoring.lesson_sections(lesson),
    )


def _questions_url(lesson: Lesson) -> str:
    return url_for(".lesson_questions", course_slug=lesson.course.slug, lesson_slug=lesson.slug)


@bp.route("/")
@teaching_required
def index():
    roles = access.staff_course_roles(db.session, current_user)
    courses = catalog.list_courses(db.session, where=Course.id.in_(roles))
    lessons = authoring.lessons_by_course(db.session)
    return render_template(
        "author/index.html",
        courses=courses,
        lessons=lessons,
        export_formats=exportable(),
        course_roles=roles,
    )


@bp.route("/preview", methods=["POST"])
@teaching_required
def preview():
    """Sanitised HTML of Markdown, fetched by author.js for the live preview."""
    form = MarkdownPreviewForm()
    if not form.validate_on_submit():
        abort(400)
    return Response(preview_html(form.text.data or ""), mimetype="text/html")


# --- lessons ------------------------------------------------------------------------------


@bp.route("/courses/<course_slug>/lessons/new", methods=["GET", "POST"])
@course_required(EDIT)
def new_lesson(course_slug: str):
    course = course_or_404(course_slug)
    form = LessonForm()
    if request.method == "GET":
        form.number.data = authoring.next_lesson_number(db.session, course)
    return _lesson_editor(form, course, None)


@bp.route("/courses/<course_slug>/lessons/<lesson_slug>/edit", methods=["GET", "POST"])
@course_required(EDIT)
def edit_lesson(course_slug: str, lesson_slug: str):
    lesson = lesson_or_404(course_slug, lesson_slug)
    form = LessonForm(obj=lesson)
    return _lesson_editor(form, lesson.course, lesson)


def _lesson_editor(form: LessonForm, course: Course, lesson: Lesson | None):
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = preview_html(form.body_md.data or "")
        else:
            fields = authoring.LessonFields(
                title=form.title.data.strip(),
                body_md=form.body_md.data or "",
                number=form.number.data,
                slug=form.slug.data,
                quiz_size=form.quiz_size.data,
            )
            try:
                if lesson is None:
                    lesson = authoring.create_lesson(db.session, course, fields)
                else:
                    authoring.update_lesson(db.session, lesson, fields)
            except authoring.AuthoringError as error:
                db.session.rollback()
                form.form_errors.extend(error.errors)
            else:
                db.session.commit()
                flash(_("Lesson saved."), "success")
                return redirect(_questions_url(lesson))
    return render_template(
        "author/lesson_form.html",
        form=form,
        course=course,
        lesson=lesson,
        preview_html=preview,
    )


# --- questions ----------------------------------------------------------------------------


@bp.route("/courses/<course_slug>/lessons/<lesson_slug>/questions")
@course_required(STAFF)
def lesson_questions(course_slug: str, lesson_slug: str):
    lesson = lesson_or_404(course_slug, lesson_slug)
    move_form = MoveForm()
    move_form.lesson.choices = [
        SelectChoice(other.id, f"{other.number}. {other.title}") for other in lesson.course.lessons
    ]
    move_form.lesson.data = lesson.id
    return render_template(
        "author/questions.html",
        lesson=lesson,
        course=lesson.course,
        questions=authoring.lesson_questions(db.session, lesson),
        question_forms=QUESTION_FORMS,
        action_form=ActionForm(),
        move_form=move_form,
    )


@bp.route("/courses/<course_slug>/lessons/<lesson_slug>/questions/new", methods=["GET", "POST"])
@course_required(EDIT)
def new_question(course_slug: str, lesson_slug: str):
    lesson = lesson_or_404(course_slug, lesson_slug)
    form_class = QUESTION_FORMS.get(request.args.get("type", "")) or abort(404)
    form = form_class(data=form_class.initial(None))
    if form.validate_on_submit():
        try:
            row = authoring.create_question(db.session, lesson, form.to_question(), clock.now())
        except authoring.AuthoringError as error:
            db.session.rollback()
            form.form_errors.extend(error.errors)
        else:
            db.session.commit()
            flash(_("Question created."), "success")
            _warn_on_unknown_section(lesson, row.section)
            return redirect(_questions_url(lesson))
    return _question_page(form, lesson, None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@course_required(EDIT)
def edit_question(question_id: int):
    question = _question_or_404(question_id)
    form_class = QUESTION_FORMS.get(question.type) or abort(404)
    form = form_class(data=form_class.initial(question_dict(question)))
    if form.validate_on_submit():
        try:
            changed = authoring.update_question(db.session, question, form.to_question())
        except authoring.AuthoringError as error:
            db.session.rollback()
            form.form_errors.extend(error.errors)
        else:
            db.session.commit()
            flash(
                _("Question saved (version %(version)d).", version=question.version)
                if changed
                else _("No changes to save."),
                "success",
            )
            _warn_on_unknown_section(question.lesson, question.section)
            return redirect(_questions_url(question.lesson))
    return _question_page(form, question.lesson, question)


@bp.route("/questions/<int:question_id>/retire", methods=["POST"])
@course_required(EDIT)
def retire_question(question_id: int):
    question = _question_or_404(question_id)
    if ActionForm().validate_on_submit():
        authoring.retire_question(db.session, question, clock.now())
        db.session.commit()
        flash(_("Question retired: learners no longer see it; its history is kept."), "success")
    return redirect(_questions_url(question.lesson))


@bp.route("/questions/<int:question_id>/restore", methods=["POST"])
@course_required(EDIT)
def restore_question(question_id: int):
    question = _question_or_404(question_id)
    if ActionForm().validate_on_submit():
        authoring.restore_question(db.session, question)
        db.session.commit()
        flash(_("Question restored."), "success")
    return redirect(_questions_url(question.lesson))


@bp.route("/questions/<int:question_id>/move", methods=["POST"])
@course_required(EDIT)
def move_question(question_id: int):
    question = _question_or_404(question_id)
    form = MoveForm()
    lessons = {lesson.id: lesson for lesson in question.lesson.course.lessons}
    form.lesson.choices = [SelectChoice(key, lesson.title) for key, lesson in lessons.items()]
    if form.validate_on_submit():
        origin = question.lesson
        authoring.move_question(db.session, question, lessons[form.lesson.data])
        db.session.commit()
        flash(_("Question moved to “%(title)s”.", title=lessons[form.lesson.data].title), "success")
        return redirect(_questions_url(origin))
    flash(_("Choose a lesson of this course."), "danger")
    return redirect(_questions_url(question.lesson))


# --- imports and exports ------------------------------------------------------------------


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
        db.session, course, lesson, upload.data, upload.filename, upload.fmt, upload.categories
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
    bank_import.apply_import(db.session, plan)
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
    export = bank_export.export_course_file(db.session, course, fmt)
    return Response(
        export.data,
        mimetype=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
