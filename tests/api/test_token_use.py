"""What authenticating an API request costs a write: the token's "last used" stamp rides
in the request's own commit (one commit, on PostgreSQL one WAL flush, instead of two), is
due at most once a minute, and still lands when the request commits nothing (refused);
the bearer token is hashed once per request (the rate limit's key and the lookup)."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import has_request_context

from quizapp.extensions import db
from quizapp.models import ApiToken, Card, Question
from quizapp.services import accounts
from quizapp.services.deck import insert_missing_cards
from tests.api.conftest import Api

FIXED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def moments() -> list[datetime]:
    """The app's clock reads the last moment in this list."""
    return [FIXED]


@pytest.fixture
def app_config(moments):
    return {"CLOCK": lambda: moments[-1]}


@pytest.fixture
def commits(app):
    """The requests' database commits while the test runs (not the test's own)."""
    seen: list[int] = []

    def count(_connection):
        if has_request_context():
            seen.append(1)

    sa.event.listen(db.engine, "commit", count)
    yield seen
    sa.event.remove(db.engine, "commit", count)


def _card(user) -> int:
    question_id = db.session.scalar(sa.select(sa.func.min(Question.id)))
    insert_missing_cards(db.session, user.id, [question_id], FIXED)
    db.session.commit()
    return db.session.scalar(sa.select(Card.id).where(Card.user_id == user.id))


def _last_used() -> datetime | None:
    return db.session.scalar(sa.select(ApiToken.last_used_at))


def test_a_write_commits_once_with_the_token_stamp(
    app, client, issue_token, bundled_course, commits
):
    user, token = issue_token()
    card_id = _card(user)
    assert _last_used() is None
    commits.clear()
    response = Api(client, token).post(f"/review/{card_id}", json={"rating": 3})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(commits) == 1
    assert _last_used() == FIXED


def test_the_stamp_is_due_once_a_minute(app, client, issue_token, bundled_course, moments):
    user, token = issue_token()
    api = Api(client, token)
    card_id = _card(user)
    assert api.post(f"/review/{card_id}", json={"rating": 3}).status_code == 200
    moments.append(FIXED + timedelta(seconds=50))
    assert api.post(f"/review/{card_id}", json={"rating": 3}).status_code == 200
    assert _last_used() == FIXED  # to the minute is enough
    moments.append(FIXED + timedelta(minutes=2))
    assert api.post(f"/review/{card_id}", json={"rating": 3}).status_code == 200
    assert _last_used() == FIXED + timedelta(minutes=2)


def test_a_refused_write_still_stamps_the_token_and_saves_nothing_else(
    app, client, issue_token, bundled_course
):
    user, token = issue_token()
    card_id = _card(user)
    response = Api(client, token).post(f"/review/{card_id}", json={"rating": 7})
    assert response.status_code == 422
    assert _last_used() == FIXED
    assert db.session.get(Card, card_id).reps == 0


def test_a_read_leaves_the_stamp_as_it_was(app, client, issue_token, bundled_course, commits):
    _user, token = issue_token()
    commits.clear()
    assert Api(client, token).get("/courses").status_code == 200
    assert _last_used() is None
    assert commits == []


def test_the_token_is_hashed_once_per_request(
    app, client, issue_token, bundled_course, monkeypatch
):
    user, token = issue_token()
    card_id = _card(user)
    hashed = []
    real = accounts.hash_token

    def counting(value: str) -> str:
        hashed.append(value)
        return real(value)

    monkeypatch.setattr(accounts, "hash_token", counting)
    response = Api(client, token).post(f"/review/{card_id}", json={"rating": 3})
    assert response.status_code == 200
    assert hashed == [token]
