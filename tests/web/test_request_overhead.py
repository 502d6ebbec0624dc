"""What every request pays, paid once: WTForms' catalog read per worker and language for
every form (quizapp.forms_base), an error page translating only its own message. (The rate
limiter asked only where a limit applies: tests/api/test_rate_limit.py.)"""

import importlib
import pkgutil

import pytest
from babel.support import Translations
from flask_wtf import FlaskForm

import quizapp
from quizapp import forms_base
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
