"""Migration review_controls adds the review controls' columns and takes them away again."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quizapp import create_app
from quizapp.extensions import db

ADDED = {
    "cards": {"suspended_at", "buried_until", "leech"},
    "review_logs": {"undo_state"},
    "users": {"leech_threshold"},
}


def columns() -> dict[str, set[str]]:
    inspector = sa.inspect(db.engine)
    return {table: {c["name"] for c in inspector.get_columns(table)} for table in ADDED}


def test_review_controls_upgrades_with_defaults_and_downgrades(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrations.db'}"})
    with app.app_context():
        upgrade(revision="0003")
        assert not any(ADDED[table] & names for table, names in columns().items())
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (email, display_name, password_hash, role, active,"
                    " session_version, desired_retention, daily_new_limit, created_at)"
                    " VALUES ('old@example.org', '', 'x', 'learner', 1, 1, 0.9, 20,"
                    " '2025-01-01 00:00:00')"
                )
            )
        upgrade(revision="review_controls")
        assert all(ADDED[table] <= names for table, names in columns().items())
        with db.engine.connect() as connection:
            threshold = connection.execute(sa.text("SELECT leech_threshold FROM users")).scalar()
        assert threshold == 8  # existing learners get the default

        downgrade(revision="0003")
        assert not any(ADDED[table] & names for table, names in columns().items())
        db.engine.dispose()
