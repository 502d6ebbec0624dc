"""Authoring lessons and questions: validation, versions, retire/restore/move, on a
three-lesson course built for the test."""

import pytest

from quizapp.extensions import db
from quizapp.models import Course, Lesson
from quizapp.models.types import utcnow
from quizapp.services import authoring
from quizapp.services.question_store import question_dict
from tests.factories import course_by_slug, lesson_by_number, make_course

NOW = utcnow()

CHOICE = {
    "type": "single_choice",
    "title": "Lenguaje",
    "prompt": "¿En qué lenguaje está escrito Flask?",
    "choices": [{"text": "Python", "correct": True}, {"text": "Ruby"}],
}


@pytest.fixture
def course(app) -> Course:
    """Three lessons of two single-choice questions (ids l1-q1, l1-q2, l2-q1…)."""
    course = make_course(db.session, slug="curso", lessons=3, questions_per_lesson=2)
    db.session.commit()
    return course


def test_a_new_question_gets_an_id_from_its_title_and_goes_last(course):
    row = authoring.create_question(
        db.session, lesson_by_number(db.session, 1, "curso"), CHOICE, NOW
    )
    assert row.external_id == "lenguaje"
    assert row.version == 1
    positions = [
        q.position
        for q in authoring.lesson_questions(db.session, lesson_by_number(db.session, 1, "curso"))
    ]
    assert row.position == max(positions)
    again = authoring.create_question(
        db.session, lesson_by_number(db.session, 1, "curso"), CHOICE, NOW
    )
    assert again.external_id == "lenguaje-2"


def test_an_id_made_from_a_prompt_keeps_its_words_not_its_link_targets(course):
    untitled = {
        **CHOICE,
        "title": None,
        "prompt": "Según [la guía](https://flask.palletsprojects.com/en/3.0.x/#routing), "
        "¿qué decorador registra una ruta en una aplicación?",
    }
    row = authoring.create_question(
        db.session, lesson_by_number(db.session, 1, "curso"), untitled, NOW
    )
    assert row.external_id == "segun-la-guia-que-decorador-registra-una"


def test_an_invalid_question_is_refused_with_the_registry_messages(course):
    bad = {**CHOICE, "choices": [{"text": "Python"}, {"text": "Ruby"}]}
    with pytest.raises(authoring.AuthoringError) as refused:
        authoring.create_question(db.session, lesson_by_number(db.session, 1, "curso"), bad, NOW)
    assert "no choice is marked" in refused.value.errors[0]


def test_an_id_in_use_is_refused(course):
    with pytest.raises(authoring.AuthoringError):
        authoring.create_question(
            db.session, lesson_by_number(db.session, 1, "curso"), {**CHOICE, "id": "l1-q1"}, NOW
        )


def test_editing_content_bumps_the_version_and_an_identical_save_does_not(course):
    row = authoring.create_question(
        db.session, lesson_by_number(db.session, 1, "curso"), CHOICE, NOW
    )
    assert not authoring.update_question(db.session, row, question_dict(row))
    assert row.version == 1
    edited = {
        **question_dict(row),
        "choices": [{"text": "Python", "correct": True}, {"text": "Go"}, {"text": "Ruby"}],
    }
    assert authoring.update_question(db.session, row, edited)
    db.session.commit()
    assert row.version == 2
    assert [choice.text_md for choice in row.choices] == ["Python", "Go", "Ruby"]


def test_the_type_and_id_cannot_be_changed_by_an_edit(course):
    row = authoring.create_question(
        db.session, lesson_by_number(db.session, 1, "curso"), CHOICE, NOW
    )
    authoring.update_question(db.session, row, {**question_dict(row), "id": "other"})
    assert row.external_id == "lenguaje"


def test_retire_restore_and_move(course):
    row = authoring.create_question(
        db.session, lesson_by_number(db.session, 1, "curso"), CHOICE, NOW
    )
    authoring.retire_question(db.session, row, utcnow())
    assert not row.is_active
    assert row in authoring.lesson_questions(db.session, lesson_by_number(db.session, 1, "curso"))
    authoring.restore_question(db.session, row)
    assert row.is_active
    authoring.move_question(db.session, row, lesson_by_number(db.session, 3, "curso"))
    assert row.lesson_id == lesson_by_number(db.session, 3, "curso").id
    assert row.version == 1


def test_a_question_cannot_move_to_another_course(course):
    row = authoring.create_question(
        db.session, lesson_by_number(db.session, 1, "curso"), CHOICE, NOW
    )
    other = Course(slug="otro", title="Otro")
    db.session.add(other)
    db.session.flush()
    foreign = Lesson(course_id=other.id, number=1, slug="uno", title="Uno")
    db.session.add(foreign)
    db.session.flush()
    with pytest.raises(authoring.AuthoringError):
        authoring.move_question(db.session, row, foreign)


def test_lessons_are_numbered_next_and_slugged_like_the_course_file(course):
    lesson = authoring.create_lesson(
        db.session,
        course_by_slug(db.session, "curso"),
        authoring.LessonFields(title="¿Qué son las rutas?", body_md="x"),
    )
    assert lesson.number == 4
    assert lesson.slug == "clase-4-que-son-las-rutas"
    with pytest.raises(authoring.AuthoringError):
        authoring.update_lesson(
            db.session, lesson, authoring.LessonFields(title="Otra", body_md="", number=1)
        )
