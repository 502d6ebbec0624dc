"""Forms of the drafts pages: accept a draft (optionally edited) or discard it."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from quizapp.domain.questions.tables import per_type_table
from quizapp.forms_base import QuizAppForm

# How to type a type's one-line answer (registry.draft_answer); None where the answer is
# edited in the question editor after accepting.
ANSWER_HINTS = per_type_table(
    "draft answer hint",
    {
        "single_choice": None,
        "multiple_response": None,
        "true_false": _l("true or false"),
        "short_answer": _l("The answer text."),
        "numeric": _l("A number."),
        "matching": None,
        "cloze": _l("One answer per blank, separated by |."),
        "flashcard": _l("The answer text."),
        "essay": None,
        "description": None,
    },
)

# Draft ids discarded on this page view, comma-separated (see views.discard_draft).
DISCARDED_MAX = 4000


class AcceptDraftForm(QuizAppForm):
    prompt = TextAreaField(
        _l("Question text"), [Optional(), Length(max=20_000)], render_kw={"rows": 3}
    )
    answer = StringField(_l("Answer"), [Optional(), Length(max=2_000)])
    discarded = HiddenField(validators=[Length(max=DISCARDED_MAX)])
    submit = SubmitField(_l("Accept"))


class DiscardDraftForm(QuizAppForm):
    discarded = HiddenField(validators=[Length(max=DISCARDED_MAX)])
    submit = SubmitField(_l("Discard"))
