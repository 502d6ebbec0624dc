"""The upload form of the media page and the editors."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.forms_base import QuizAppForm


class MediaUploadForm(QuizAppForm):
    file = FileField(_l("Image or sound"), [FileRequired()])
    # Required: a learner who cannot see the picture (or hear the sound) reads this.
    alt = StringField(
        _l("Description (alt text)"),
        [DataRequired(_l("Describe the image or sound for learners who cannot see or hear it.")),
         Length(max=300)],
    )  # fmt: skip
    submit = SubmitField(_l("Upload"))
