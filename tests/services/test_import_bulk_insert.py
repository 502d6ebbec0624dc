"""import_writes.bulk_insert: on PostgreSQL a COPY, elsewhere an executemany; either way
the rows read back as an INSERT would have written them (JSON, timestamps, NULLs), and a
database error is SQLAlchemy's, after which the session rolls back and goes on."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Choice, Question
from quizapp.services.import_writes import bulk_insert
from tests.factories import course_by_slug, lesson_by_number

NOW = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def _row(course, lesson, n: int, **changes) -> dict:
    return {
        "course_id": course.id,
        "lesson_id": lesson.id,
        "external_id": f"bulk-{n}",
        "type": "single_choice",
        "title": None if n % 2 else f"Título «{n}» \\ con\ttab",
        "prompt_md": "¿Qué? 'comillas' \"dobles\"\nsegunda línea",
        "explanation_md": None,
        "section": None,
        "tags": ["ñ", "a b"] if n % 2 else [],
        "data": {"shuffle": bool(n % 2), "choices": [{"text": "x", "weight": 33.5}], "n": None},
        "content_hash": "h" * 64,
        "version": 1,
        "position": 100 + n,
        "retired_at": None,
        "created_at": NOW,
        "updated_at": NOW,
        **changes,
    }


def test_rows_read_back_as_written(bundled_course):
    course = course_by_slug(db.session)
    lesson = lesson_by_number(db.session, 1)
    rows = [_row(course, lesson, n) for n in range(5)]
    bulk_insert(db.session, Question.__table__, rows)
    stored = db.session.scalars(
        sa.select(Question).where(Question.external_id.like("bulk-%")).order_by(Question.id)
    ).all()
    assert [q.external_id for q in stored] == [row["external_id"] for row in rows]
    for question, row in zip(stored, rows, strict=True):
        for key in ("title", "prompt_md", "tags", "data", "position", "retired_at"):
            assert getattr(question, key) == row[key], key
        assert question.created_at == NOW
        assert question.updated_at == NOW
    choices = [
        {
            "question_id": stored[0].id,
            "position": p,
            "text_md": f"c{p}",
            "weight": 50.0,
            "is_correct": p == 0,
            "feedback_md": None if p else "bien",
        }
        for p in range(3)
    ]
    bulk_insert(db.session, Choice.__table__, choices)
    db.session.expire_all()
    assert [(c.text_md, c.is_correct, c.feedback_md) for c in stored[0].choices] == [
        ("c0", True, "bien"),
        ("c1", False, None),
        ("c2", False, None),
    ]


def test_rows_without_every_column_use_the_columns_defaults(bundled_course):
    course = course_by_slug(db.session)
    lesson = lesson_by_number(db.session, 1)
    row = _row(course, lesson, 1)
    del row["created_at"], row["updated_at"], row["content_hash"]
    bulk_insert(db.session, Question.__table__, [row])
    stored = db.session.scalar(sa.select(Question).where(Question.external_id == "bulk-1"))
    assert stored.created_at is not None
    assert stored.content_hash == ""


def test_a_database_error_is_sqlalchemys_and_the_session_recovers(bundled_course):
    course = course_by_slug(db.session)
    lesson = lesson_by_number(db.session, 1)
    with pytest.raises(sa.exc.IntegrityError):
        # The same (course, external id) twice breaks the unique constraint.
        bulk_insert(db.session, Question.__table__, [_row(course, lesson, 7)] * 2)
    db.session.rollback()
    bulk_insert(db.session, Question.__table__, [_row(course, lesson, 7)])
    db.session.commit()
    found = sa.select(sa.func.count()).where(Question.external_id == "bulk-7")
    assert db.session.scalar(found) == 1
