"""Forms of the instructor dashboard: a quiz accommodation on the learner's page."""

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional

from quizapp.author.forms import DATETIME_LOCAL
from quizapp.forms_base import QuizAppForm


class OverrideForm(QuizAppForm):
    """Extra time, extra attempts or a later close date on one lesson's quiz, for the
    learner or one of their groups; all empty removes the accommodation."""

    lesson = SelectField(_l("Lesson"), coerce=int)
    applies_to = SelectField(_l("For"))
    extra_minutes = IntegerField(
        _l("Extra minutes"), [Optional(), NumberRange(min=0, max=10080)], default=0
    )
    extra_attempts = IntegerField(
        _l("Extra attempts"), [Optional(), NumberRange(min=0, max=100)], default=0
    )
    closes = DateTimeLocalField(
        _l("Later close date (empty: the quiz's own)"), [Optional()], format=DATETIME_LOCAL
    )
    submit = SubmitField(_l("Save accommodation"))
