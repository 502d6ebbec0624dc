"""Security rules that hold across the site: redirects, rate limits, sessions, headers."""

import os
import uuid

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from quizapp.extensions import db
from quizapp.models import User
from quizapp.security import safe_next_path
from tests.conftest import PASSWORD, AuthActions

# From the bad-URL list of Django's url_has_allowed_host_and_scheme tests, plus variants.
UNSAFE_NEXT = [
    "http://example.com",
    "http:///example.com",
    "https://example.com",
    "ftp://example.com",
    r"\\example.com",
    r"\\\example.com",
    r"/\\/example.com",
    r"\\\example.com",
    r"\\//example.com",
    r"/\/example.com",
    r"\/example.com",
    r"/\example.com",
    "http:///example.com",
    r"http:/\//example.com",
    r"http:\/example.com",
    r"http:/\example.com",
    'javascript:alert("XSS")',
    "\njavascript:alert(x)",
    "java\nscript:alert(x)",
    "\x08//example.com",
    r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com",
    r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com",
    "http:999999999",
    "ftp:9999999999",
    "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
    "//example.com",
    "///example.com",
    "/\texample.com",
    "/\t/example.com",
    "",
    None,
]
SAFE_NEXT = ["/", "/courses/curso-flask", "/review?course=curso-flask", "/a/b#c"]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_unsafe_next_targets_are_refused(target):
    assert safe_next_path(target) is None


@pytest.mark.parametrize("target", SAFE_NEXT)
def test_local_paths_are_allowed(target):
    assert safe_next_path(target) == target


def test_a_hash_made_with_old_parameters_is_upgraded_at_login(client, auth, make_user):
    user = make_user()
    user.password_hash = generate_password_hash(PASSWORD, method="scrypt:16384:8:1")
    db.session.commit()
    assert auth.login(user.email).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:32768:8:1$")


def test_a_disabled_account_loses_its_session(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    assert client.get("/account").status_code == 200
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_session_cookie_flags(client, auth, make_user):
    response = auth.login(make_user().email, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from config import ProductionConfig
    from quizapp import create_app

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE
    assert ProductionConfig.REMEMBER_COOKIE_SECURE


class TestLoginRateLimit:
    """Uses the real Redis when REDIS_URL is set (CI sets it), memory otherwise."""

    @pytest.fixture
    def app_config(self):
        storage = os.environ.get("REDIS_URL") or "memory://"
        return {
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "LOGIN_RATE_LIMIT": "3 per minute",
        }

    def test_the_fourth_failed_login_in_a_minute_is_refused(self, client, make_user):
        user = make_user()
        auth = AuthActions(client)
        statuses = [auth.login(user.email, "wrong-password-x").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        page = auth.login(user.email).get_data(as_text=True)
        assert "Too many attempts" in page

    def test_the_limit_is_per_account_across_addresses(self, app, make_user):
        user = make_user()
        for number in range(4):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number}"
            status = AuthActions(client).login(user.email, "wrong-password-x").status_code
        assert status == 429


def test_an_oversized_upload_gets_a_friendly_413(app_config, client):
    big = b"x" * (client.application.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/auth/login", data=big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_no_user_table_rows_change_on_junk_login(client):
    client.post("/auth/login", data={"email": "\x00" * 5000, "password": ["a", "b"]})
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
