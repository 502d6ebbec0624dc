"""Progress dashboards for learners and instructors."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from quizapp import clock
from quizapp.auth.access import course_required
from quizapp.dashboard import csv_export, figures_cache, lesson_table, question_table
from quizapp.dashboard.forms import OverrideForm
from quizapp.domain import course_access
from quizapp.domain.course_access import EDIT, STAFF
from quizapp.domain.statistics import MIN_ATTEMPTS_TO_JUDGE
from quizapp.extensions import db
from quizapp.local_time import quiz_timezone
from quizapp.models import CourseGroup, User
from quizapp.services import (
    access,
    course_groups,
    item_analysis,
    memory_stats,
    progress,
    quiz_overrides,
    stats,
)

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@login_required
def learner():
    user = current_user._get_current_object()
    now = clock.now()

    def compute():
        found = progress.learner_progress(db.session, user, now)
        html = render_template(
            "dashboard/_learner_progress.html",
            progress=found,
            lesson_tables=lesson_table.lesson_tables(found, link_lessons=True),
            review_url=url_for("review.queue"),
        )
        return found.steady_until, html

    # What the figures are computed from: the learner's rows (one statement), their
    # desired retention (mastery) and the language and time zone of the text.
    def key_parts() -> tuple:
        return (
            user.id,
            progress.learner_state_digest(db.session, user),
            user.desired_retention,
            get_locale(),
            get_timezone(),
        )

    figures = figures_cache.learner_figures(
        key_parts, now, current_app.config["LEARNER_DASHBOARD_CACHE_SECONDS"], compute
    )
    return render_template("dashboard/learner.html", figures=figures)


@bp.route("/dashboard/memory")
@login_required
def memory():
    """The learner's memory statistics: true retention, reviews, forecast, card spread."""
    found = memory_stats.learner_memory_stats(
        db.session, current_user._get_current_object(), clock.now()
    )
    return render_template("dashboard/memory.html", stats=found)


def _sort_arguments() -> tuple[str, str]:
    sort = request.args.get("sort", "position")
    order = request.args.get("order", "asc")
    return (
        sort if sort in item_analysis.SORT_KEYS else "position",
        order if order in ("asc", "desc") else "asc",
    )


def _group_filter() -> CourseGroup | None:
    """The `?group=<id>` the learner figures are narrowed to: a group of this course, or
    404 (an id of another course's group reveals nothing, nor does a malformed one)."""
    value = request.args.get("group", "")
    if not value:
        return None
    # Nine digits at most: an id the integer column can hold (a longer one finds nothing).
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        abort(404)
    return course_groups.find_group(db.session, g.course, int(value)) or abort(404)


def _dashboard_cache_seconds() -> float:
    """How long the rendered figures of a course dashboard are shared (figures_cache); the
    testing config sets 0 because tests change data between requests."""
    return float(current_app.config["DASHBOARD_CACHE_SECONDS"])


@bp.route("/instructor/courses/<course_slug>")
@course_required(STAFF)
def course(course_slug: str):
    found = g.course  # found and checked by course_required
    sort, order = _sort_arguments()
    page = request.args.get("page", 1, type=int)
    group = _group_filter()
    group_id = group.id if group else None
    # Assistants see the figures but may not edit questions: no edit or Regrade links.
    can_edit = course_access.decide(g.standing, EDIT) == course_access.OK

    def render() -> str:
        dashboard = stats.course_dashboard(
            db.session, found, clock.now(), sort, order, page, group_id=group_id
        )
        return render_template(
            "dashboard/_course_figures.html",
            dashboard=dashboard,
            groups=course_groups.list_groups(db.session, found),
            group=group,
            sort=sort,
            order=order,
            question_rows=question_table.question_rows(dashboard.questions, can_edit),
            learner_url=question_table.UrlPattern(
                "dashboard.learner_detail", "user_id", course_slug=found.slug, group=group_id
            ),
            min_attempts=MIN_ATTEMPTS_TO_JUDGE,
            per_page=stats.LEARNERS_PER_PAGE,
            can_edit=can_edit,
        )

    # The group list is part of the cached figures: a new group (or a learner moved to
    # another) shows when the entry expires, within DASHBOARD_CACHE_SECONDS.
    variant = (sort, order, page, group_id or "", str(get_locale()), can_edit)
    figures = figures_cache.course_figures(found.id, variant, _dashboard_cache_seconds(), render)
    return render_template("dashboard/course.html", course=found, figures=figures)


@bp.route("/instructor/courses/<course_slug>/learners/<int:user_id>")
@course_required(STAFF)
def learner_detail(course_slug: str, user_id: int):
    found = g.course  # found and checked by course_required
    group = _group_filter()
    # Only the course's learners have a page here (of the group, when the dashboard was
    # filtered by one): not its staff, not removed learners.
    learner = access.counts_as_learner(User.id, found.id, group.id if group else None)
    user = db.session.scalar(sa.select(User).where(User.id == user_id, learner))
    if user is None:
        abort(404)
    learner_progress = progress.learner_progress(db.session, user, clock.now(), course=found)
    return render_template(
        "dashboard/learner_detail.html",
        course=found,
        progress=learner_progress,
        lesson_tables=lesson_table.lesson_tables(learner_progress, link_lessons=False),
        group=group,
        overrides=quiz_overrides.learner_overrides(db.session, found.id, user.id),
        override_form=_override_form(found, user)
        if course_access.decide(g.standing, EDIT) == course_access.OK
        else None,
    )


def _override_form(course, user) -> OverrideForm:
    form = OverrideForm()
    form.lesson.choices = [
        SelectChoice(lesson.id, f"{lesson.number}. {lesson.title}") for lesson in course.lessons
    ]
    groups = quiz_overrides.learner_groups(db.session, course.id, user.id)
    form.applies_to.choices = [SelectChoice("learner", _("This learner"))] + [
        SelectChoice(f"group-{item.id}", _("Group %(name)s", name=item.name)) for item in groups
    ]
    return form


@bp.route("/instructor/courses/<course_slug>/learners/<int:user_id>/overrides", methods=["POST"])
@course_required(EDIT)
def set_override(course_slug: str, user_id: int):
    """A quiz accommodation for the learner (or one of their groups) on one lesson."""
    found = g.course
    learner = access.counts_as_learner(User.id, found.id)
    user = db.session.scalar(sa.select(User).where(User.id == user_id, learner))
    if user is None:
        abort(404)
    form = _override_form(found, user)
    back = url_for("dashboard.learner_detail", course_slug=found.slug, user_id=user.id)
    if not form.validate_on_submit():
        flash(_("The accommodation was not saved: %(errors)s", errors=_form_errors(form)), "danger")
        return redirect(back)
    lesson = next(item for item in found.lessons if item.id == form.lesson.data)
    target = form.applies_to.data
    who = (
        {"user_id": user.id}
        if target == "learner"
        else {"group_id": int(target.removeprefix("group-"))}
    )
    closes = form.closes.data.replace(tzinfo=quiz_timezone()) if form.closes.data else None
    quiz_overrides.set_override(
        db.session,
        lesson,
        **who,
        extra_minutes=form.extra_minutes.data or 0,
        extra_attempts=form.extra_attempts.data or 0,
        closes=closes,
    )
    db.session.commit()
    flash(_("Accommodation saved."), "success")
    return redirect(back)


def _form_errors(form) -> str:
    return "; ".join(
        f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()
    )


@bp.route("/instructor/courses/<course_slug>/retention")
@course_required(STAFF)
def course_retention(course_slug: str):
    """The class's predicted recall by lesson and section, and the course's leeches."""
    found = g.course  # found and checked by course_required
    retention = memory_stats.course_retention(db.session, found, clock.now())
    return render_template(
        "dashboard/retention.html",
        course=found,
        retention=retention,
        question_title=item_analysis.question_title,
    )


@bp.route("/instructor/courses/<course_slug>/questions.csv")
@course_required(STAFF)
def questions_csv(course_slug: str):
    found = g.course  # found and checked by course_required
    sort, order = _sort_arguments()
    analysed = item_analysis.question_statistics(db.session, found)
    questions = item_analysis.sort_questions(analysed, sort, order)
    return csv_export.csv_response(
        f"{found.slug}-questions.csv",
        csv_export.QUESTION_EXPORT_HEADER,
        csv_export.question_export_rows(questions),
    )


@bp.route("/instructor/courses/<course_slug>/learners.csv")
@course_required(STAFF)
def learners_csv(course_slug: str):
    found = g.course  # found and checked by course_required
    group = _group_filter()
    rows = stats.learner_table(db.session, found, group_id=group.id if group else None)
    return csv_export.csv_response(
        f"{found.slug}-learners{f'-group-{group.id}' if group else ''}.csv",
        csv_export.LEARNER_EXPORT_HEADER,
        csv_export.learner_export_rows(rows),
    )
