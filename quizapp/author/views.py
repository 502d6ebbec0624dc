"""The instructor area: the author blueprint, its index and the lesson and question editors
(imports and exports are quizapp/author/transfer.py, on the same blueprint)."""

from flask import (
    Blueprint,
    Response,
    abort,
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
    LessonForm,
    MarkdownPreviewForm,
    MoveForm,
)
from quizapp.author.preview import preview_html
from quizapp.author.question_forms import QUESTION_FORMS
from quizapp.domain.course_access import EDIT, STAFF
from quizapp.domain.formats.registry import exportable
from quizapp.extensions import db, login_manager
from quizapp.local_time import quiz_timezone
from quizapp.lookups import course_or_404, lesson_or_404
from quizapp.models import Course, Lesson, Question
from quizapp.services import access, authoring, catalog
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
    if request.method == "GET":
        form.show_quiz_rules(lesson.quiz_rules, quiz_timezone())
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
                quiz=form.quiz_rules(quiz_timezone()),
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
