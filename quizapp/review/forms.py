"""Review forms: they validate input only (a rating 1–4, the card's review count, settings)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from quizapp.domain.scheduling import MAX_DAILY_NEW, MAX_RETENTION, MIN_RETENTION


class ReviewedCardForm(FlaskForm):
    """What every review post carries: the card's `reps` when the page was shown (a stale
    or replayed post is recognised by it) and, with JavaScript, the time taken."""

    reps = IntegerField(validators=[InputRequired(), NumberRange(min=0)])
    duration_ms = IntegerField(validators=[Optional(), NumberRange(min=0)])


class RatingForm(ReviewedCardForm):
    # The rating arrives from the button pressed: <button name="rating" value="3">.
    rating = IntegerField(validators=[InputRequired(), AnyOf([1, 2, 3, 4])])


class AnswerForm(ReviewedCardForm):
    """The answer fields of the card's question are added per card (answer_parsing)."""

    submit = SubmitField(_l("Check"))


class ReviewSettingsForm(FlaskForm):
    retention_percent = IntegerField(
        _l("Desired retention (%)"),
        validators=[
            InputRequired(),
            NumberRange(
                min=round(MIN_RETENTION * 100),
                max=round(MAX_RETENTION * 100),
                message=_l("Choose a retention between %(min)s %% and %(max)s %%."),
            ),
        ],
        render_kw={"min": round(MIN_RETENTION * 100), "max": round(MAX_RETENTION * 100)},
    )
    daily_new_limit = IntegerField(
        _l("New cards per day"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_DAILY_NEW)],
        render_kw={"min": 0, "max": MAX_DAILY_NEW},
    )
    submit = SubmitField(_l("Save settings"))
