"""`course_required(need)`: the access check of every course page, put at the top of the
view. It finds the course named by the URL (`course_slug`, or the course of `question_id`),
decides with quizapp.domain.course_access and answers: anonymous visitors log in, a course
you may not see is a 404, a right you lack a 403. The view finds the course in `g.course`
and the caller's standing in `g.standing`."""

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import abort, g, request
from flask_login import current_user

from quizapp import clock
from quizapp.domain import course_access
from quizapp.domain.course_access import LOGIN, NOT_FOUND, OK, Standing
from quizapp.extensions import db, login_manager
from quizapp.models import Course, Question
from quizapp.services import access, catalog, memberships


def _course_of_url(arguments: dict) -> tuple[Course | None, object]:
    """The course the URL names, and the caller's membership role in it when read along
    (access.UNREAD otherwise)."""
    if "course_slug" in arguments:
        if "lesson_slug" in arguments:
            # A lesson's page: its lesson, course and the caller's role in one query; the
            # view's lookups.lesson_or_404 then takes the lesson instead of asking again.
            slugs = (arguments["course_slug"], arguments["lesson_slug"])
            lesson, role = _lesson_and_role(*slugs)
            if lesson is not None:
                request.found_lesson = (*slugs, lesson)
                return lesson.course, role
        return catalog.find_course(db.session, arguments["course_slug"]), access.UNREAD
    if "question_id" in arguments:
        course = db.session.scalar(
            sa.select(Course)
            .join(Question, Question.course_id == Course.id)
            .where(Question.id == arguments["question_id"])
        )
        return course, access.UNREAD
    raise LookupError("course_required needs a course_slug or question_id URL argument")


def _lesson_and_role(course_slug: str, lesson_slug: str) -> tuple:
    user = _current_user()
    if not user.is_authenticated:
        return catalog.find_lesson(db.session, course_slug, lesson_slug), access.UNREAD
    return catalog.find_lesson_and_role(db.session, course_slug, lesson_slug, user.id)


def check_course(course: Course | None, need: str, role=access.UNREAD) -> Standing:
    """Aborts unless the current user may `need` in `course` (None: no such course);
    `role`: their membership role when read along with the course (access.standing)."""
    user = _current_user()
    signed_in = user.is_authenticated
    if not signed_in and need in course_access.SIGNED_IN_NEEDS:
        abort(login_manager.unauthorized())
    if course is None:
        abort(404)
    standing = access.standing(db.session, user if signed_in else None, course, role)
    decision = course_access.decide(standing, need)
    if decision == LOGIN:
        abort(login_manager.unauthorized())
    if decision == NOT_FOUND:
        abort(404)
    if decision != OK:
        abort(403)
    g.course, g.standing = course, standing
    return standing


def _current_user():
    """Flask-Login's user itself: each attribute read through the `current_user` proxy
    resolves it again (the request context, `g`, twice), and a course check reads several."""
    return current_user._get_current_object()


def enrol_on_learning(course: Course, standing: Standing) -> None:
    """Starting or submitting a quiz of a public course enrols a signed-in non-member."""
    if course_access.enrols_on_learning(standing):
        memberships.enrol(db.session, course, current_user, clock.now())
        db.session.commit()


def course_required(need: str) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            signed_in = current_user.is_authenticated
            if not signed_in and need in course_access.SIGNED_IN_NEEDS:
                # Before any lookup: an anonymous visitor learns nothing about the course.
                return login_manager.unauthorized()
            course, role = _course_of_url(kwargs)
            standing = check_course(course, need, role)
            if need == course_access.LEARN and request.method == "POST":
                enrol_on_learning(g.course, standing)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def teaching_required(view: Callable) -> Callable:
    """Pages of the instructor area that belong to no one course (its index, the Markdown
    preview): for whoever may create courses or staffs at least one."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not (current_user.is_staff or access.staff_course_roles(db.session, current_user)):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
