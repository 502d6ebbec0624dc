"""Rows read with Core become the session's persistent instances (services.attached), as
the ORM would have loaded them: the lesson pages' lookup (catalog.find_lesson_and_role)
and the user loader read their rows so."""

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Lesson
from quizapp.services import catalog

COURSE, LESSON = "curso-flask", "clase-3-que-es-flask"


def _fresh_session():
    db.session.commit()
    db.session.expunge_all()


def test_the_lesson_and_role_read_as_rows_are_the_loaded_lesson_and_course(
    bundled_course, make_user, enrol, count_queries
):
    user = make_user()
    enrol(user, COURSE, "assistant")
    user_id = user.id
    expected = catalog.find_lesson(db.session, COURSE, LESSON)
    columns = [c.key for c in Lesson.__table__.c]
    loaded = {key: getattr(expected, key) for key in columns}
    course_title, rules = expected.course.title, expected.quiz_rules
    _fresh_session()
    with count_queries:
        lesson, role = catalog.find_lesson_and_role(db.session, COURSE, LESSON, user_id)
        assert {key: getattr(lesson, key) for key in columns} == loaded
        assert lesson.course.title == course_title  # read along, not lazily loaded
        assert lesson.quiz_rules == rules
    assert len(count_queries) == 1, count_queries.report()
    assert role == "assistant"
    assert lesson in db.session
    assert not db.session.dirty
    assert sa.inspect(lesson).persistent
    assert catalog.find_lesson(db.session, COURSE, LESSON) is lesson  # one per identity


def test_a_change_to_an_instance_read_as_a_row_flushes(bundled_course, make_user):
    user_id = make_user().id
    _fresh_session()
    lesson, _role = catalog.find_lesson_and_role(db.session, COURSE, LESSON, user_id)
    lesson.title = "Otro título"
    assert lesson in db.session.dirty
    db.session.commit()
    db.session.expunge_all()
    assert catalog.find_lesson(db.session, COURSE, LESSON).title == "Otro título"


def test_an_expired_instance_of_the_session_is_filled_from_the_row(
    bundled_course, make_user, count_queries
):
    """A lesson the session knows but has expired (after a commit) is the one answered,
    its attributes filled from the row as a load fills them, without a statement more."""
    user_id = make_user().id
    known = catalog.find_lesson(db.session, COURSE, LESSON)
    title = known.title
    db.session.commit()  # expires it
    with count_queries:
        lesson, _role = catalog.find_lesson_and_role(db.session, COURSE, LESSON, user_id)
        assert lesson is known
        assert lesson.title == title
        assert lesson.course.slug == COURSE
    assert len(count_queries) == 1, count_queries.report()


def test_no_lesson_is_none(bundled_course, make_user):
    user_id = make_user().id
    assert catalog.find_lesson_and_role(db.session, COURSE, "no-such", user_id) == (None, None)
    assert catalog.find_lesson_and_role(db.session, "no-such", LESSON, user_id) == (None, None)
