"""Every form post of the site is refused (400) without the session's CSRF token, and a
refused post writes nothing. The app runs with its normal config (CSRF on), and each post
comes from a visitor who may use the form, with otherwise valid fields, so the CSRF check
is what refuses it: the same post with the token is not refused."""

import hashlib

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from tests.conftest import AuthActions, csrf_token_from

CSRF_MESSAGE = "The form expired or was sent from elsewhere"

# Fields that make each post acceptable apart from the token (`ids`: real URL values).
FORMS = {
    "review.rate": lambda ids: {"rating": "3", "reps": ids["reps"]},
    "review.answer": lambda ids: {"reps": ids["reps"]},
    "review.settings": lambda ids: {"retention_percent": "85", "daily_new_limit": "5"},
    "author.move_question": lambda ids: {"lesson": ids["lesson_id"]},
    "author.preview": lambda ids: {"text": "**bold**"},
    "author.retire_question": lambda ids: {},
    "author.new_lesson": lambda ids: {"title": "CSRF lesson", "body_md": "Text."},
    "author.edit_lesson": lambda ids: {"title": "Renamed by a forged form"},
    "auth.login": lambda ids: {"email": ids["email"], "password": ids["password"]},
    "auth.change_password": lambda ids: {
        "current_password": ids["password"],
        "new_password": "another-long-password-1",
        "confirm": "another-long-password-1",
    },
    "auth.create_api_token": lambda ids: {"name": "forged"},
    "auth.register": lambda ids: {
        "email": "csrf-new@example.org",
        "password": "a-long-enough-password",
        "confirm": "a-long-enough-password",
    },
    "drafts.accept_draft": lambda ids: {"prompt": "Forged?", "answer": "yes"},
}
ANONYMOUS = {"auth.login", "auth.register"}


def _who_posts(endpoint: str, rule) -> str:
    if endpoint in ANONYMOUS:
        return "anonymous"
    return "instructor" if rule.rule.startswith("/instructor") else "learner"


def _database_fingerprint() -> str:
    """A digest of every row of every table: equal before and after means nothing written."""
    digest = hashlib.sha256()
    db.session.rollback()
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        digest.update(f"{table.name}:{[tuple(map(repr, row)) for row in rows]}".encode())
    db.session.rollback()
    return digest.hexdigest()


@pytest.fixture
def post_routes(html_routes):
    """Form posts, with logging out last (it ends the session)."""
    posts = [(endpoint, rule) for endpoint, method, rule in html_routes if method == "POST"]
    last = {"auth.logout_everywhere": 1, "auth.logout": 2}
    return sorted(posts, key=lambda post: last.get(post[0], 0))


def _refusals(client, path: str, form: dict, foreign_token: str) -> list[str]:
    """What is wrong with the answers to the post without a valid token."""
    attempts = {
        "no token": {"data": form},
        "a made-up token": {"data": {**form, "csrf_token": "x" * 40}},
        "another session's token": {"data": {**form, "csrf_token": foreign_token}},
        "a JSON body": {"json": form},
        "an X-CSRFToken header of another session": {
            "data": form,
            "headers": {"X-CSRFToken": foreign_token},
        },
    }
    problems = []
    for name, request in attempts.items():
        response = client.post(path, **request)
        if response.status_code != 400 or CSRF_MESSAGE not in response.get_data(as_text=True):
            problems.append(f"POST {path} with {name}: {response.status_code}")
    return problems


def test_the_app_runs_with_csrf_protection_on(app):
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert app.config["WTF_CSRF_CHECK_DEFAULT"] is not False


def test_every_form_post_without_the_csrf_token_is_refused(
    app, make_user, post_routes, owned_ids, path_of
):
    users = {"learner": make_user("learner"), "instructor": make_user("instructor")}
    ids = owned_ids(users["learner"]) | {"password": "correct-horse-battery"}
    clients = {"anonymous": app.test_client()}
    for role, user in users.items():
        clients[role] = app.test_client()
        assert AuthActions(clients[role]).login(user.email).status_code == 302
    stranger = app.test_client()
    foreign_token = csrf_token_from(stranger.get("/auth/login").get_data(as_text=True))
    assert len(post_routes) >= 20

    problems, written_with_token = [], set()
    for endpoint, rule in post_routes:
        role = _who_posts(endpoint, rule)
        client = clients[role]
        form = FORMS.get(endpoint, lambda _ids: {})({**ids, "email": users["learner"].email})
        path = path_of(rule, ids)
        before = _database_fingerprint()
        problems += _refusals(client, path, form, foreign_token)
        if _database_fingerprint() != before:
            problems.append(f"POST {path} without a valid token wrote to the database")
        # The control: the same post with the session's token gets past the CSRF check.
        token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
        response = client.post(path, data={**form, "csrf_token": token})
        if CSRF_MESSAGE in response.get_data(as_text=True):
            problems.append(f"POST {path} as {role} with the token: refused by the CSRF check")
        if endpoint != "auth.logout" and _database_fingerprint() != before:
            written_with_token.add(endpoint)
    assert problems == []
    # The fingerprint does see writes: the accepted posts changed the database. (Not the
    # review posts: whichever of answer/rate comes first makes the other's `reps` stale.)
    assert {"review.settings", "auth.create_api_token", "author.new_lesson"} <= written_with_token


def test_the_logout_link_cannot_be_forged(client, auth, make_user):
    """A cross-site GET (an <img src>) or token-less POST to /auth/logout keeps the session."""
    auth.login(make_user().email)
    client.get("/auth/logout")
    client.post("/auth/logout")
    assert client.get("/account").status_code == 200
