"""The quiz rules in the learner's words: the summary shown before starting ("20 minutes,
2 attempts, closes Friday 23:59") and why an attempt cannot start. Dates are shown in
DEFAULT_TIMEZONE (there is no per-user time zone yet)."""

from flask_babel import gettext as _
from flask_babel import ngettext

from quizapp.domain import quiz_rules
from quizapp.domain.quiz_rules import QuizRules
from quizapp.local_time import local_moment
from quizapp.services.quizzes import QuizRefused

_GRADING = {
    "highest": lambda: _("your best attempt counts"),
    "average": lambda: _("the average of your attempts counts"),
    "first": lambda: _("your first attempt counts"),
    "last": lambda: _("your last attempt counts"),
}


def rules_summary(rules: QuizRules, attempts_used: int) -> list[str]:
    """One phrase per rule that differs from a practice quiz; empty for a practice quiz."""
    parts = []
    if rules.time_limit:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", rules.time_limit))
    if rules.attempts:
        left = max(0, rules.attempts - attempts_used)
        parts.append(
            ngettext("%(num)d attempt", "%(num)d attempts", rules.attempts)
            + " "
            + ngettext("(%(num)d left)", "(%(num)d left)", left)
        )
    if rules.opens is not None:
        parts.append(_("opens %(when)s", when=local_moment(rules.opens)))
    if rules.closes is not None:
        parts.append(_("closes %(when)s", when=local_moment(rules.closes)))
    if rules.attempts != 1 and (rules.attempts or rules.grading != "highest"):
        parts.append(_GRADING[rules.grading]())
    return parts


def refusal_message(refused: QuizRefused) -> str:
    rules = refused.rules
    if refused.code == quiz_rules.NOT_OPEN and rules.opens is not None:
        return _("This quiz opens %(when)s.", when=local_moment(rules.opens))
    if refused.code == quiz_rules.CLOSED and rules.closes is not None:
        return _("This quiz closed %(when)s.", when=local_moment(rules.closes))
    return ngettext(
        "You have used the %(num)d attempt this quiz allows.",
        "You have used all %(num)d attempts this quiz allows.",
        rules.attempts or 0,
    )
