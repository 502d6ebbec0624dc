"""Migration 0002 adds the course dashboard's indexes and takes them away again."""

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from quizapp import create_app
from quizapp.extensions import db

DASHBOARD_INDEXES = {
    "answers": {"ix_answers_attempt_scored"},
    "attempts": {"ix_attempts_lesson_first", "ix_attempts_lesson_user"},
    "answer_choices": {"ix_answer_choices_answer_question"},
}


def index_names() -> dict[str, set[str]]:
    inspector = sa.inspect(db.engine)
    return {table: {i["name"] for i in inspector.get_indexes(table)} for table in DASHBOARD_INDEXES}


def revision() -> str:
    with db.engine.connect() as connection:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def head_revision() -> str:
    """The one head of migrations/versions (later migrations move it)."""
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def test_migration_0002_upgrades_and_downgrades(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrations.db'}"})
    with app.app_context():
        upgrade(revision="0002")
        assert revision() == "0002"
        for table, names in index_names().items():
            assert DASHBOARD_INDEXES[table] <= names, table

        downgrade(revision="0001")
        assert revision() == "0001"
        for table, names in index_names().items():
            assert not DASHBOARD_INDEXES[table] & names, table

        upgrade()
        assert revision() == head_revision()
        db.engine.dispose()
