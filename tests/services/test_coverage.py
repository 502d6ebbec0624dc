"""Section coverage of a lesson: questions per section and the learners' mean score."""

import pytest

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Course, Lesson, Question
from quizapp.models.types import utcnow
from quizapp.services import catalog
from quizapp.services.coverage import lesson_coverage
from quizapp.services.drafting import accept_draft, lesson_drafts
from quizapp.services.question_store import apply_question

BODY = """\
Texto de apertura.

## Rutas

Las rutas asocian URLs a funciones.

## Plantillas

Flask usa un motor llamado Jinja2.

## Despliegue

Se publica en la nube.
"""


def _question(lesson: Lesson, external_id: str, section: str | None, retired=False) -> Question:
    row = Question(course_id=lesson.course_id, lesson_id=lesson.id, content_hash="")
    apply_question(
        row,
        {
            "id": external_id,
            "type": "true_false",
            "prompt": external_id,
            "answer": True,
            "section": section,
            "tags": [],
        },
    )
    row.retired_at = utcnow() if retired else None
    db.session.add(row)
    db.session.flush()
    return row


def _answer(user, question: Question, score: float, submitted: bool = True) -> None:
    attempt = Attempt(
        user_id=user.id,
        lesson_id=question.lesson_id,
        seed=1,
        submitted_at=utcnow() if submitted else None,
    )
    attempt.answers = [Answer(question_id=question.id, position=0, score=score)]
    db.session.add(attempt)
    db.session.flush()


@pytest.fixture
def lesson(app):
    course = Course(slug="c", title="C")
    lesson = Lesson(course=course, number=1, slug="clase-1", title="Uno", body_md=BODY)
    db.session.add_all([course, lesson])
    db.session.flush()
    return lesson


def test_every_section_is_listed_in_reading_order_with_its_active_questions(lesson):
    _question(lesson, "q1", "rutas")
    _question(lesson, "q2", "rutas")
    _question(lesson, "q3", "plantillas")
    _question(lesson, "q4", "despliegue", retired=True)
    rows = lesson_coverage(db.session, lesson)
    assert [(r.anchor, r.title, r.question_count) for r in rows] == [
        ("clase-1", None, 0),
        ("rutas", "Rutas", 2),
        ("plantillas", "Plantillas", 1),
        ("despliegue", "Despliegue", 0),
    ]
    uncovered = [r.anchor for r in rows if not r.covered]
    assert uncovered == ["clase-1", "despliegue"]


def test_mean_score_counts_submitted_learner_answers_only(lesson, make_user):
    learner, other, teacher = make_user(), make_user(), make_user("instructor")
    routes = _question(lesson, "q1", "rutas")
    templates = _question(lesson, "q2", "plantillas")
    _answer(learner, routes, 1.0)
    _answer(other, routes, 0.0)
    _answer(other, routes, 0.5)
    _answer(teacher, routes, 0.0)  # staff trying the quiz do not count
    _answer(learner, templates, 0.0, submitted=False)  # still open: not graded yet
    rows = {r.anchor: r for r in lesson_coverage(db.session, lesson)}
    assert rows["rutas"].answer_count == 3
    assert rows["rutas"].mean_score == pytest.approx(0.5)
    assert rows["plantillas"].answer_count == 0
    assert rows["plantillas"].mean_score is None


def test_unknown_and_missing_sections_get_their_own_rows(lesson):
    _question(lesson, "q1", "seccion-renombrada")
    _question(lesson, "q2", None)
    rows = lesson_coverage(db.session, lesson)
    orphans = [(r.anchor, r.in_lesson, r.question_count) for r in rows if not r.in_lesson]
    assert orphans == [("seccion-renombrada", False, 1), (None, False, 1)]


def test_a_lesson_starting_with_a_heading_has_no_opening_row(lesson):
    lesson.body_md = BODY.split("\n\n", 1)[1]
    rows = lesson_coverage(db.session, lesson)
    assert [r.anchor for r in rows] == ["rutas", "plantillas", "despliegue"]


def test_an_accepted_draft_covers_its_section_and_is_no_longer_proposed(bundled_course):
    lesson = catalog.find_lesson(db.session, "curso-flask", "clase-3-que-es-flask")
    before = lesson_drafts(db.session, lesson)
    draft = before[0]
    row = accept_draft(db.session, lesson, draft.id, utcnow())
    assert (row.external_id, row.section, row.lesson_id) == (draft.id, draft.section, lesson.id)
    assert draft.id not in {d.id for d in lesson_drafts(db.session, lesson)}
    assert len(lesson_drafts(db.session, lesson)) == len(before) - 1
