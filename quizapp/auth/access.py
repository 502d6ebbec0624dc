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


def _course_of_url(arguments: dict) -> Course | None:
    if "course_slug" in arguments:
        if "lesson_slug" in arguments:
            # A lesson's page: its lesson and course in one query, which the view's
            # lookups.lesson_or_404 then takes instead of asking again.
            lesson = catalog.find_lesson(
                db.session, arguments["course_slug"], arguments["lesson_slug"]
            )
            if lesson is not None:
                request.found_lesson = (arguments["course_slug"], arguments["lesson_slug"], lesson)
                return lesson.course
        return catalog.find_course(db.session, arguments["course_slug"])
    if "question_id" in arguments:
        return db.session.scalar(
            sa.select(Course)
            .join(Question, Question.course_id == Course.id)
            .where(Question.id == arguments["question_id"])
        )
    raise LookupError("course_required needs a course_slug or question_id URL argument")


def check_course(course: Course | None, need: str) -> Standing:
    """Aborts unless the current user may `need` in `course` (None: no such course)."""
    signed_in = current_user.is_authenticated
    if not signed_in and need in course_access.SIGNED_IN_NEEDS:
        abort(login_manager.unauthorized())
    if course is None:
        abort(404)
    standing = access.standing(db.session, current_user if signed_in else None, course)
    decision = course_access.decide(standing, need)
    if decision == LOGIN:
        abort(login_manager.unauthorized())
    if decision == NOT_FOUND:
        abort(404)
    if decision != OK:
        abort(403)
    g.course, g.standing = course, standing
    return standing


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
            standing = check_course(_course_of_url(kwargs), need)
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
