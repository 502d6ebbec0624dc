"""Template globals and filters: Markdown rendering, percentages, the current language;
the base layout's fixed parts rendered once per worker (LayoutTemplate)."""

from collections.abc import Callable, Iterator
from datetime import date

import jinja2
from flask import Flask, g, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from quizapp.answering.fields import answer_text, cloze_prompt, render_inline
from quizapp.auth.csrf_tokens import csrf_token
from quizapp.domain.rendering import plain_text, render_markdown
from quizapp.extensions import db
from quizapp.kept import KeptValues
from quizapp.local_time import local_moment
from quizapp.services import access
from quizapp.translation import request_translations


def register(app: Flask) -> None:
    @app.template_filter("markdown")
    def markdown_filter(text: str | None, anchors: bool = False, top_heading: int = 0) -> Markup:
        # render_markdown sanitises with nh3, so the result is safe to mark up.
        html = render_markdown(text or "", heading_anchors=anchors, top_heading=top_heading)
        return Markup(html)  # noqa: S704

    install_gettext(app)
    app.jinja_env.template_class = LayoutTemplate
    app.jinja_env.globals["cloze_prompt"] = cloze_prompt
    app.jinja_env.globals["answer_text"] = answer_text
    # Numbers and moments in the reader's locale (0,36 in Spanish, 0.36 in English).
    app.jinja_env.globals["format_decimal"] = format_decimal
    app.jinja_env.globals["format_datetime"] = format_datetime
    app.jinja_env.filters["dateformat"] = day_label
    app.jinja_env.filters["inline_markdown"] = render_inline
    app.jinja_env.filters["plain_text"] = plain_text
    app.jinja_env.filters["local_moment"] = local_moment

    @app.template_filter("percent")
    def percent_filter(value: float | None) -> str:
        return "—" if value is None else f"{round(value * 100)} %"

    languages = app.config["LANGUAGES"]

    @app.context_processor
    def inject_globals():
        return {
            # Flask-WTF's context processor (registered before this one) gives its own.
            "csrf_token": csrf_token,
            "current_locale": str(get_locale()),
            "languages": languages,
            "nav_links": navigation_links,
            "role_labels": ROLE_LABELS,
        }


# Lazy: each rendering shows them in its reader's language.
ROLE_LABELS = {
    "learner": _l("Learner"),
    "instructor": _l("Instructor"),
    "admin": _l("Administrator"),
}


# Area links of the navigation bar, shown when the user may use them.
NAV_LINKS = (
    ("review.queue", _l("Review"), False),
    ("dashboard.learner", _l("Dashboard"), False),
    ("author.index", _l("Instructor"), True),
)


def navigation_links() -> list[tuple[str, str]]:
    return [
        (endpoint, str(label))
        for endpoint, label, staff_only in NAV_LINKS
        if not staff_only or _teaches()
    ]


def _navigation_endpoints() -> tuple[str, ...]:
    return tuple(
        endpoint for endpoint, _label, staff_only in NAV_LINKS if not staff_only or _teaches()
    )


def _teaches() -> bool:
    """Global staff, or an instructor/assistant of some course (an assistant is a learner
    globally): whoever `teaching_required` lets into the instructor area. Asked once per
    request, only for signed-in users who are not global staff."""
    user = current_user._get_current_object()  # one proxy lookup, not three
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if "teaches" not in g:
        g.teaches = access.staffs_a_course(db.session, user.id)
    return g.teaches


def install_gettext(app: Flask) -> None:
    """The templates' _(), gettext() and ngettext() (pgettext, npgettext) as Jinja's i18n
    extension installs them (newstyle: escaped when autoescaping, always %-formatted),
    reading the catalog through request_translations, each one call: the extension's
    wrappers go through three context calls per string (its `_` alias, its newstyle
    wrapper, the callable) and Flask-Babel's lookup walks the app context about ten times,
    on a few dozen strings a page."""

    @pass_eval_context
    def gettext(eval_ctx, string: str, /, **variables) -> str:
        text = request_translations().ugettext(string)
        return _formatted(eval_ctx, text, variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        text = request_translations().ungettext(singular, plural, num)
        return _formatted(eval_ctx, text, variables)

    @pass_eval_context
    def pgettext(eval_ctx, context: str, string: str, /, **variables) -> str:
        variables.setdefault("context", context)
        text = request_translations().upgettext(context, string)
        return _formatted(eval_ctx, text, variables)

    @pass_eval_context
    def npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, /, **variables):
        variables.setdefault("context", context)
        variables.setdefault("num", num)
        text = request_translations().unpgettext(context, singular, plural, num)
        return _formatted(eval_ctx, text, variables)

    app.jinja_env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )


def _formatted(eval_ctx, text: str, variables: dict) -> str:
    # As Jinja's newstyle gettext: a catalog's text is markup (its variables are escaped
    # by the % of Markup), and always a format string, even without variables.
    return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704


# Day labels of the dashboards' charts (26 on a learner's, the same days for everyone),
# per worker: Babel's formatting costs more than the rest of a chart's label.
DAY_LABELS_KEPT = 2048
_day_labels: KeptValues[str] = KeptValues(DAY_LABELS_KEPT)


def day_label(value=None, format=None, rebase=True) -> str:
    """Flask-Babel's `dateformat` filter, its result kept for a calendar day (no time, so
    no time zone to rebase) by the day, the format and the reader's locale."""
    if type(value) is not date or format is None:
        return format_date(value, format, rebase)
    key = (value, format, str(get_locale()))
    return _day_labels.get(key, lambda: format_date(value, format, rebase))


# --- the base layout's fixed parts ---------------------------------------------------------

LAYOUT = "base.html"


def _same_for_everyone(_context) -> tuple:
    return (request.script_root,)


def _same_per_language(context) -> tuple:
    return (request.script_root, context["current_locale"])


def _same_per_language_and_links(context) -> tuple:
    signed_in = context["current_user"].is_authenticated
    links = _navigation_endpoints() if signed_in else ()
    return (request.script_root, context["current_locale"], signed_in, links)


# The blocks of the layout that depend on nothing but their key: static links (url_for
# depends on the script root), UI strings (the language) and the navigation bar's area
# links (who may use them). Each is rendered once per worker and key, instead of on every
# page (a dozen url_for and gettext calls, a fifth of a light page).
KEPT_BLOCKS: dict[str, Callable[[jinja2.runtime.Context], tuple]] = {
    "layout_stylesheets": _same_for_everyone,
    "layout_navigation": _same_per_language_and_links,
    "layout_account_url": _same_for_everyone,
    "layout_logout_url": _same_for_everyone,
    "layout_logout_button": _same_per_language,
    "layout_visitor_links": _same_per_language,
    "layout_language_label": _same_per_language,
    "layout_language_buttons": _same_per_language,
    "layout_footer": _same_for_everyone,
}
# A key takes a few values (languages × signed in or not × sets of links): the bound only
# guards against script roots a proxy could vary without end.
KEPT_PER_BLOCK = 64


class LayoutTemplate(jinja2.Template):
    """Jinja's template, with the KEPT_BLOCKS of the base layout kept by their key.

    Each compiled layout keeps its own renderings, so a reloaded base.html (development's
    auto-reload) starts afresh, and each app (its own Jinja environment) has its own. A
    page that overrides one of these blocks renders its own as usual."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        template = super().from_code(environment, code, globals, uptodate)
        if template.name == LAYOUT:
            for name, key in KEPT_BLOCKS.items():
                template.blocks[name] = _kept_block(template.blocks[name], key)
        return template


def _kept_block(render: Callable, key_of: Callable) -> Callable:
    renderings: KeptValues[str] = KeptValues(KEPT_PER_BLOCK)

    def block(context) -> Iterator[str]:
        yield renderings.get(key_of(context), lambda: "".join(render(context)))

    return block
