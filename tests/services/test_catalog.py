"""The one lesson lookup: by slug, or by number as the command line and the import API
name lessons."""

from quizapp.extensions import db
from quizapp.models import Lesson
from quizapp.services.catalog import find_lesson
from tests.factories import make_course


def test_a_lesson_is_found_by_its_slug_with_its_course(app):
    make_course(db.session, slug="c", lessons=2)
    lesson = find_lesson(db.session, "c", "clase-2")
    assert (lesson.number, lesson.course.slug) == (2, "c")


def test_a_lesson_is_found_by_its_number(app):
    make_course(db.session, slug="c", lessons=2)
    assert find_lesson(db.session, "c", "2").slug == "clase-2"


def test_a_slug_that_reads_as_a_number_wins_over_the_number(app):
    course = make_course(db.session, slug="c", lessons=2)
    db.session.add(Lesson(course=course, number=7, slug="1", title="Named one"))
    db.session.flush()
    assert find_lesson(db.session, "c", "1").title == "Named one"


def test_another_course_or_an_impossible_number_finds_nothing(app):
    make_course(db.session, slug="c", lessons=1)
    make_course(db.session, slug="d", lessons=2)
    assert find_lesson(db.session, "c", "2") is None
    assert find_lesson(db.session, "c", "99999999999999999999") is None
    assert find_lesson(db.session, "c", "²") is None
    assert find_lesson(db.session, "nope", "1") is None
