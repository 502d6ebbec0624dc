"""The one lesson lookup: by slug, or by number as the command line and the import API
name lessons."""

from quizapp.domain.questions.registry import normalise_question
from quizapp.extensions import db
from quizapp.models import Lesson
from quizapp.models.types import utcnow
from quizapp.services.catalog import find_lesson, lesson_summaries, list_courses
from quizapp.services.question_store import add_question
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


def _with_a_flashcard(course) -> None:
    lesson = course.lessons[0]
    add_question(
        db.session,
        lesson,
        normalise_question({"id": "fc", "type": "flashcard", "prompt": "Front", "back": "Back"}),
        utcnow(),
    )
    db.session.flush()


def test_the_catalogue_counts_what_the_quizzes_ask_and_the_flashcards_apart(app):
    """A quiz never asks a flashcard: the totals learners read count them apart."""
    course = make_course(db.session, slug="c", lessons=1, questions_per_lesson=3)
    _with_a_flashcard(course)
    [summary] = list_courses(db.session)
    assert (summary.question_count, summary.quiz_question_count, summary.flashcard_count) == (
        4,
        3,
        1,
    )
    [lesson] = lesson_summaries(db.session, course)
    assert (lesson.question_count, lesson.quiz_question_count, lesson.flashcard_count) == (4, 3, 1)
