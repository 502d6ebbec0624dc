"""Grading by hand: the course's queue (per lesson, question or learner) and the form
that grades one answer. Instructors and assistants of the course (STAFF)."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import clock
from quizapp.auth.access import course_required
from quizapp.dashboard.figures_cache import invalidate_course
from quizapp.domain.course_access import STAFF
from quizapp.extensions import db
from quizapp.grading.forms import GradeForm
from quizapp.services import manual_grading
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
