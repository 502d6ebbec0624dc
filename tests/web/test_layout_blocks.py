"""The base layout's fixed parts are rendered once per worker and key
(quizapp.templating.LayoutTemplate): every page equals the same page rendered afresh by
Jinja's own template class, for each kind of reader and language, and what the key holds
(language, signed in or not, the area links one may use) shows at once when it changes."""

import re

import jinja2
import pytest

from quizapp.templating import LayoutTemplate

_CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


def _normalised(html: str) -> str:
    """The page but for whitespace and its CSRF tokens (signed with the time)."""
    html = _CSRF.sub(r"\1token\2", html)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.fixture
def pages(app, client):
    """`pages(path)` → (the page as served, the same page rendered afresh)."""

    def render(path: str) -> tuple[str, str]:
        served = client.get(path).get_data(as_text=True)
        app.jinja_env.template_class = jinja2.Template
        app.jinja_env.cache.clear()
        try:
            fresh = client.get(path).get_data(as_text=True)
        finally:
            app.jinja_env.template_class = LayoutTemplate
            app.jinja_env.cache.clear()
        return _normalised(served), _normalised(fresh)

    return render


def _choose_language(client, code: str) -> None:
    with client.session_transaction() as session:
        session["lang"] = code


PATHS = ("/", "/no-such-page", "/?page=2")


@pytest.mark.parametrize("code", ["es", "en"])
def test_a_visitors_pages_are_those_rendered_afresh(client, pages, code):
    _choose_language(client, code)
    for path in PATHS:
        served, fresh = pages(path)
        assert served == fresh
        assert 'href="/auth/login"' in served


@pytest.mark.parametrize("role", ["learner", "instructor", "admin"])
def test_a_signed_in_readers_pages_are_those_rendered_afresh(client, auth, make_user, pages, role):
    user = make_user(role)
    auth.login(user.email)
    client.get("/")  # shows the flashed "You are logged in."
    for code in ("es", "en"):
        _choose_language(client, code)
        for path in PATHS:
            served, fresh = pages(path)
            assert served == fresh
            assert user.display_name in served


def test_the_layout_follows_language_sign_in_and_area_links(
    client, auth, make_user, enrol, bundled_course
):
    learner = make_user("learner")
    _choose_language(client, "es")
    assert "Iniciar sesión" in client.get("/").get_data(as_text=True)
    _choose_language(client, "en")
    assert "Log in" in client.get("/").get_data(as_text=True)
    auth.login(learner.email)
    _choose_language(client, "en")
    page = client.get("/").get_data(as_text=True)
    assert "Log out" in page
    assert 'href="/instructor' not in page
    # An assistant of a course is a learner globally, and may use the instructor area.
    enrol(learner, role="assistant")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/instructor' in page
    _choose_language(client, "es")
    page = client.get("/").get_data(as_text=True)
    assert "Cerrar sesión" in page
    assert 'lang="es" aria-current="true"' in " ".join(page.split())
