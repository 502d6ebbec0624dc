"""Forms of the instructor area: lessons, the Markdown preview, question actions and
imports (the question editors are in quizapp.author.question_forms)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
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
from quizapp.domain.quiz_rules import REVIEW_PARTS, QuizRules
from quizapp.forms_base import QuizAppForm

# --- lessons ------------------------------------------------------------------------------

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
REVIEW_CHOICES = [
    SelectChoice("immediate", _l("Right after submitting")),
    SelectChoice("after_close", _l("After the quiz closes")),
    SelectChoice("never", _l("Never")),
]


class LessonForm(QuizAppForm):
    number = IntegerField(_l("Number"), [Optional(), NumberRange(min=1, max=9999)])
    title = StringField(_l("Title"), [DataRequired(), Length(max=200)])
    slug = StringField(_l("Slug (optional)"), [Optional(), Length(max=160)])
    quiz_size = IntegerField(
        _l("Questions per quiz (empty: all)"), [Optional(), NumberRange(min=1, max=500)]
    )
    # The rest of the quiz rules (SPEC §12; quizapp.domain.quiz_rules).
    quiz_shuffle = BooleanField(_l("Shuffle questions and options"), default=True)
    quiz_time_limit = IntegerField(
        _l("Time limit in minutes (empty: none)"), [Optional(), NumberRange(min=1, max=10080)]
    )
    quiz_attempts = IntegerField(
        _l("Attempts allowed (empty: unlimited)"), [Optional(), NumberRange(min=1, max=100)]
    )
    quiz_opens = DateTimeLocalField(
        _l("Opens (empty: always open)"), [Optional()], format=DATETIME_LOCAL
    )
    quiz_closes = DateTimeLocalField(
        _l("Closes (empty: never)"), [Optional()], format=DATETIME_LOCAL
    )
    quiz_grading = SelectField(
        _l("Grade"),
        choices=[
            SelectChoice("highest", _l("Highest attempt")),
            SelectChoice("average", _l("Average of attempts")),
            SelectChoice("first", _l("First attempt")),
            SelectChoice("last", _l("Last attempt")),
        ],
        default="highest",
    )
    review_score = SelectField(_l("Score"), choices=REVIEW_CHOICES, default="immediate")
    review_correctness = SelectField(
        _l("Correct or not, per question"), choices=REVIEW_CHOICES, default="immediate"
    )
    review_answers = SelectField(_l("Right answers"), choices=REVIEW_CHOICES, default="immediate")
    review_feedback = SelectField(
        _l("Feedback and explanations"), choices=REVIEW_CHOICES, default="immediate"
    )
    body_md = TextAreaField(_l("Notes (Markdown)"), [Length(max=200_000)], render_kw={"rows": 18})
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save lesson"))

    def quiz_rules(self, zone: ZoneInfo) -> QuizRules:
        """The rules entered; the dates are read in `zone` (DEFAULT_TIMEZONE)."""
        return QuizRules(
            size=self.quiz_size.data,
            shuffle=bool(self.quiz_shuffle.data),
            time_limit=self.quiz_time_limit.data,
            attempts=self.quiz_attempts.data,
            opens=_aware(self.quiz_opens.data, zone),
            closes=_aware(self.quiz_closes.data, zone),
            grading=self.quiz_grading.data,
            review={part: getattr(self, f"review_{part}").data for part in REVIEW_PARTS},
        )

    def show_quiz_rules(self, rules: QuizRules, zone: ZoneInfo) -> None:
        """Fill the quiz fields from a lesson's rules (dates shown in `zone`)."""
        self.quiz_size.data, self.quiz_shuffle.data = rules.size, rules.shuffle
        self.quiz_time_limit.data, self.quiz_attempts.data = rules.time_limit, rules.attempts
        self.quiz_opens.data = _local(rules.opens, zone)
        self.quiz_closes.data = _local(rules.closes, zone)
        self.quiz_grading.data = rules.grading
        for part in REVIEW_PARTS:
            getattr(self, f"review_{part}").data = rules.review[part]


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.replace(tzinfo=zone).astimezone(UTC) if moment is not None else None


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None


class MarkdownPreviewForm(QuizAppForm):
    text = TextAreaField(validators=[Length(max=200_000)])


# --- question actions ---------------------------------------------------------------------


class ActionForm(QuizAppForm):
    """A button that changes something (retire, restore): CSRF only."""


class MoveForm(QuizAppForm):
    lesson = SelectField(_l("Move to lesson"), coerce=int)
    submit = SubmitField(_l("Move"))


# --- imports ------------------------------------------------------------------------------

# The formats table's importable rows; "auto" detects by extension and content.
FORMAT_CHOICES = [SelectChoice("auto", _l("From the file name and contents"))] + [
    SelectChoice(fmt.name, _l(fmt.label)) for fmt in importable()
]


class ImportForm(QuizAppForm):
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


class ConfirmImportForm(QuizAppForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])
    submit = SubmitField(_l("Import"))


class CategoryLessonsForm(QuizAppForm):
    """The import page's mapping step: a lesson for each category of the pending upload
    that names none (entries in the plan's `unmapped` order; the view sets the choices)."""

    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])
    lessons = FieldList(SelectField(_l("Lesson")), max_entries=500)
    submit = SubmitField(_l("Preview with these lessons"))
