"""Grading: the course's queue of answers graded by hand (per lesson, question or learner)
and the form that grades one, the gradebook and its CSV (instructors and assistants of
the course: STAFF), and regrading a question after its key changed (instructors: EDIT)."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from quizapp import clock
from quizapp.auth.access import course_required
from quizapp.dashboard import csv_export
from quizapp.dashboard.figures_cache import invalidate_course
from quizapp.domain.course_access import EDIT, STAFF
from quizapp.extensions import db
from quizapp.grading.forms import GradeForm, RegradeForm
from quizapp.models import Question
from quizapp.services import course_groups, gradebook, manual_grading, regrading
from quizapp.services.manual_grading import QueueFilter

bp = Blueprint("grading", __name__)


def _id_argument(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


def _queue_filter() -> QueueFilter:
    return QueueFilter(
        lesson_id=_id_argument("lesson"),
        question_id=_id_argument("question"),
        user_id=_id_argument("learner"),
    )


@bp.route("/instructor/courses/<course_slug>/grading")
@course_required(STAFF)
def queue(course_slug: str):
    where = _queue_filter()
    return render_template(
        "grading/queue.html",
        course=g.course,
        queue=manual_grading.grading_queue(db.session, g.course, where),
        choices=manual_grading.queue_choices(db.session, g.course),
        where=where,
    )


@bp.route(
    "/instructor/courses/<course_slug>/grading/answers/<int:answer_id>", methods=["GET", "POST"]
)
@course_required(STAFF)
def grade(course_slug: str, answer_id: int):
    found = manual_grading.gradable_answer(db.session, g.course, answer_id)
    if found is None:
        abort(404)
    form = GradeForm()
    if request.method == "GET" and found.answer.hand_graded_at is not None:
        form.score.data = f"{found.answer.score:g}"
        form.comment.data = found.answer.grader_comment or ""
    if form.validate_on_submit():
        try:
            manual_grading.grade_answer(
                db.session,
                g.course,
                answer_id,
                form.score.grade,
                form.comment.data,
                current_user.id,
                clock.now(),
            )
        except manual_grading.GradingError as error:
            db.session.rollback()
            form.score.errors = [*form.score.errors, str(error)]
        else:
            db.session.commit()
            invalidate_course(g.course.id)
            flash(_("Grade saved."), "success")
            return redirect(url_for("grading.queue", course_slug=course_slug))
    return render_template("grading/grade.html", course=g.course, item=found, form=form)


# --- the gradebook ---------------------------------------------------------------------------

STATE_LABELS = {
    gradebook.NOT_STARTED: _l("not started"),
    gradebook.IN_PROGRESS: _l("in progress"),
    gradebook.PENDING: _l("pending grading"),
    gradebook.GRADED: _l("graded"),
}


def _group_argument(course) -> int | None:
    """The ?group= of the page (a group of this course), or None for every learner."""
    group_id = _id_argument("group")
    if group_id is not None and course_groups.find_group(db.session, course, group_id) is None:
        abort(404)
    return group_id


@bp.route("/instructor/courses/<course_slug>/gradebook")
@course_required(STAFF)
def gradebook_page(course_slug: str):
    group_id = _group_argument(g.course)
    return render_template(
        "grading/gradebook.html",
        course=g.course,
        book=gradebook.gradebook(
            db.session,
            g.course,
            group_id,
            page=request.args.get("page", 1, type=int),
            per_page=gradebook.GRADEBOOK_PER_PAGE,
        ),
        groups=course_groups.list_groups(db.session, g.course),
        group_id=group_id,
        states=STATE_LABELS,
    )


@bp.route("/instructor/courses/<course_slug>/gradebook.csv")
@course_required(STAFF)
def gradebook_csv(course_slug: str):
    group_id = _group_argument(g.course)
    book = gradebook.gradebook(db.session, g.course, group_id)
    names = {
        row.group.id: row.group.name for row in course_groups.list_groups(db.session, g.course)
    }
    header = ["user_id", "email", "name", "group"]
    for lesson in book.lessons:
        header += [f"lesson_{lesson.number}_{part}" for part in ("grade", "attempts", "state")]
    rows = []
    for row in book.rows:
        cells = [row.user_id, row.email, row.display_name, names.get(row.group_id, "")]
        for cell in row.cells:
            grade = "" if cell.grade is None else round(cell.grade, 4)
            cells += [grade, cell.attempts, cell.state]
        rows.append(cells)
    return csv_export.csv_response(f"{g.course.slug}-gradebook.csv", header, rows)


# --- regrading a question ------------------------------------------------------------------


@bp.route("/instructor/questions/<int:question_id>/regrade", methods=["GET", "POST"])
@course_required(EDIT)
def regrade(question_id: int):
    """The preview (GET) of what regrading the question against its current key would
    change, and applying exactly that (POST, for the version previewed)."""
    question = db.session.get(Question, question_id)
    form = RegradeForm()
    if form.validate_on_submit():
        try:
            plan = regrading.apply_regrade(
                db.session, question, int(form.version.data), current_user.id, clock.now()
            )
        except regrading.RegradeOutdated:
            db.session.rollback()
            flash(_("The question changed since the preview: check the new preview."), "warning")
        else:
            db.session.commit()
            invalidate_course(g.course.id)
            flash(
                ngettext(
                    "Regraded: %(num)d attempt changed.",
                    "Regraded: %(num)d attempts changed.",
                    len(plan.changes),
                ),
                "success",
            )
        return redirect(url_for("grading.regrade", question_id=question_id))
    plan = regrading.plan_regrade(db.session, question)
    form.version.data = str(plan.version)
    return render_template(
        "grading/regrade.html",
        course=g.course,
        question=question,
        plan=plan,
        form=form,
        log=regrading.question_regrades(db.session, question.id),
    )
