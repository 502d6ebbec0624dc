"""The API side of course access: the same decision as the pages
(quizapp.domain.course_access), answered as JSON errors. A course the caller may not see
is a 404 exactly like one that does not exist."""

import re

from flask import g

from quizapp import clock
from quizapp.api.auth import current_api_user
from quizapp.api.schemas import SLUG
from quizapp.api.validation import ApiError
from quizapp.domain import course_access
from quizapp.extensions import db
from quizapp.models import Course, Lesson
from quizapp.services import access, catalog, memberships

_FORBIDDEN = {
    course_access.STAFF: "This route is for the course's staff.",
    course_access.EDIT: "Only the course's instructors may change its content.",
    course_access.MANAGE: "Only the course's instructors may manage it.",
}


def check_api_course(slug: str, need: str) -> Course:
    """The course named `slug` when the token's user may `need` in it; stored with the
    caller's standing in `g.course` / `g.standing`."""
    course = catalog.find_course(db.session, slug) if re.match(SLUG, slug) else None
    if course is None:
        raise ApiError(404, "not_found", f"No course {slug!r}.")
    user = current_api_user()
    standing = access.standing(db.session, user, course)
    decision = course_access.decide(standing, need)
    if decision == course_access.NOT_FOUND:
        raise ApiError(404, "not_found", f"No course {slug!r}.")
    if decision != course_access.OK:
        message = _FORBIDDEN.get(need, "Join the course first.")
        raise ApiError(403, "forbidden", message)
    if need == course_access.LEARN and course_access.enrols_on_learning(standing):
        memberships.enrol(db.session, course, user, clock.now())
        db.session.commit()
    g.course, g.standing = course, standing
    return course


def lesson_or_404(lesson_slug: str) -> Lesson:
    """The lesson `lesson_slug` of the course the route checked (`g.course`), or a 404."""
    course = g.course
    lesson = (
        catalog.find_lesson(db.session, course.slug, lesson_slug)
        if re.match(SLUG, lesson_slug)
        else None
    )
    if lesson is None:
        raise ApiError(404, "not_found", f"No lesson {lesson_slug!r} in {course.slug!r}.")
    return lesson
