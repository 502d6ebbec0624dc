"""Migration answer_grader_foreign_key makes answers.graded_by_id a foreign key to users
(ON DELETE SET NULL) without losing an answer or its choices, on SQLite and PostgreSQL,
and takes it back to a plain column."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quizapp import create_app
from quizapp.extensions import db
from quizapp.services import manual_grading, quiz_submission, quizzes
from tests.factories import make_essay_course, make_learner
from tests.services.test_course_membership_migration import BACKENDS, _empty_database

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
BEFORE = "learner_activity"


def _count(sql: str, **params) -> int:
    with db.engine.connect() as connection:
        return connection.execute(sa.text(sql), params).scalar()


def _answer(column: str, answer_id: int):
    """One column of one answer (`column` is one of this file's constants)."""
    statement = sa.select(sa.column(column)).select_from(sa.table("answers"))
    with db.engine.connect() as connection:
        return connection.execute(statement.where(sa.column("id") == answer_id)).scalar()


def _grader_keys() -> list[dict]:
    keys = sa.inspect(db.engine).get_foreign_keys("answers")
    return [key for key in keys if key["constrained_columns"] == ["graded_by_id"]]


def _graded_essay(email: str) -> tuple[int, int]:
    """A learner's submitted attempt with its essay graded by a new grader: the ids of the
    essay answer and of the grader."""
    course = make_essay_course(db.session, slug=email.split("@")[0])
    learner = make_learner(db.session, email)
    grader = make_learner(db.session, f"grader-{email}", role="instructor")
    attempt = quizzes.start_attempt(db.session, learner.id, course.lessons[0], NOW, seed=3)
    essay = next(a for a in attempt.answers if a.question.type == "essay")
    choice = next(a for a in attempt.answers if a.question.type == "single_choice")
    quiz_submission.submit_attempt(
        db.session, attempt, {essay.id: "Es pequeño.", choice.id: 0}, NOW
    )
    manual_grading.grade_answer(db.session, course, essay.id, 1, "Bien.", grader.id, NOW)
    ids = essay.id, grader.id
    db.session.commit()
    db.session.remove()  # no transaction left open: the migration takes the database
    return ids


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_grader_becomes_a_foreign_key_and_back(backend, tmp_path):
    with _empty_database(backend, tmp_path) as uri:
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
        with app.app_context():
            upgrade(revision=BEFORE)
            kept, kept_grader = _graded_essay("ana@example.org")
            gone, _grader = _graded_essay("ben@example.org")
            with db.engine.begin() as connection:  # a grader the column names but who is gone
                connection.execute(
                    sa.text("UPDATE answers SET graded_by_id = 999999 WHERE id = :id"),
                    {"id": gone},
                )
            answers, choices = (
                _count("SELECT count(*) FROM answers"),
                _count("SELECT count(*) FROM answer_choices"),
            )
            assert _grader_keys() == []

            upgrade()
            (key,) = _grader_keys()
            assert key["referred_table"] == "users"  # ON DELETE SET NULL: checked below
            assert _count("SELECT count(*) FROM answers") == answers
            assert _count("SELECT count(*) FROM answer_choices") == choices
            assert _answer("graded_by_id", kept) == kept_grader
            assert _answer("graded_by_id", gone) is None
            with db.engine.begin() as connection:
                if backend == "sqlite":
                    connection.execute(sa.text("PRAGMA foreign_keys = ON"))
                connection.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": kept_grader})
            assert _answer("graded_by_id", kept) is None
            assert _answer("score", kept) == 1.0

            downgrade(revision=BEFORE)
            assert _grader_keys() == []
            assert _count("SELECT count(*) FROM answers") == answers
            assert _count("SELECT count(*) FROM answer_choices") == choices
            db.engine.dispose()
