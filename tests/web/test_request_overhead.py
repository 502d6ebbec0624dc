"""What every request pays, paid once: WTForms' catalog read per worker and language for
every form (quizapp.forms_base), an error page translating only its own message, the
session cookie decoded once per worker (quizapp.auth.session_cookie). (The rate
limiter asked only where a limit applies: tests/api/test_rate_limit.py.)"""

import importlib
import pkgutil
import re
import time

import flask
import pytest
from babel.support import Translations
from flask_wtf import FlaskForm
from itsdangerous import URLSafeTimedSerializer

import quizapp
from quizapp import forms_base
from quizapp.auth import session_cookie
from quizapp.core.views import refuse_unstorable_text
from quizapp.forms_base import QuizAppForm
from tests.conftest import csrf_token_from


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_form_of_the_app_reads_the_shared_wtforms_catalog():
    for module in pkgutil.walk_packages(quizapp.__path__, "quizapp."):
        if module.name.endswith(("forms", "form_base", "answer_parsing")):
            importlib.import_module(module.name)
    forms = {form for form in _subclasses(FlaskForm) if form.__module__.startswith("quizapp.")}
    assert len(forms) > 30
    assert {form.__qualname__ for form in forms if not issubclass(form, QuizAppForm)} == set()


@pytest.fixture
def wtforms_catalog_loads(monkeypatch):
    """The languages WTForms' catalog was read from disk for, from a cold cache."""
    forms_base.wtforms_messages.cache_clear()
    loads: list[str] = []
    load = Translations.load

    def counted(dirname=None, locales=None, domain=None):
        if domain == "wtforms":
            loads.append(str(locales[0]))
        return load(dirname, locales, domain)

    monkeypatch.setattr(Translations, "load", counted)
    yield loads
    forms_base.wtforms_messages.cache_clear()


def test_the_wtforms_catalog_is_read_once_per_language(client, wtforms_catalog_loads):
    required = {"es": "Este campo es obligatorio.", "en": "This field is required."}
    for code in ("es", "en", "es", "en"):
        with client.session_transaction() as session:
            session["lang"] = code
        token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
        refused = client.post("/auth/login", data={"csrf_token": token, "email": ""})
        assert refused.status_code == 200
        assert required[code] in refused.get_data(as_text=True)
    assert sorted(wtforms_catalog_loads) == ["en", "es"]


@pytest.mark.parametrize(("lang", "message"), [("es", "No encontramos"), ("en", "We could not")])
def test_an_error_page_shows_its_message_in_the_readers_language(client, lang, message):
    page = client.get("/no-such-page", headers={"Accept-Language": lang})
    assert page.status_code == 404
    assert message in page.get_data(as_text=True)


# --- the session cookie, decoded once per worker (quizapp.auth.session_cookie) ----------


def _serializer_calls(monkeypatch, method: str, salt: bytes) -> list[str]:
    """The values URLSafeTimedSerializer's `method` was given by serializers of `salt`."""
    values: list[str] = []
    original = getattr(URLSafeTimedSerializer, method)

    def counted(self, value, *args, **kwargs):
        if self.salt == salt:
            values.append(value)
        return original(self, value, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, method, counted)
    return values


@pytest.fixture
def cookie_decodes(monkeypatch):
    """How many times a session cookie's signature and payload were decoded."""
    return _serializer_calls(monkeypatch, "loads", b"cookie-session")


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _opened(app, cookie: str):
    """The session a request sending that cookie opens."""
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        return flask.session._get_current_object()


def test_a_signed_in_browsers_cookie_is_decoded_once(client, login_as, cookie_decodes):
    login_as()
    client.get("/")  # shows the login's flash: the cookie changes once more
    cookie = _session_cookie(client)
    cookie_decodes.clear()
    for path in ("/", "/dashboard", "/account", "/"):
        assert client.get(path).status_code == 200
    assert _session_cookie(client) == cookie
    assert cookie_decodes == [cookie]


def test_each_request_gets_a_session_of_its_own(app, client, login_as):
    login_as()
    cookie = _session_cookie(client)
    first = _opened(app, cookie)
    first["lang"] = "en"
    second = _opened(app, cookie)
    assert "lang" not in second
    assert not second.modified
    assert dict(second) == {key: value for key, value in first.items() if key != "lang"}


def test_a_kept_session_holding_a_list_is_copied(app, cookie_decodes):
    with app.test_request_context("/"):
        flask.session["_flashes"] = [("info", "Saved.")]
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(flask.session))
    _opened(app, cookie)["_flashes"].append(("info", "Again."))
    assert _opened(app, cookie)["_flashes"] == [("info", "Saved.")]
    assert len(cookie_decodes) == 1


def test_a_kept_cookie_expires_as_a_fresh_one_would(app, client, login_as, monkeypatch):
    login_as()
    cookie = _session_cookie(client)
    assert "_user_id" in _opened(app, cookie)
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 2
    monkeypatch.setattr(session_cookie.time, "time", lambda: later)
    assert dict(_opened(app, cookie)) == {}
    assert client.get("/review").status_code == 302  # signed out


def test_a_tampered_or_foreign_cookie_is_never_kept(app, client, login_as, cookie_decodes):
    login_as()
    cookie = _session_cookie(client)
    tampered = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    cookie_decodes.clear()
    assert dict(_opened(app, tampered)) == {}
    assert dict(_opened(app, tampered)) == {}
    assert cookie_decodes == [tampered, tampered]
    app.secret_key = "another-key"  # rotated: the kept decode of the old key is not used
    assert dict(_opened(app, cookie)) == {}


# --- the CSRF token, signed once per session token (quizapp.auth.csrf_tokens) -----------


@pytest.fixture
def csrf_signings(monkeypatch):
    """The session tokens Flask-WTF signed."""
    return _serializer_calls(monkeypatch, "dumps", b"wtf-csrf-token")


def _page_tokens(client, path: str = "/") -> set[str]:
    return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).text))


def test_a_sessions_pages_carry_one_signature_of_its_token(client, login_as, csrf_signings):
    login_as()
    client.get("/")
    csrf_signings.clear()
    tokens = [_page_tokens(client, path) for path in ("/", "/dashboard", "/account", "/")]
    assert len(set.union(*tokens)) == 1  # the logout form's, the language switcher's...
    assert len(csrf_signings) == 1
    (token,) = tokens[0]
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/review").status_code == 302  # signed out: the token was good


def test_a_form_and_the_layout_share_the_requests_token(client, csrf_signings):
    client.get("/auth/login")  # the session's token is made
    csrf_signings.clear()
    assert len(_page_tokens(client, "/auth/login")) == 1  # the login form's and the layout's
    assert len(_page_tokens(client, "/auth/login")) == 1
    assert len(csrf_signings) == 1


def test_each_session_has_its_own_token(app, csrf_signings):
    first, second = app.test_client(), app.test_client()
    for client in (first, second, first, second):
        client.get("/auth/login")
    assert _page_tokens(first) != _page_tokens(second)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_TIME_LIMIT": 3600}])
def test_with_a_time_limit_each_page_is_signed_afresh(client, csrf_signings):
    for _ in range(3):
        client.get("/auth/login")
    assert len(csrf_signings) == 3


# --- text no database stores, refused before any view (quizapp.core.views) ---------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/?q=%00", {}),
        ("POST", "/auth/login", {"data": {"email": "\x00"}}),
        ("POST", "/lang/en", {"data": '{"next": "\\ud800"}', "content_type": "application/json"}),
    ],
)
def test_unstorable_text_is_refused_wherever_it_is_sent(client, method, path, body):
    assert client.open(path, method=method, **body).status_code == 400


def test_a_request_with_no_query_and_no_body_reads_no_fields(app):
    with app.test_request_context("/", headers={"Content-Length": "0"}):
        refuse_unstorable_text()
        assert {"values", "form", "args"}.isdisjoint(vars(flask.request))
