"""Planning and applying file imports, and exporting a course: keyed by id, all or nothing."""

import sqlalchemy as sa
import yaml

from quizapp.extensions import db
from quizapp.models import Lesson, Question
from quizapp.services.bank_export import export_course
from quizapp.services.bank_import import apply_import, plan_import
from tests.factories import course_by_slug, lesson_by_number, plan_file, row_count

GIFT = """\
// [id:g-capital]
::Capital::¿Capital de Francia? {=París ~Roma ~Madrid}

::Flask::Flask es un microframework. {T}

::Ensayo::Escribe un ensayo sobre Flask. {}
"""


def _import(text: str, filename: str, lesson: Lesson | None = None, fmt: str | None = None):
    plan = plan_import(db.session, course_by_slug(db.session), lesson, text, filename, fmt)
    if plan.ok:
        apply_import(db.session, plan)
        db.session.commit()
    return plan


def test_gift_plan_lists_new_questions_without_writing(bundled_course):
    before = row_count(db.session)
    plan = plan_file(db.session, GIFT, "extra.gift", 1)
    assert plan.errors == []
    # GIFT's `{}` is an essay, which QuizApp now holds (it was reported unsupported before).
    assert plan.created == ["g-capital", "flask", "ensayo"]
    assert plan.unsupported == []
    assert row_count(db.session) == before


def test_reimporting_a_gift_file_updates_instead_of_duplicating(bundled_course):
    _import(GIFT, "extra.gift", lesson_by_number(db.session, 1))
    after_first = row_count(db.session)
    plan = _import(GIFT.replace("Madrid", "Lisboa"), "extra.gift", lesson_by_number(db.session, 1))
    assert row_count(db.session) == after_first
    assert plan.updated == ["g-capital"]
    assert plan.unchanged == ["flask", "ensayo"]
    row = db.session.scalar(sa.select(Question).where(Question.external_id == "g-capital"))
    assert row.version == 2


def test_a_single_lesson_import_keeps_questions_missing_from_the_file(bundled_course):
    plan = _import(GIFT, "extra.gift", lesson_by_number(db.session, 1))
    assert plan.kept  # the bundled questions of lesson 1 are reported, not retired
    active = db.session.scalar(
        sa.select(sa.func.count()).select_from(Question).where(Question.retired_at.is_(None))
    )
    assert active == row_count(db.session)


def test_a_bad_file_writes_nothing_and_reports_file_and_line(bundled_course):
    before = row_count(db.session)
    bad = GIFT + "\n::Roto::Pregunta rota {=a ~b\n"
    plan = plan_file(db.session, bad, "bad.gift", 1)
    assert not plan.ok
    assert all(error.startswith("bad.gift:") for error in plan.errors)
    assert row_count(db.session) == before


def test_invalid_questions_are_errors_with_their_line(bundled_course):
    text = (
        "questions:\n  - id: x1\n    type: single_choice\n    prompt: P\n    choices:\n"
        "      - {text: a}\n      - {text: b}\n"
    )
    plan = plan_file(db.session, text, "bank.yaml", 1)
    assert plan.errors
    assert plan.errors[0].startswith("bank.yaml:")


def test_questions_without_a_lesson_need_a_target_lesson(bundled_course):
    plan = plan_file(db.session, GIFT, "extra.gift", None)
    assert any("has no lesson" in error for error in plan.errors)


def test_unknown_extension_is_an_error(bundled_course):
    plan = plan_file(db.session, GIFT, "extra.doc", 1)
    assert plan.errors == [
        "extra.doc:1: unknown format; name the file .yaml, .gift, .csv, .xml or .apkg, "
        "or choose one"
    ]


def test_yaml_export_then_import_leaves_the_bank_unchanged(bundled_course):
    exported = export_course(db.session, course_by_slug(db.session), "yaml").decode()
    before = row_count(db.session)
    plan = _import(exported, "curso-flask.yaml")
    assert plan.errors == []
    assert len(plan.unchanged) == before
    assert plan.created == plan.updated == []


def test_gift_export_carries_categories_and_reimports_into_the_same_lessons(bundled_course):
    exported = export_course(db.session, course_by_slug(db.session), "gift").decode()
    assert "$CATEGORY: curso-flask/" in exported
    plan = plan_file(db.session, exported, "curso-flask.gift", None)
    assert plan.errors == []
    assert plan.created == []
    lesson_of = {q.external_id: q.lesson_id for q in db.session.scalars(sa.select(Question))}
    assert all(item.lesson_id == lesson_of[item.question["id"]] for item in plan.items)


def test_csv_export_reimports_as_flashcards(bundled_course):
    exported = export_course(db.session, course_by_slug(db.session), "csv").decode()
    plan = _import(exported, "cards.csv", lesson_by_number(db.session, 2))
    assert plan.errors == []
    assert plan.created
    types = set(
        db.session.scalars(sa.select(Question.type).where(Question.external_id.in_(plan.created)))
    )
    assert types == {"flashcard"}


def test_apkg_export_is_an_anki_package(bundled_course):
    data = export_course(db.session, course_by_slug(db.session), "apkg")
    assert data[:2] == b"PK"  # genanki writes a zip holding the collection


def test_moving_a_question_by_import_puts_it_in_the_new_lesson(bundled_course):
    exported = yaml.safe_load(export_course(db.session, course_by_slug(db.session), "yaml"))
    first = exported["questions"][0]
    first["lesson"] = 3
    plan = _import(yaml.safe_dump({"questions": [first]}, allow_unicode=True), "one.yaml")
    assert plan.updated == [first["id"]]
    row = db.session.scalar(sa.select(Question).where(Question.external_id == first["id"]))
    assert row.lesson_id == lesson_by_number(db.session, 3).id
    assert row.version == 1  # moving is not a content change
