"""Registering, logging in and out through the real forms, with CSRF on."""

import re
import statistics
import time

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import PASSWORD, csrf_token_from


def _register(client, email="nuevo@example.org", password=PASSWORD, confirm=None):
    token = csrf_token_from(client.get("/auth/register").get_data(as_text=True))
    return client.post(
        "/auth/register",
        data={
            "email": email,
            "password": password,
            "confirm": confirm or password,
            "display_name": "Nuevo",
            "csrf_token": token,
        },
    )


def test_register_creates_a_learner_who_then_logs_in(client, auth):
    response = _register(client)
    assert (response.status_code, response.location) == (302, "/auth/login")
    user = db.session.scalar(sa.select(User).where(User.email == "nuevo@example.org"))
    assert user.role == "learner"
    assert user.password_hash != PASSWORD
    login_page = client.get("/auth/login").get_data(as_text=True)
    assert 'value="nuevo@example.org"' in login_page  # the email is filled in
    assert auth.login("nuevo@example.org").status_code == 302
    assert client.get("/account").status_code == 200


def test_register_without_csrf_token_is_refused(client):
    response = client.post(
        "/auth/register",
        data={"email": "x@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def _answer(client, email: str) -> tuple[int, str | None, str]:
    """What registering `email` shows: status, redirect and the page it leads to."""
    response = _register(client, email=email)
    page = client.get(response.location).get_data(as_text=True) if response.location else ""
    page = re.sub(r'name="csrf_token"[^>]*>', "", page).replace(email.lower(), "EMAIL")
    return response.status_code, response.location, page


def test_a_taken_email_gets_the_same_answer_as_a_new_one(app, make_user):
    taken = make_user(email="taken@example.org")
    hash_before = taken.password_hash
    for_taken = _answer(app.test_client(), "Taken@Example.org")
    for_new = _answer(app.test_client(), "new-one@example.org")
    assert for_taken == for_new
    assert "Log in now with this email" in for_new[2]
    db.session.expire_all()
    assert db.session.get(User, taken.id).password_hash == hash_before  # untouched
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_a_taken_email_takes_as_long_as_a_new_one(app, make_user):
    """Both hash the password once: compared in the same run, interleaved, by medians
    (before, a taken email answered in ~10 ms and a new one in ~130 ms)."""
    make_user(email="taken@example.org")
    taken, new = [], []
    for number in range(7):
        for email, times in (("taken@example.org", taken), (f"new{number}@example.org", new)):
            client = app.test_client()
            token = csrf_token_from(client.get("/auth/register").get_data(as_text=True))
            data = {"email": email, "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}
            started = time.perf_counter()
            assert client.post("/auth/register", data=data).status_code == 302
            times.append(time.perf_counter() - started)
    ratio = statistics.median(taken) / statistics.median(new)
    assert 0.4 < ratio < 2.5, (taken, new)


def test_registration_is_rate_limited_per_address(app, make_user):
    app.config["REGISTER_RATE_LIMIT"] = "2 per hour"
    statuses = [
        _register(app.test_client(), email=f"r{n}@example.org").status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert _register(elsewhere, email="r9@example.org").status_code == 302


def test_register_rejects_a_common_password(client):
    response = _register(client, password="password123")
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_login_and_logout(client, auth, make_user):
    user = make_user()
    assert auth.login(user.email).status_code == 302
    assert client.get("/account").status_code == 200
    auth.logout()
    assert client.get("/account").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, auth, make_user):
    user = make_user()
    wrong_password = auth.login(user.email, "not-the-password").get_data(as_text=True)
    unknown_email = auth.login("nobody@example.org").get_data(as_text=True)
    assert "Wrong email or password." in wrong_password
    assert "Wrong email or password." in unknown_email


def test_login_redirects_only_to_local_next(client, auth, make_user):
    user = make_user()
    response = auth.login(user.email, next="//evil.example/")
    assert response.headers["Location"] == "/"
    auth.logout()
    response = auth.login(user.email, next="/courses/curso-flask")
    assert response.headers["Location"] == "/courses/curso-flask"


def test_remember_cookie_is_refused_after_logout(app, make_user):
    user = make_user()
    client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(client).login(user.email, remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None
    AuthActions(client).logout()
    replay = app.test_client()
    replay.set_cookie("remember_token", remember.value)
    assert replay.get("/account").status_code == 302


def _change_password(client, current, new):
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": new,
            "csrf_token": token,
        },
    )


def test_a_password_change_logs_out_other_sessions(app, make_user):
    from tests.conftest import AuthActions

    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    AuthActions(here).login(user.email)
    AuthActions(elsewhere).login(user.email, remember=True)
    response = _change_password(here, PASSWORD, "otra-clave-muy-larga-42")
    assert response.status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert (
        AuthActions(app.test_client()).login(user.email, "otra-clave-muy-larga-42").status_code
        == 302
    )


def test_a_wrong_current_password_changes_nothing(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    old_hash = user.password_hash
    response = _change_password(client, "not-my-password", "otra-clave-muy-larga-42")
    assert response.status_code == 400
    assert "The current password is wrong." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash
