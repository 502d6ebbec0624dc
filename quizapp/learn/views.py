"""The learner's pages: the course list, a course, and a lesson's notes."""

from flask import Blueprint, abort, render_template

from quizapp.extensions import db
from quizapp.services import catalog

bp = Blueprint("learn", __name__)


@bp.route("/")
def home():
    return render_template("learn/home.html", courses=catalog.list_courses(db.session))


@bp.route("/courses/<course_slug>")
def course(course_slug: str):
    found = catalog.find_course(db.session, course_slug) or abort(404)
    lessons = catalog.lesson_summaries(db.session, found)
    return render_template("learn/course.html", course=found, lessons=lessons)


@bp.route("/courses/<course_slug>/<lesson_slug>")
def lesson(course_slug: str, lesson_slug: str):
    found = catalog.find_lesson(db.session, course_slug, lesson_slug) or abort(404)
    question_count = len(catalog.active_questions(db.session, found))
    return render_template(
        "learn/lesson.html", lesson=found, course=found.course, question_count=question_count
    )
