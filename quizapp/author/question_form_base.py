"""What every question editor shares: the common fields and their conversion, the rows of
the dynamic lists, and the text helpers; the per-type editors are in question_forms."""

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FloatField, Form, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from quizapp.forms_base import QuizAppForm

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
# Empty rows offered beyond the filled ones, so the editor works without JavaScript.
SPARE_ROWS = 2


def clean(value: str | None) -> str | None:
    """Form text as the bank wants it: stripped, with empty meaning absent."""
    value = (value or "").strip()
    return value or None


def lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def alternatives(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


# --- rows of the dynamic lists ------------------------------------------------------------


class ChoiceRow(Form):
    text = StringField(_l("Choice"))
    correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback"))


class WeightedChoiceRow(ChoiceRow):
    weight = FloatField(_l("Weight %"), [Optional(), NumberRange(min=-100, max=100)])


class TextAnswerRow(Form):
    text = StringField(_l("Accepted answer"))
    weight = FloatField(_l("Weight %"), [Optional(), NumberRange(min=0, max=100)])
    feedback = StringField(_l("Feedback"))


class NumberAnswerRow(Form):
    value = FloatField(_l("Value"), [Optional()])
    tolerance = FloatField(_l("± tolerance"), [Optional(), NumberRange(min=0)])
    min = FloatField(_l("or from"), [Optional()])
    max = FloatField(_l("to"), [Optional()])
    weight = FloatField(_l("Weight %"), [Optional(), NumberRange(min=0, max=100)])
    feedback = StringField(_l("Feedback"))


class PairRow(Form):
    left = StringField(_l("Left side"))
    right = StringField(_l("Right side"))


class BlankRow(Form):
    answers = StringField(_l("Answers (separate with |)"))
    options = StringField(_l("Drop-down options (optional, separate with |)"))
    accent_insensitive = BooleanField(_l("Ignore accents"))


# --- question editors ---------------------------------------------------------------------


class QuestionForm(QuizAppForm):
    """The fields every type shares; subclasses add theirs and convert both ways."""

    type_name: ClassVar[str]
    label: ClassVar[Any]
    # (list field name, minimum rows) of the dynamic lists of the type.
    row_lists: ClassVar[tuple[tuple[str, int], ...]] = ()

    id = StringField(
        _l("Id (optional, stable: used by imports)"),
        [Optional(), Length(max=80), Regexp(ID_PATTERN, message=_l("Use a-z, 0-9, . _ and -"))],
    )
    title = StringField(_l("Title (optional)"), [Optional(), Length(max=200)])
    prompt = TextAreaField(_l("Question (Markdown)"), [DataRequired()], render_kw={"rows": 4})
    explanation = TextAreaField(_l("Explanation (Markdown, optional)"), render_kw={"rows": 3})
    tags = StringField(_l("Tags (comma separated)"))
    section = StringField(
        _l("Lesson section anchor (optional)"),
        [Optional(), Length(max=160)],
        render_kw={"list": "lesson-sections", "autocomplete": "off"},
    )
    submit = SubmitField(_l("Save question"))

    def to_question(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"type": self.type_name}
        if clean(self.id.data):
            raw["id"] = clean(self.id.data)
        raw["title"] = clean(self.title.data)
        raw["prompt"] = (self.prompt.data or "").strip()
        raw.update(self.type_fields())
        raw["explanation"] = clean(self.explanation.data)
        raw["tags"] = [tag.strip() for tag in (self.tags.data or "").split(",") if tag.strip()]
        raw["section"] = clean(self.section.data)
        return raw

    def type_fields(self) -> dict[str, Any]:
        return {}

    @classmethod
    def initial(cls, question: dict[str, Any] | None) -> dict[str, Any]:
        """Form data for a normalised question (None: a blank form with empty rows)."""
        if question is None:
            data: dict[str, Any] = {}
        else:
            data = {
                "id": question["id"],
                "title": question.get("title") or "",
                "prompt": question["prompt"],
                "explanation": question.get("explanation") or "",
                "tags": ", ".join(question.get("tags") or []),
                "section": question.get("section") or "",
                **cls.type_initial(question),
            }
        for name, minimum in cls.row_lists:
            rows = data.get(name, [])
            data[name] = rows + [{}] * max(SPARE_ROWS, minimum - len(rows))
        return data

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {}
