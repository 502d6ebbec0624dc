"""API tokens die with the password: a password change, "log out everywhere" and disabling
the account revoke every token of the user; and the login form and POST /api/v1/tokens
spend one login budget per account (and per address)."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ApiToken
from quizapp.services import accounts
from tests.conftest import PASSWORD, AuthActions, csrf_token_from

NEW_PASSWORD = "otra-clave-muy-larga-42"  # noqa: S105  (test data)


def _token_for(client, email: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["token"]


def _works(client, token: str) -> bool:
    response = client.get("/api/v1/me/progress", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 401)
    return response.status_code == 200


def _live_tokens(user_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(ApiToken.id)).where(
            ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)
        )
    )


def test_a_password_change_revokes_every_token(client, auth, make_user):
    user, other = make_user(), make_user()
    tokens = [_token_for(client, user.email) for _ in range(2)]
    others_token = _token_for(client, other.email)
    auth.login(user.email)
    page = client.get("/account").get_data(as_text=True)
    assert "revokes all your API tokens" in page
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 302
    assert [_works(client, token) for token in tokens] == [False, False]
    assert _works(client, others_token)  # only the user's own
    assert _works(client, _token_for(client, user.email, NEW_PASSWORD))


def test_a_wrong_current_password_revokes_nothing(client, auth, make_user):
    user = make_user()
    token = _token_for(client, user.email)
    auth.login(user.email)
    page = client.get("/account").get_data(as_text=True)
    client.post(
        "/account/password",
        data={
            "current_password": "not-my-password",
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert _works(client, token)


def test_log_out_everywhere_ends_every_session_and_token(app, make_user):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    token = _token_for(here, user.email)
    AuthActions(here).login(user.email)
    AuthActions(elsewhere).login(user.email, remember=True)
    page = here.get("/account").get_data(as_text=True)
    response = here.post("/account/logout-everywhere", data={"csrf_token": csrf_token_from(page)})
    assert (response.status_code, response.location) == (302, "/")
    assert here.get("/account").status_code == 302
    assert elsewhere.get("/account").status_code == 302
    assert not _works(here, token)
    assert _live_tokens(user.id) == 0


def test_log_out_everywhere_needs_the_csrf_token(client, auth, make_user):
    user = make_user()
    token = _token_for(client, user.email)
    auth.login(user.email)
    assert client.post("/account/logout-everywhere").status_code == 400
    assert _works(client, token)


def test_an_ordinary_logout_keeps_the_tokens(client, auth, make_user):
    user = make_user()
    token = _token_for(client, user.email)
    auth.login(user.email)
    auth.logout()
    assert _works(client, token)


def test_disabling_an_account_revokes_its_tokens_for_good(app, client, runner, make_user):
    user = make_user()
    token = _token_for(client, user.email)
    result = runner.invoke(args=["users", "disable", user.email])
    assert result.exit_code == 0, result.output
    assert not _works(client, token)
    db.session.expire_all()
    user.active = True  # enabled again: the old token stays dead
    db.session.commit()
    assert not _works(client, token)
    assert _live_tokens(user.id) == 0


def test_disabling_an_unknown_account_fails(runner):
    result = runner.invoke(args=["users", "disable", "nobody@example.org"])
    assert result.exit_code == 1
    assert "no account" in result.output


def test_the_service_revokes_only_live_tokens(app, make_user):
    user = make_user()
    for _ in range(3):
        accounts.create_api_token(db.session, user)
    db.session.commit()
    from quizapp import clock

    assert accounts.log_out_everywhere(db.session, user, clock.now()) == 3
    assert accounts.log_out_everywhere(db.session, user, clock.now()) == 0


# --- one login budget ------------------------------------------------------------------------


def _web_guess(app, email: str, address: str) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return AuthActions(client).login(email, "wrong-password-x").status_code


def _api_guess(app, email: str, address: str) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    body = {"email": email.upper(), "password": "wrong-password-x"}
    return client.post("/api/v1/tokens", json=body).status_code


class TestOneLoginBudget:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_RATE_LIMIT": "3 per minute"}

    def test_the_web_login_and_the_token_route_share_the_account_budget(self, app, make_user):
        user = make_user()
        # From four addresses, so only the per-account budget can run out.
        statuses = [
            _web_guess(app, user.email, "10.0.1.1"),
            _api_guess(app, user.email, "10.0.1.2"),
            _web_guess(app, user.email, "10.0.1.3"),
        ]
        assert statuses == [200, 401, 200]
        assert _api_guess(app, user.email, "10.0.1.4") == 429
        assert _web_guess(app, user.email, "10.0.1.5") == 429
        assert _api_guess(app, make_user().email, "10.0.1.6") == 401  # another account's budget

    def test_the_web_login_and_the_token_route_share_the_address_budget(self, app, make_user):
        emails = [make_user().email for _ in range(4)]
        statuses = [
            _web_guess(app, emails[0], "10.0.2.1"),
            _api_guess(app, emails[1], "10.0.2.1"),
            _web_guess(app, emails[2], "10.0.2.1"),
            _api_guess(app, emails[3], "10.0.2.1"),
        ]
        assert statuses == [200, 401, 200, 429]
