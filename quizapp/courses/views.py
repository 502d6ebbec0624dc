"""Course pages: enrolling and leaving (learners), and for a course's staff its settings,
members and groups. Each view checks the course with `course_required`, calls one service,
commits and redirects."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_logged_in

from quizapp import clock
from quizapp.auth.access import course_required
from quizapp.courses.forms import (
    ActionForm,
    AddMembersForm,
    ArchiveForm,
    CourseForm,
    DeleteCourseForm,
    GroupForm,
    JoinForm,
    NewCourseForm,
)
from quizapp.domain.course_access import LISTED, MANAGE, READ, STAFF
from quizapp.extensions import db
from quizapp.services import course_groups, course_lifecycle, memberships
from quizapp.services.content_loader import ContentError, load_course_text

bp = Blueprint("courses", __name__)


@user_logged_in.connect
def _claim_invitations(sender, user, **extra) -> None:
    """Invitations to the user's email become memberships when they log in (registering
    logs in too)."""
    if memberships.claim_invitations(db.session, user, clock.now()):
        db.session.commit()


STAFF_URL = "/instructor/courses/<course_slug>"


def _problems(error: memberships.MembershipError) -> str:
    return " ".join(_(message, **params) for message, params in error.problems)


def _course_page():
    return redirect(url_for("learn.course", course_slug=g.course.slug))


# --- learners -------------------------------------------------------------------------------


@bp.route("/courses/<course_slug>/enrol", methods=["POST"])
@login_required
@course_required(LISTED)
def enrol(course_slug: str):
    """One click in a public course; the join code (from the form) in a code course."""
    form = JoinForm() if g.course.visibility == "code" else ActionForm()
    if not form.validate_on_submit():
        flash(_("Enter the course's join code."), "danger")
        return _course_page()
    code = form.code.data if isinstance(form, JoinForm) else None
    try:
        memberships.enrol(db.session, g.course, current_user, clock.now(), code=code)
    except memberships.MembershipError as error:
        db.session.rollback()
        flash(_problems(error), "danger")
        return _course_page()
    db.session.commit()
    flash(_("You are enrolled in “%(title)s”.", title=g.course.title), "success")
    return _course_page()


@bp.route("/courses/<course_slug>/leave", methods=["POST"])
@login_required
@course_required(READ)
def leave(course_slug: str):
    if ActionForm().validate_on_submit():
        try:
            left = memberships.leave(db.session, g.course, current_user, clock.now())
        except memberships.MembershipError as error:
            db.session.rollback()
            flash(_problems(error), "danger")
            return _course_page()
        db.session.commit()
        if left:
            flash(_("You left the course; your history is kept."), "success")
    return redirect(url_for("learn.home"))


# --- creating a course ----------------------------------------------------------------------


@bp.route("/instructor/courses/new", methods=["GET", "POST"])
@login_required
def new_course():
    """Global instructors and admins create courses (empty, or from a Markdown file)."""
    if not current_user.is_staff:
        abort(403)
    form = NewCourseForm()
    if form.validate_on_submit():
        course = _create_course(form)
        if course is not None:
            return redirect(url_for("courses.settings", course_slug=course.slug))
    return render_template("courses/new.html", form=form)


def _create_course(form: NewCourseForm):
    now = clock.now()
    try:
        course = memberships.create_course(
            db.session,
            form.slug.data or form.title.data,
            form.title.data,
            current_user,
            now,
            description_md=form.description_md.data or "",
            visibility=form.visibility.data,
        )
        upload = form.markdown.data
        if upload and getattr(upload, "filename", ""):
            text = upload.read().decode("utf-8")
            load_course_text(db.session, course, text, upload.filename, now)
    except memberships.MembershipError as error:
        db.session.rollback()
        form.form_errors.append(_problems(error))
        return None
    except ContentError as error:
        db.session.rollback()
        form.form_errors.extend(error.errors)
        return None
    except UnicodeDecodeError:
        db.session.rollback()
        form.form_errors.append(_("The Markdown file is not UTF-8 text."))
        return None
    db.session.commit()
    flash(_("Course created. Add lessons and questions, then share it."), "success")
    return course


# --- settings and life ----------------------------------------------------------------------


@bp.route(f"{STAFF_URL}/settings", methods=["GET", "POST"])
@course_required(MANAGE)
def settings(course_slug: str):
    course = g.course
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        fields = course_lifecycle.CourseSettings(
            form.title.data, form.description_md.data or "", form.visibility.data
        )
        try:
            course_lifecycle.update_settings(db.session, course, fields)
        except memberships.MembershipError as error:
            db.session.rollback()
            form.form_errors.append(_problems(error))
        else:
            db.session.commit()
            flash(_("Course settings saved."), "success")
            return redirect(url_for(".settings", course_slug=course.slug))
    return render_template(
        "courses/settings.html",
        course=course,
        form=form,
        action_form=ActionForm(),
        delete_form=DeleteCourseForm(),
        has_history=course_lifecycle.has_learner_history(db.session, course),
    )


@bp.route(f"{STAFF_URL}/code", methods=["POST"])
@course_required(MANAGE)
def rotate_code(course_slug: str):
    if ActionForm().validate_on_submit():
        memberships.rotate_code(db.session, g.course)
        db.session.commit()
        flash(_("New join code: %(code)s. The old one no longer works.", code=g.course.join_code))
    return redirect(url_for(".settings", course_slug=course_slug))


@bp.route(f"{STAFF_URL}/archive", methods=["POST"])
@course_required(MANAGE)
def archive(course_slug: str):
    form = ArchiveForm()
    if form.validate_on_submit():
        wanted = form.archived.data == "1"
        if wanted and g.course.archived_at is None:
            course_lifecycle.archive(db.session, g.course, clock.now())
            flash(_("Course archived: read-only and out of the catalogue."), "success")
        elif not wanted and g.course.archived_at is not None:
            course_lifecycle.restore(db.session, g.course)
            flash(_("Course restored."), "success")
        db.session.commit()
    return redirect(url_for(".settings", course_slug=course_slug))


@bp.route(f"{STAFF_URL}/delete", methods=["POST"])
@course_required(MANAGE)
def delete_course(course_slug: str):
    form = DeleteCourseForm()
    if not form.validate_on_submit() or form.confirm_slug.data.strip() != g.course.slug:
        flash(_("Type the course's address exactly to delete it."), "danger")
        return redirect(url_for(".settings", course_slug=course_slug))
    try:
        course_lifecycle.delete_course(db.session, g.course)
    except memberships.MembershipError as error:
        db.session.rollback()
        flash(_problems(error), "danger")
        return redirect(url_for(".settings", course_slug=course_slug))
    db.session.commit()
    flash(_("Course deleted."), "success")
    return redirect(url_for("author.index"))


# --- members and groups ---------------------------------------------------------------------


@bp.route(f"{STAFF_URL}/members")
@course_required(STAFF)
def members(course_slug: str):
    course = g.course
    return render_template(
        "courses/members.html",
        course=course,
        members=memberships.list_members(db.session, course),
        invitations=memberships.pending_invitations(db.session, course),
        groups=course_groups.list_groups(db.session, course),
        learner_groups=course_groups.learner_groups(db.session, course),
        may_manage=g.standing.is_admin or g.standing.role == "instructor",
        add_form=AddMembersForm(),
        group_form=GroupForm(),
        action_form=ActionForm(),
    )


def _members_page():
    return redirect(url_for(".members", course_slug=g.course.slug))


@bp.route(f"{STAFF_URL}/members/add", methods=["POST"])
@course_required(MANAGE)
def add_members(course_slug: str):
    form = AddMembersForm()
    if not form.validate_on_submit():
        flash(_("Paste some emails or choose a CSV file."), "danger")
        return _members_page()
    text = form.emails.data or ""
    upload = form.csv_file.data
    if upload and getattr(upload, "filename", ""):
        try:
            text += "\n" + upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            flash(_("The CSV file is not UTF-8 text."), "danger")
            return _members_page()
    emails, invalid = memberships.parse_emails(text)
    if invalid:
        flash(_("Not email addresses: %(list)s. Nobody was added.", list=", ".join(invalid)))
        return _members_page()
    if not emails:
        flash(_("Paste some emails or choose a CSV file."), "danger")
        return _members_page()
    report = memberships.add_members(db.session, g.course, emails, form.role.data, clock.now())
    db.session.commit()
    flash(
        _(
            "%(added)d added, %(invited)d invited (they join when they sign up with that email).",
            added=len(report.added),
            invited=len(report.invited),
        ),
        "success",
    )
    return _members_page()


@bp.route(f"{STAFF_URL}/members/<int:user_id>/remove", methods=["POST"])
@course_required(MANAGE)
def remove_member(course_slug: str, user_id: int):
    if ActionForm().validate_on_submit():
        try:
            removed = memberships.remove_member(db.session, g.course, user_id, clock.now())
        except memberships.MembershipError as error:
            db.session.rollback()
            flash(_problems(error), "danger")
            return _members_page()
        db.session.commit()
        if removed:
            flash(_("Member removed; their history is kept, out of the dashboards."), "success")
    return _members_page()


@bp.route(f"{STAFF_URL}/groups", methods=["POST"])
@course_required(MANAGE)
def create_group(course_slug: str):
    form = GroupForm()
    if form.validate_on_submit():
        try:
            course_groups.create_group(db.session, g.course, form.name.data)
        except memberships.MembershipError as error:
            db.session.rollback()
            flash(_problems(error), "danger")
            return _members_page()
        db.session.commit()
        flash(_("Group created."), "success")
    return _members_page()


@bp.route(f"{STAFF_URL}/members/<int:user_id>/group", methods=["POST"])
@course_required(MANAGE)
def assign_group(course_slug: str, user_id: int):
    if ActionForm().validate_on_submit():
        value = request.form.get("group_id", "")
        group_id = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
        try:
            course_groups.set_learner_group(db.session, g.course, user_id, group_id)
        except memberships.MembershipError as error:
            db.session.rollback()
            flash(_problems(error), "danger")
            return _members_page()
        db.session.commit()
        flash(_("Group saved."), "success")
    return _members_page()
