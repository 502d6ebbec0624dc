"""Views, the API and the CLI take their time from quizapp.clock.now(): with the clock
fixed (app.config["CLOCK"]), what they stamp is that moment, not the machine's time."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ApiToken, Attempt
from quizapp.services import accounts
from tests.conftest import AuthActions
from tests.quiz_answers import start_quiz

FIXED = datetime(2031, 5, 17, 9, 30, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"CLOCK": FIXED}


def test_a_quiz_started_on_the_web_is_stamped_by_the_app_clock(client, make_user, bundled_course):
    AuthActions(client).login(make_user().email)
    assert start_quiz(client, "/courses/curso-flask/clase-3-que-es-flask/quiz").status_code == 200
    assert db.session.scalar(sa.select(Attempt.started_at)) == FIXED


def test_an_api_call_stamps_its_token_with_the_app_clock(client, make_user, bundled_course):
    token = accounts.issue_api_token(db.session, make_user())
    db.session.commit()
    # Only writes stamp the token ("GET never writes"): start an attempt.
    client.post(
        "/api/v1/courses/curso-flask/lessons/clase-3-que-es-flask/attempts",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) == FIXED


def test_a_cli_command_takes_the_app_clock(runner, make_user):
    user = make_user()
    accounts.issue_api_token(db.session, user)
    db.session.commit()
    assert runner.invoke(args=["users", "disable", user.email]).exit_code == 0
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) == FIXED
