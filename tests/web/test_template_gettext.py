"""The templates' _(), ngettext() and pgettext() (quizapp.templating.install_gettext) say
what Jinja's own newstyle gettext says of the same catalog: translated, escaped when the
template autoescapes (its variables too), %-formatted even without variables."""

import jinja2
import pytest
from flask_babel import force_locale

from quizapp.translation import request_translations

SOURCES = (
    "{{ _('Quiz') }}",
    "{{ _('Question %(number)d of %(total)d', number=3, total=10) }}",
    "{{ _('Best score: %(best)s · last: %(last)s · attempts: %(count)d',"
    " best='<b>', last='&', count=2) }}",
    "{{ _('Allowed: 80 %% to 97 %%.') }}",
    "{{ ngettext('%(num)d quiz question', '%(num)d quiz questions', 1) }}",
    "{{ ngettext('%(num)d quiz question', '%(num)d quiz questions', 7) }}",
    "{{ ngettext('%(num)d attempt', '%(num)d attempts', n, num=n * 2) }}",
    "{{ pgettext('a context', 'Quiz %(x)s', x='<i>') }}",
    "{% trans who='<u>' %}Hello {{ who }}{% endtrans %}",
)


def _jinjas_own(autoescape: bool) -> jinja2.Environment:
    # Both settings: a text template (an e-mail) does not escape.
    i18n = ["jinja2.ext.i18n"]
    environment = jinja2.Environment(autoescape=autoescape, extensions=i18n)  # noqa: S701
    translations = request_translations()
    environment.install_gettext_translations(translations, newstyle=True)
    return environment


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_templates_gettext_says_what_jinjas_newstyle_gettext_says(app, language, autoescape):
    with app.test_request_context("/"), force_locale(language):
        ours = app.jinja_env.overlay(autoescape=autoescape)
        own = _jinjas_own(autoescape)
        for source in SOURCES:
            expected = own.from_string(source).render(n=1)
            assert ours.from_string(source).render(n=1) == expected, source
        quiz = ours.from_string("{{ _('Quiz') }}").render()
        assert quiz == {"es": "Cuestionario", "en": "Quiz"}[language]
