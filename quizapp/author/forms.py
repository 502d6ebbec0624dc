"""Forms of the instructor area: lessons, the Markdown preview, question actions and
imports (the question editors are in quizapp.author.question_forms)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from quizapp.domain.formats.registry import importable

# --- lessons ------------------------------------------------------------------------------


class LessonForm(FlaskForm):
    number = IntegerField(_l("Number"), [Optional(), NumberRange(min=1, max=9999)])
    title = StringField(_l("Title"), [DataRequired(), Length(max=200)])
    slug = StringField(_l("Slug (optional)"), [Optional(), Length(max=160)])
    quiz_size = IntegerField(
        _l("Questions per quiz (empty: all)"), [Optional(), NumberRange(min=1, max=500)]
    )
    body_md = TextAreaField(_l("Notes (Markdown)"), [Length(max=200_000)], render_kw={"rows": 18})
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save lesson"))


class MarkdownPreviewForm(FlaskForm):
    text = TextAreaField(validators=[Length(max=200_000)])


# --- question actions ---------------------------------------------------------------------


class ActionForm(FlaskForm):
    """A button that changes something (retire, restore): CSRF only."""


class MoveForm(FlaskForm):
    lesson = SelectField(_l("Move to lesson"), coerce=int)
    submit = SubmitField(_l("Move"))


# --- imports ------------------------------------------------------------------------------

# The formats table's importable rows; "auto" detects by extension and content.
FORMAT_CHOICES = [SelectChoice("auto", _l("From the file name and contents"))] + [
    SelectChoice(fmt.name, _l(fmt.label)) for fmt in importable()
]


class ImportForm(FlaskForm):
    file = FileField(_l("File"), [FileRequired()])
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES)
    lesson = SelectField(_l("Target lesson"))
    categories = TextAreaField(
        _l("Categories to lessons"),
        [Optional(), Length(max=5000)],
        description=_l(
            "One CATEGORY=LESSON per line (lesson number, slug or title), for categories of "
            "the file whose names are not this course's lessons."
        ),
    )
    with_history = BooleanField(_l("Also make the package's review log my review history"))
    submit = SubmitField(_l("Preview the import"))


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])
    submit = SubmitField(_l("Import"))
