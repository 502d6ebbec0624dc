"""Migration admin_index adds the partial index of the admins that the learner figures
read (services/access.counts_as_learner) and takes it away again, on SQLite and
PostgreSQL."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quizapp import create_app
from quizapp.extensions import db
from tests.services.test_course_membership_migration import BACKENDS, _empty_database
from tests.services.test_dashboard_indexes import head_revision, revision

BEFORE = "answer_grader_foreign_key"


def _admin_index() -> dict | None:
    indexes = sa.inspect(db.engine).get_indexes("users")
    return next((index for index in indexes if index["name"] == "ix_users_admins"), None)


def _predicate() -> str:
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ix_users_admins'"
            ).scalar_one()
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_users_admins'"
        ).scalar_one()


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_admin_index_is_added_and_taken_away(backend, tmp_path):
    with _empty_database(backend, tmp_path) as uri:
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
        with app.app_context():
            upgrade(revision="admin_index")
            index = _admin_index()
            assert index is not None
            assert index["column_names"] == ["id"]
            assert "'admin'" in _predicate()
            assert "role" in _predicate()

            downgrade(revision=BEFORE)
            assert revision() == BEFORE
            assert _admin_index() is None

            upgrade()
            assert revision() == head_revision()
            assert _admin_index() is not None
            db.engine.dispose()
