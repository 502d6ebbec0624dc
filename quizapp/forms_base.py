"""The base class of every QuizApp form: Flask-WTF's FlaskForm with WTForms' own messages
("This field is required.", "Not a valid choice.") in the reader's language, as Flask-WTF
gives them, but read from disk once per worker and language instead of once per request
(Flask-WTF loads the catalog for each request that builds a form: its CSRF field's label
asks for it, so every page with a form, the language switcher aside, paid for it); its
CSRF token is the page's, signed once per session token (quizapp.auth.csrf_tokens)."""

from functools import cache

from babel.support import Translations
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from quizapp.auth.csrf_tokens import csrf_token


@cache
def wtforms_messages(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class QuizAppForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_messages(str(get_locale()))

        def build_csrf(self, form):
            # The request's signed token (Flask-WTF's `g` entry, which the form's token
            # field reads) as the page's layout has it: signed once per session token.
            csrf_token()
            return super().build_csrf(form)
