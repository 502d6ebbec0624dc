"""Forms of the drafts pages: accept a draft (optionally edited) or discard it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

# Draft ids discarded on this page view, comma-separated (see views.discard_draft).
DISCARDED_MAX = 4000


class AcceptDraftForm(FlaskForm):
    prompt = TextAreaField(
        _l("Question text"), [Optional(), Length(max=20_000)], render_kw={"rows": 3}
    )
    answer = StringField(_l("Answer"), [Optional(), Length(max=2_000)])
    discarded = HiddenField(validators=[Length(max=DISCARDED_MAX)])
    submit = SubmitField(_l("Accept"))


class DiscardDraftForm(FlaskForm):
    discarded = HiddenField(validators=[Length(max=DISCARDED_MAX)])
    submit = SubmitField(_l("Discard"))
