"""Review forms: they validate input only (a rating 1–4, the card's review count, settings,
the card browser's search and bulk actions)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from quizapp.domain.scheduling import (
    MAX_DAILY_NEW,
    MAX_LEECH_THRESHOLD,
    MAX_RETENTION,
    MIN_LEECH_THRESHOLD,
    MIN_RETENTION,
)
from quizapp.forms_base import QuizAppForm
from quizapp.services.card_browser import SORTS, STATES
from quizapp.services.card_controls import ACTIONS


class ReviewedCardForm(QuizAppForm):
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


class ReviewSettingsForm(QuizAppForm):
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
    leech_threshold = IntegerField(
        _l("Leech threshold (lapses)"),
        # Optional: a post without it keeps the learner's threshold.
        validators=[Optional(), NumberRange(min=MIN_LEECH_THRESHOLD, max=MAX_LEECH_THRESHOLD)],
        render_kw={"min": MIN_LEECH_THRESHOLD, "max": MAX_LEECH_THRESHOLD},
    )
    submit = SubmitField(_l("Save settings"))


class FitParametersForm(QuizAppForm):
    """Fit my memory model now: nothing but the CSRF token and the button."""

    submit = SubmitField(_l("Fit my memory model now"))


class CardControlForm(QuizAppForm):
    """Suspend, bury or undo: nothing but the CSRF token."""


class CardSearchForm(QuizAppForm):
    """The card browser's filters (a GET form: nothing changes, no token needed)."""

    class Meta:
        csrf = False

    q = StringField(_l("Text"), validators=[Optional(), Length(max=200)])
    lesson = SelectField(_l("Lesson"), coerce=str, validators=[Optional()])
    state = SelectField(
        _l("State"),
        choices=[
            SelectChoice("", _l("Any")),
            SelectChoice("new", _l("New")),
            SelectChoice("learning", _l("Learning")),
            SelectChoice("review", _l("Review")),
            SelectChoice("suspended", _l("Suspended")),
            SelectChoice("leech", _l("Leech")),
        ],
        validators=[Optional(), AnyOf(["", *STATES])],
    )
    due_before = DateField(_l("Due by"), validators=[Optional()])
    sort = SelectField(
        _l("Sort by"),
        choices=[
            SelectChoice("due", _l("Due date")),
            SelectChoice("lapses", _l("Most lapses")),
            SelectChoice("reps", _l("Most reviews")),
            SelectChoice("lesson", _l("Lesson")),
            SelectChoice("added", _l("Newest first")),
        ],
        validators=[Optional(), AnyOf(SORTS)],
    )
    page = IntegerField(validators=[Optional(), NumberRange(min=1)])


class CardActionsForm(QuizAppForm):
    """The bulk buttons of the card browser: the chosen cards and what to do with them."""

    cards = SelectMultipleField(coerce=int, validate_choice=False)
    action = StringField(validators=[InputRequired(), AnyOf(ACTIONS)])
