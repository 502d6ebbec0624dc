"""The item_statistics migrations backfill the maintained statistics from the answers
that exist: downgrading drops them, upgrading again recomputes the same figures."""

import pytest
from flask_migrate import downgrade, upgrade

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Course
from quizapp.models.types import utcnow
from quizapp.services import course_statistics, memberships
from tests.factories import add_attempt, make_course, make_learner, questions_of
from tests.services.test_course_membership_migration import BACKENDS, _empty_database


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_backfills_the_statistics_of_existing_answers(backend, tmp_path):
    with _empty_database(backend, tmp_path) as uri:
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
        with app.app_context():
            upgrade()
            course = make_course(db.session, questions_per_lesson=3)
            lesson = course.lessons[0]
            questions = questions_of(db.session, lesson)
            first_question = questions[0].id
            for i, scores in enumerate([(1, 0, 1), (0, 0, 1), (1, 1, 1)]):
                learner = make_learner(db.session, f"m{i}@example.org")
                add_attempt(
                    db.session,
                    learner,
                    lesson,
                    dict(zip(questions, scores, strict=True)),
                    utcnow(),
                    selected={questions[0]: [0 if scores[0] else 1]},
                )
            staff = make_learner(db.session, "staff@example.org", role="instructor")
            memberships.set_member(db.session, course, staff, "instructor", utcnow())
            add_attempt(db.session, staff, lesson, dict.fromkeys(questions, 0.0), utcnow())
            db.session.commit()
            course_id = course.id
            before = course_statistics.maintained(db.session, course_id)
            assert sum(item.n for item in before.items.values()) == 9
            db.session.remove()

            downgrade(revision="fsrs_parameters")
            upgrade()  # item_statistics makes the tables, item_statistics_backfill fills them
            db.session.remove()
            course = db.session.get(Course, course_id)
            after = course_statistics.maintained(db.session, course)
            assert after.items == before.items
            assert (
                after.choices == before.choices == {(first_question, 0): 2, (first_question, 1): 1}
            )
            assert after.completion == before.completion
            assert after.tests == before.tests
            db.session.remove()
            db.engine.dispose()
