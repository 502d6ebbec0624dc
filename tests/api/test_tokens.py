"""API tokens: issued for a password, hashed at rest, managed on the account page, revocable;
the API accepts nothing but a valid Bearer token."""

import hashlib
import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ApiToken
from tests.api.conftest import Api
from tests.conftest import PASSWORD, csrf_token_from


def test_a_password_buys_a_token(client, make_user):
    user = make_user()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("qz_")
    assert body["id"] == db.session.scalar(sa.select(ApiToken.id))
    assert Api(client, body["token"]).get("/courses").status_code == 200


def test_tokens_are_stored_hashed(client, issue_token):
    _user, token = issue_token()
    row = db.session.scalar(sa.select(ApiToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_hash, row.prefix, row.name)
    assert token.startswith(row.prefix)


def test_a_wrong_password_gets_no_token(client, make_user):
    user = make_user()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": "nope-nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_token_request_without_a_password_is_unprocessable(client):
    response = client.post("/api/v1/tokens", json={"email": "a@example.org"})
    assert response.status_code == 422
    assert response.is_json
    assert "password" in response.get_json()["error"]["message"]


def test_malformed_json_is_a_bad_request(client):
    response = client.post(
        "/api/v1/tokens", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"


def test_no_token_is_unauthorized(client, bundled_course):
    response = client.get("/api/v1/courses")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "missing_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_unauthorized(client):
    response = Api(client, "qz_not-a-real-token").get("/courses")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_a_session_cookie_is_not_accepted(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    assert client.get("/account").status_code == 200  # logged in for the site
    response = client.get("/api/v1/courses")
    assert response.status_code == 401
    assert response.is_json
    assert "Set-Cookie" not in response.headers


def _account_page(client) -> str:
    return client.get("/account").get_data(as_text=True)


def test_the_account_page_creates_a_token_shown_once(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    page = _account_page(client)
    response = client.post(
        "/account/tokens", data={"name": "my script", "csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    token = re.search(r'id="new-api-token">(qz_[^<]+)<', html).group(1)
    assert Api(client, token).get("/me/progress").status_code == 200
    later = _account_page(client)
    assert token not in later
    assert "my script" in later
    assert token[:10] in later  # the prefix identifies it


def test_the_account_page_lists_tokens_with_their_use(client, auth, issue_token):
    user, token = issue_token()
    Api(client, token).get("/courses")
    # A GET never writes: reading the API leaves "last used" alone; a POST stamps it.
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) is None
    Api(client, token).post("/review/999999", json={"rating": 3})
    auth.login(user.email)
    page = _account_page(client)
    assert "tests" in page  # the name given by issue_token
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None
    assert "Never" not in page
    assert "Nunca" not in page


def test_a_revoked_token_is_refused(client, auth, issue_token):
    user, token = issue_token()
    api = Api(client, token)
    assert api.get("/courses").status_code == 200
    auth.login(user.email)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    csrf = csrf_token_from(_account_page(client))
    response = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 302
    refused = api.get("/courses")
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "invalid_token"
    assert token[:10] not in _account_page(client)


def test_revoking_needs_the_csrf_token(client, auth, issue_token):
    user, token = issue_token()
    auth.login(user.email)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 400
    assert Api(client, token).get("/courses").status_code == 200


def test_nobody_revokes_another_users_token(client, auth, issue_token, make_user):
    _owner, token = issue_token()
    other = make_user()
    auth.login(other.email)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    csrf = csrf_token_from(_account_page(client))
    response = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 404
    assert Api(client, token).get("/courses").status_code == 200
