"""Migration deck_question_index widens the questions' (lesson_id, retired_at) index with
the type, from which the learner dashboard counts a lesson's card-able questions, and
narrows it back, on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quizapp import create_app
from quizapp.extensions import db
from tests.services.test_course_membership_migration import BACKENDS, _empty_database
from tests.services.test_dashboard_indexes import head_revision, revision

BEFORE = "job_active_key"


def _lesson_indexes() -> dict[str, list[str]]:
    indexes = sa.inspect(db.engine).get_indexes("questions")
    return {
        index["name"]: index["column_names"]
        for index in indexes
        if index["name"].startswith("ix_questions_lesson")
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_lesson_index_gains_the_type_and_loses_it_again(backend, tmp_path):
    with _empty_database(backend, tmp_path) as uri:
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
        with app.app_context():
            upgrade(revision="deck_question_index")
            assert _lesson_indexes() == {
                "ix_questions_lesson_active_type": ["lesson_id", "retired_at", "type"]
            }

            downgrade(revision=BEFORE)
            assert revision() == BEFORE
            assert _lesson_indexes() == {"ix_questions_lesson_active": ["lesson_id", "retired_at"]}

            upgrade()
            assert revision() == head_revision()
            assert "ix_questions_lesson_active_type" in _lesson_indexes()
            db.engine.dispose()
