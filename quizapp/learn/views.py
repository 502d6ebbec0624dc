"""The learner's pages: the course list, a course, a lesson, its quiz and results."""

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from quizapp import clock
from quizapp.auth.access import course_required
from quizapp.domain.course_access import LEARN, LISTED, READ
from quizapp.domain.quiz_rules import seconds_left
from quizapp.extensions import db
from quizapp.learn.forms import (
    AutosaveForm,
    StartQuizForm,
    build_quiz_form,
    quiz_items,
    read_responses,
)
from quizapp.learn.quiz_rules import refusal_message, rules_summary
from quizapp.learn.results import result_items
from quizapp.lookups import course_or_404, lesson_or_404
from quizapp.models import Lesson
from quizapp.services import access, catalog, quiz_overrides, quiz_submission, quizzes, regrading
from quizapp.services.attempt_results import review_shown

bp = Blueprint("learn", __name__)


@bp.route("/")
def home():
    user = current_user if current_user.is_authenticated else None
    visible = catalog.list_courses(db.session, where=access.visible_course_filter(user))
    return render_template("learn/home.html", courses=visible)


@bp.route("/courses/<course_slug>")
@course_required(LISTED)
def course(course_slug: str):
    found = course_or_404(course_slug)
    lessons = catalog.lesson_summaries(db.session, found)
    return render_template("learn/course.html", course=found, lessons=lessons)


@bp.route("/courses/<course_slug>/<lesson_slug>")
@course_required(READ)
def lesson(course_slug: str, lesson_slug: str):
    found = lesson_or_404(course_slug, lesson_slug)
    if current_user.is_authenticated:
        learner = quizzes.learner_lesson(db.session, current_user.id, found, clock.now())
        rules, history, question_count = learner.rules, learner.history, learner.question_count
    else:
        rules, history = found.quiz_rules, None
        question_count = quizzes.question_count(db.session, found)
    return render_template(
        "learn/lesson.html",
        lesson=found,
        course=found.course,
        question_count=question_count,
        history=history,
        rules_summary=rules_summary(rules, history.attempts if history else 0),
    )


@bp.route("/courses/<course_slug>/<lesson_slug>/quiz", methods=["GET", "POST"])
@login_required
@course_required(LEARN)
def quiz(course_slug: str, lesson_slug: str):
    """The open attempt's form (GET), or its submission (POST). Nothing here starts an
    attempt: that is the "Start quiz" POST (new_attempt), so a reload, a bookmark or the
    browser's Back button after submitting never begins a new one behind the learner's back."""
    found = lesson_or_404(course_slug, lesson_slug)
    if request.method != "POST":
        # Showing the form reads the attempt as rows and binds no form: WTForms builds
        # and validates what is posted (quiz_items binds fields only for HTML not kept).
        shown = quizzes.shown_open_attempt(db.session, current_user.id, found.id)
        if shown is None:
            return _start_page(found)
        deadline = quiz_submission.attempt_deadline_of(db.session, shown)
        return _quiz_page(found, shown, None, deadline, clock.now())
    replayed = _submitted_attempt_in_form()
    if replayed is not None:
        flash(_("This attempt was already submitted; here is its result."), "info")
        return redirect(url_for("learn.attempt_result", attempt_id=replayed.id))
    attempt = quizzes.open_attempt(db.session, current_user.id, found.id)
    if attempt is None:
        return _start_page(found)
    form = build_quiz_form(attempt)
    attempt_id = attempt.id
    now, grace = clock.now(), _grace()
    deadline = quiz_submission.attempt_deadline_of(db.session, attempt)
    valid = form.validate_on_submit()
    posted = form.is_submitted() and not _csrf_errors(form)
    time_up = deadline is not None and now >= deadline
    if posted and form.attempt_id.data == str(attempt_id) and (valid or time_up):
        # Time up with a field the server cannot read: what was autosaved is graded.
        responses = read_responses(form, attempt) if valid else {}
        try:
            outcome = quiz_submission.submit_attempt(
                db.session,
                attempt,
                responses,
                now,
                grace,
                confirm_unanswered=bool(form.confirm_unanswered.data),
            )
        except quiz_submission.Unanswered as blanks:
            # Keep what was typed, then ask: the confirmation lists the blank questions.
            quiz_submission.save_answers(db.session, attempt, responses, now, grace)
            db.session.commit()
            return _quiz_page(found, attempt, form, deadline, now, unanswered=blanks.numbers)
        db.session.commit()
        if not outcome.newly_submitted:
            flash(_("This attempt was already submitted; here is its result."), "info")
        elif outcome.late:
            flash(
                _(
                    "Time was up: the answers saved before the deadline were graded, "
                    "not the ones sent after it."
                ),
                "warning",
            )
        return redirect(url_for("learn.attempt_result", attempt_id=attempt_id))
    return _quiz_page(found, attempt, form, deadline, now)


def _csrf_errors(form) -> list:
    """The CSRF token's errors (none when CSRF is off, e.g. in some tests)."""
    token = getattr(form, "csrf_token", None)
    return list(token.errors) if token is not None else []


def _grace() -> timedelta:
    return timedelta(seconds=current_app.config["QUIZ_GRACE_SECONDS"])


def _quiz_page(lesson, attempt, form, deadline, now, unanswered=None):
    """The quiz form: `form` the posted one (shown with what was sent and its errors), or
    None to show the attempt's saved answers."""
    page = render_template(
        "learn/quiz.html",
        lesson=lesson,
        course=lesson.course,
        attempt=attempt,
        invalid=bool(form is not None and form.errors),
        csrf=current_app.config["WTF_CSRF_ENABLED"],
        items=quiz_items(attempt, form),
        seconds_left=seconds_left(deadline, now),
        deadline=deadline,
        unanswered=unanswered,
    )
    # Not kept for the Back button: after submitting, Back asks again and shows that no
    # attempt is in progress, instead of a stale copy of the submitted form.
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/courses/<course_slug>/<lesson_slug>/quiz/answers", methods=["POST"])
@login_required
@course_required(LEARN)
def autosave(course_slug: str, lesson_slug: str):
    """Autosave (quiz.js): the answers of the questions named by `question` fields, from
    the quiz form's own fields, stored without submitting. JSON: 200 with the ids saved;
    409 once the attempt is submitted or its time is up (nothing changes); 422 a value
    the form refuses (e.g. not a number); 404 no attempt in progress."""
    found = lesson_or_404(course_slug, lesson_slug)
    attempt = quizzes.open_attempt(db.session, current_user.id, found.id)
    if attempt is None:
        # A save that reaches the server after the submission it raced with.
        if _submitted_attempt_in_form() is not None:
            return jsonify(error="submitted"), 409
        return jsonify(error="no_attempt"), 404
    form = build_quiz_form(attempt, base=AutosaveForm)
    if not form.validate_on_submit():
        if _csrf_errors(form):
            abort(400)
        return jsonify(error="invalid", fields=form.errors), 422
    named = {int(value) for value in request.form.getlist("question") if value.isdigit()}
    responses = read_responses(form, attempt, only=named)
    try:
        saved = quiz_submission.save_answers(db.session, attempt, responses, clock.now(), _grace())
    except quiz_submission.AnswersClosed as closed:
        db.session.rollback()
        return jsonify(error=closed.reason), 409
    db.session.commit()
    return jsonify(saved=saved)


def _start_page(lesson):
    """No attempt in progress: the last result (if any) and a "Start quiz" button."""
    learner = quizzes.learner_lesson(db.session, current_user.id, lesson, clock.now())
    return render_template(
        "learn/quiz_start.html",
        lesson=lesson,
        course=lesson.course,
        history=learner.history,
        question_count=learner.question_count,
        rules_summary=rules_summary(learner.rules, learner.history.attempts),
    )


def _submitted_attempt_in_form():
    """A replayed or double-submitted form names an attempt that is already graded."""
    posted = request.form.get("attempt_id", "") if request.method == "POST" else ""
    if not (posted.isascii() and posted.isdigit()) or len(posted) > 9:  # "²" is a digit too
        return None
    attempt = quizzes.attempt_for_user(db.session, int(posted), current_user.id)
    return attempt if attempt is not None and attempt.is_submitted else None


@bp.route("/courses/<course_slug>/<lesson_slug>/quiz/new", methods=["POST"])
@login_required
@course_required(LEARN)
def new_attempt(course_slug: str, lesson_slug: str):
    """Start quiz: the learner's open attempt, or a new one (its flashcards join the deck)."""
    found = lesson_or_404(course_slug, lesson_slug)
    if StartQuizForm().validate_on_submit():
        size = current_app.config["QUIZ_DEFAULT_SIZE"] or None
        preview = access.is_course_staff(db.session, current_user, found.course_id)
        try:
            quizzes.open_or_start_attempt(
                db.session, current_user.id, found, clock.now(), size, preview=preview
            )
        except quizzes.NoQuizQuestions:
            flash(_("This lesson has no quiz questions yet."), "info")
            return redirect(
                url_for("learn.lesson", course_slug=course_slug, lesson_slug=lesson_slug)
            )
        except quizzes.QuizRefused as refused:
            flash(refusal_message(refused), "warning")
            return redirect(
                url_for("learn.lesson", course_slug=course_slug, lesson_slug=lesson_slug)
            )
        db.session.commit()
    return redirect(url_for("learn.quiz", course_slug=course_slug, lesson_slug=lesson_slug))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt_result(attempt_id: int):
    attempt = quizzes.attempt_for_user(db.session, attempt_id, current_user.id, is_staff=True)
    lesson = db.session.get(Lesson, attempt.lesson_id) if attempt is not None else None
    # Someone else's attempt is only there for the staff of its course.
    if attempt is None or (
        attempt.user_id != current_user.id
        and not access.is_course_staff(db.session, current_user, lesson.course_id)
    ):
        abort(404)
    if not attempt.is_submitted:
        return redirect(
            url_for("learn.quiz", course_slug=lesson.course.slug, lesson_slug=lesson.slug)
        )
    history = quizzes.lesson_history(db.session, attempt.user_id, lesson.id)
    staff = attempt.preview or access.is_course_staff(db.session, current_user, lesson.course_id)
    rules = quiz_overrides.learner_rules(db.session, lesson, attempt.user_id)
    shown = review_shown(rules, clock.now(), staff=staff)
    return render_template(
        "learn/result.html",
        attempt=attempt,
        lesson=lesson,
        course=lesson.course,
        items=result_items(attempt, shown),
        history=history,
        # The regrade log shows scores: only when the review options show them.
        regrades=regrading.attempt_regrades(db.session, attempt.id) if shown.score else [],
        shown=shown,
        rules=rules,
    )
