"""The request's Flask-Babel catalog, looked up once per request: Flask-Babel's own
gettext walks the app context about ten times per string. The templates' _() reads it
(quizapp.templating.install_gettext), and so do the error pages."""

from flask import g
from flask_babel import get_translations


def request_translations():
    """Flask-Babel's catalog for the request, kept beside its chosen locale (in its own
    per-context namespace) for as long as that locale holds: a refresh() or force_locale()
    changes the locale object, and the catalog is looked up again."""
    context = g.get("_flask_babel")
    if context is not None:
        kept = getattr(context, "quizapp_translations", None)
        locale = getattr(context, "babel_locale", None)
        if kept is not None and locale is not None and kept[0] is locale:
            return kept[1]
    translations = get_translations()
    context = g.get("_flask_babel")
    if context is not None:  # None outside an application context: nothing to keep
        context.quizapp_translations = (getattr(context, "babel_locale", None), translations)
    return translations
