"""The course or lesson a page names by slug, or its 404: the one lookup every blueprint's
views use (the JSON API answers the same lookups with its own error shape)."""

from flask import abort, has_request_context, request

from quizapp.extensions import db
from quizapp.models import Course, Lesson
from quizapp.services import catalog


def course_or_404(course_slug: str) -> Course:
    return catalog.find_course(db.session, course_slug) or abort(404)


def lesson_or_404(course_slug: str, lesson_slug: str) -> Lesson:
    # The lesson auth.access.course_required found for this request's URL, if it did.
    found = getattr(request, "found_lesson", None) if has_request_context() else None
    if found is not None and found[:2] == (course_slug, lesson_slug):
        return found[2]
    return catalog.find_lesson(db.session, course_slug, lesson_slug) or abort(404)
