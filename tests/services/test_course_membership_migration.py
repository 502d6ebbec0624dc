"""The per-course roles migration keeps every right and every history of existing data."""

import contextlib
import os
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quizapp import create_app
from quizapp.extensions import db
from tests.processes import fresh_postgresql_database

T = datetime(2026, 11, 20, 10, 0)


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql))]


def _seed_before_the_migration() -> None:
    with db.engine.begin() as connection:
        users = [
            (1, "teacher@example.org", "instructor"),
            (2, "ana@example.org", "learner"),
            (3, "ben@example.org", "learner"),  # no history: not enrolled
            (4, "root@example.org", "admin"),
            (5, "cards@example.org", "learner"),  # only flashcards in course 2
        ]
        for user_id, email, role in users:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, email, display_name, password_hash, role, active,"
                    " session_version, desired_retention, daily_new_limit, created_at)"
                    " VALUES (:id, :email, '', '!', :role, true, 1, 0.9, 20, :t)"
                ),
                {"id": user_id, "email": email, "role": role, "t": T},
            )
        for course_id in (1, 2):
            connection.execute(
                sa.text(
                    "INSERT INTO courses (id, slug, title, description_md, created_at, updated_at)"
                    " VALUES (:id, :slug, 'C', '', :t, :t)"
                ),
                {"id": course_id, "slug": f"c{course_id}", "t": T},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO lessons (id, course_id, number, slug, title, body_md,"
                    " created_at, updated_at) VALUES (:id, :id, 1, 'l', 'L', '', :t, :t)"
                ),
                {"id": course_id, "t": T},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO questions (id, course_id, lesson_id, external_id, type,"
                    " prompt_md, tags, data, content_hash, version, position, created_at,"
                    " updated_at) VALUES (:id, :id, :id, 'q', 'flashcard', 'P', '[]', '{}',"
                    " '', 1, 0, :t, :t)"
                ),
                {"id": course_id, "t": T},
            )
        for attempt_id, user_id in ((1, 2), (2, 4)):
            connection.execute(
                sa.text(
                    "INSERT INTO attempts (id, user_id, lesson_id, number, seed, started_at,"
                    " submitted_at, score, question_count)"
                    " VALUES (:id, :user, 1, 1, 7, :t, :t, 1.0, 1)"
                ),
                {"id": attempt_id, "user": user_id, "t": T},
            )
        connection.execute(
            sa.text(
                "INSERT INTO cards (id, user_id, question_id, state, step, due, reps, lapses,"
                " created_at) VALUES (1, 5, 2, 1, 0, :t, 0, 0, :t)"
            ),
            {"t": T},
        )


@contextlib.contextmanager
def _empty_database(backend: str, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    with fresh_postgresql_database(os.environ["TEST_DATABASE_URL"], "mig") as uri:
        yield uri


BACKENDS = ["sqlite"] + (
    ["postgresql"] if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") else []
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_instructors_teach_every_course_and_learners_with_history_are_enrolled(backend, tmp_path):
    with _empty_database(backend, tmp_path) as uri:
        _migrate_with_data(uri)


def _migrate_with_data(uri: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade(revision="0003")
        _seed_before_the_migration()
        upgrade(revision="course_membership")

        memberships = _rows(
            "SELECT course_id, user_id, role, removed_at IS NULL FROM course_memberships"
            " ORDER BY course_id, user_id"
        )
        assert memberships == [
            (1, 1, "instructor", 1),
            (1, 2, "learner", 1),
            (2, 1, "instructor", 1),
            (2, 5, "learner", 1),
        ]
        assert _rows("SELECT id, visibility, join_code, archived_at FROM courses") == [
            (1, "public", None, None),
            (2, "public", None, None),
        ]
        # Nothing of the history went anywhere.
        assert _rows("SELECT count(*) FROM attempts") == [(2,)]
        assert _rows("SELECT count(*) FROM cards") == [(1,)]

        downgrade(revision="0003")
        assert "course_memberships" not in sa.inspect(db.engine).get_table_names()
        assert _rows("SELECT count(*) FROM courses") == [(2,)]
        db.engine.dispose()
