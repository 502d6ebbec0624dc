"""Forms of the grading pages: they validate input only; the views call
quizapp.services.manual_grading."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from quizapp.services.manual_grading import COMMENT_MAX


class GradeForm(FlaskForm):
    score = DecimalField(
        _l("Grade (0 to 1)"),
        [
            InputRequired(_l("Give a grade from 0 to 1.")),
            NumberRange(min=0, max=1, message=_l("Give a grade from 0 to 1.")),
        ],
        places=None,
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    comment = TextAreaField(
        _l("Comment for the learner (Markdown, optional)"),
        [Length(max=COMMENT_MAX)],
        render_kw={"rows": 5},
    )
    submit = SubmitField(_l("Save the grade"))
