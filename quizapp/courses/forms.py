"""Forms of the course pages: they validate input only; the views call
quizapp.services.memberships."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from quizapp.forms_base import QuizAppForm

VISIBILITY_CHOICES = [
    SelectChoice("public", _l("Public: listed, anyone signed in can enrol")),
    SelectChoice("code", _l("Join code: listed, learners join with the course's code")),
    SelectChoice("invite", _l("Invitation: not listed, staff add the members")),
]
ROLE_CHOICES = [
    SelectChoice("learner", _l("Learner")),
    SelectChoice("assistant", _l("Assistant")),
    SelectChoice("instructor", _l("Instructor")),
]


class ActionForm(QuizAppForm):
    """A button that only needs the CSRF token (enrol, leave, rotate, archive...)."""

    submit = SubmitField(_l("Confirm"))


class ArchiveForm(QuizAppForm):
    """The state asked for ("1" archived, "0" live), so a repeated post changes nothing."""

    archived = HiddenField(validators=[AnyOf(["0", "1"])])


class JoinForm(QuizAppForm):
    code = StringField(_l("Join code"), validators=[DataRequired(), Length(max=32)])
    submit = SubmitField(_l("Join the course"))


class CourseForm(QuizAppForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description_md = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=20_000)])
    visibility = SelectField(_l("Who can find and join it"), choices=VISIBILITY_CHOICES)
    submit = SubmitField(_l("Save"))


class NewCourseForm(CourseForm):
    slug = StringField(
        _l("Address (slug)"), validators=[Optional(), Length(max=120)], description="curso-flask"
    )
    markdown = FileField(_l("Course Markdown file (optional)"))
    submit = SubmitField(_l("Create the course"))


class AddMembersForm(QuizAppForm):
    emails = TextAreaField(
        _l("Emails (one per line, or pasted from a spreadsheet)"),
        validators=[Length(max=200_000)],
    )
    csv_file = FileField(_l("Or a CSV file with an email column"))
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="learner")
    submit = SubmitField(_l("Add members"))


class DeleteCourseForm(QuizAppForm):
    confirm_slug = StringField(
        _l("Type the course's address to confirm"), validators=[DataRequired(), Length(max=120)]
    )
    submit = SubmitField(_l("Delete the course"))


class GroupForm(QuizAppForm):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("Create the group"))
