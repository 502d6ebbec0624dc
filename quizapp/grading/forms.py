"""Forms of the grading pages: they validate input only; the views call
quizapp.services.manual_grading."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from quizapp.domain.questions.base import parse_number
from quizapp.forms_base import QuizAppForm
from quizapp.services.manual_grading import COMMENT_MAX

GRADE_RANGE = _l("Give a grade from 0 to 1.")


def _grade_from_0_to_1(_form, field) -> None:
    number = parse_number(field.data or "")
    if number is None or not 0 <= number <= 1:
        raise ValidationError(GRADE_RANGE)
    field.grade = float(number)


class GradeForm(QuizAppForm):
    """`score.grade` holds the grade read (0.8 from "0,8" or "0.8") once it validates."""

    score = StringField(
        _l("Grade (0 to 1)"),
        [InputRequired(GRADE_RANGE), Length(max=20), _grade_from_0_to_1],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    comment = TextAreaField(
        _l("Comment for the learner (Markdown, optional)"),
        [Length(max=COMMENT_MAX)],
        render_kw={"rows": 5},
    )
    submit = SubmitField(_l("Save the grade"))


class RegradeForm(QuizAppForm):
    """Applies the regrade the page previewed: for that version of the question only."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])
    submit = SubmitField(_l("Apply the regrade"))
