"""Loading course folders: idempotent, keyed by ids, retiring, all or nothing."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Choice, Course, Lesson, Question
from quizapp.models.types import utcnow
from quizapp.services.content_loader import ContentError, load_path
from tests.conftest import DATA_DIR

BUNDLED = Path(__file__).resolve().parents[2] / "questions" / "curso-flask"


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Course, Lesson, Question, Choice)
    }


@pytest.fixture
def course_dir(tmp_path) -> Path:
    target = tmp_path / "curso-flask"
    shutil.copytree(BUNDLED, target)
    return target


def test_loading_twice_leaves_identical_row_counts(app, course_dir):
    load_path(db.session, course_dir, utcnow())
    db.session.commit()
    first = _counts()
    report = load_path(db.session, course_dir, utcnow())
    db.session.commit()
    assert _counts() == first
    assert report.questions_created == 0
    assert report.questions_unchanged == first["Question"]


def test_editing_a_question_updates_it_in_place(app, course_dir):
    load_path(db.session, course_dir, utcnow())
    db.session.commit()
    row = db.session.scalar(
        sa.select(Question).where(Question.external_id == "c3-jinja2-plantillas")
    )
    row_id, version = row.id, row.version
    bank = course_dir / "clase-3.yaml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace(row.prompt_md.splitlines()[0], "¿Pregunta editada?", 1), "utf-8")
    report = load_path(db.session, course_dir, utcnow())
    db.session.commit()
    db.session.expire_all()
    edited = db.session.get(Question, row_id)
    assert report.questions_updated == 1
    assert edited.prompt_md.startswith("¿Pregunta editada?")
    assert edited.version == version + 1


def test_a_question_removed_from_the_bank_is_retired_not_deleted(app, course_dir, tmp_path):
    load_path(db.session, course_dir, utcnow())
    db.session.commit()
    bank = course_dir / "clase-1.yaml"
    original = bank.read_text(encoding="utf-8")
    head, _, rest = original.partition("questions:\n")
    items = rest.split("\n  - ")
    bank.write_text(head + "questions:\n" + "\n  - ".join([items[0], *items[2:]]), "utf-8")
    report = load_path(db.session, course_dir, utcnow())
    db.session.commit()
    assert report.questions_retired == 1
    retired = db.session.scalars(sa.select(Question).where(Question.retired_at.is_not(None))).all()
    assert len(retired) == 1
    bank.write_text(original, "utf-8")
    report = load_path(db.session, course_dir, utcnow())
    assert report.questions_updated == 1
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Question.retired_at.is_not(None))) == 0
    )


def test_a_bad_bank_loads_nothing(app, course_dir):
    (course_dir / "clase-2.yaml").write_text(
        "lesson: 2\nquestions:\n  - id: roto\n    type: ranking\n    prompt: Hola\n", "utf-8"
    )
    with pytest.raises(ContentError) as raised:
        load_path(db.session, course_dir, utcnow())
    db.session.rollback()
    assert any("clase-2.yaml:4" in error for error in raised.value.errors)
    assert _counts()["Course"] == 0


def test_the_seed_file_gives_three_lessons_and_no_table_of_contents(app):
    report = load_path(db.session, DATA_DIR / "seed_course.md", utcnow())
    db.session.commit()
    lessons = db.session.scalars(sa.select(Lesson).order_by(Lesson.number)).all()
    assert report.course_slug == "curso-de-flask-platzi"
    assert [lesson.number for lesson in lessons] == [1, 2, 3]
    assert lessons[2].slug == "clase-3-que-es-flask"
    assert _counts()["Course"] == 1


def test_choices_are_stored_as_rows(app, course_dir):
    load_path(db.session, course_dir, utcnow())
    db.session.commit()
    single = db.session.scalar(sa.select(Question).where(Question.type == "single_choice").limit(1))
    assert len(single.choices) == len(single.data["choices"])
    assert sum(choice.is_correct for choice in single.choices) == 1


def test_changing_a_choice_text_and_count_reloads_cleanly(app, course_dir):
    load_path(db.session, course_dir, utcnow())
    db.session.commit()
    banks = {path: path.read_text(encoding="utf-8") for path in course_dir.glob("*.yaml")}
    candidates = db.session.scalars(sa.select(Question).where(Question.type == "single_choice"))
    # A question whose first choice text appears once in its file, so the edit is unambiguous.
    row, bank = next(
        (row, path)
        for row in candidates
        for path, text in banks.items()
        if row.external_id in text and text.count(row.choices[0].text_md) == 1
    )
    first_choice = row.choices[0].text_md
    text = banks[bank].replace(first_choice, first_choice + " (editado)", 1)
    bank.write_text(text, encoding="utf-8")
    report = load_path(db.session, course_dir, utcnow())
    db.session.commit()
    db.session.expire_all()
    assert report.questions_updated == 1
    assert db.session.get(Question, row.id).choices[0].text_md.endswith("(editado)")
