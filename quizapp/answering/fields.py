"""WTForms fields for answering questions: one builder per gradable question type, in one
table (FIELD_BUILDERS) that a test checks against the question-type registry.

The quiz page and the review page both build their forms here, so a question type is
answered the same way everywhere. Each builder adds its fields to a form class, reads
the learner's response back, and describes a stored response in words for the results
page. Option values are places in the shown order (never authored positions, which
would give the key away); `read_response` maps them back to the grader's shape."""

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.domain.questions.essay import MAX_CHARS as ESSAY_MAX_CHARS
from quizapp.domain.questions.essay import word_count
from quizapp.domain.questions.tables import ANSWERED, per_type_table
from quizapp.domain.quiz_layout import matching_options, response_as_places, response_from_places
from quizapp.domain.rendering import render_markdown
from quizapp.kept import KeptValues

ANSWER_REQUIRED = _l("Please answer this question.")


def render_inline(text: str) -> Markup:
    """Markdown for a label: rendered and sanitised, without the wrapping paragraph."""
    html = render_markdown(text or "").strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)  # noqa: S704  (render_markdown sanitises with nh3)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RowSelectField(SelectField):
    """A drop-down laid out as a row: its label (a matching item, "Blank 2") beside it."""

    row_label = True


class RowStringField(StringField):
    """A text box laid out as a row, as RowSelectField: cloze blanks of either kind look
    alike, whether the author gave options or not."""

    row_label = True


_BLANK = re.compile(r"\{\{\s*(\d+)\s*\}\}")


def cloze_prompt(question: dict) -> str:
    """The cloze text with each `{{n}}` shown as a numbered gap."""
    return _BLANK.sub(r"**[\1] ______**", question.get("text", ""))


def _is_number(_form, field) -> None:
    text = (field.data or "").strip().replace(",", ".")
    try:
        float(text)
    except ValueError:
        raise ValidationError(_("Enter a number, e.g. 3.5 or 3,5.")) from None


class FieldBuilder:
    """Adds fields named `<prefix>` or `<prefix>_<n>` to a form class."""

    def field_names(self, prefix: str, question: dict, layout: list) -> list[str]:
        return [prefix]

    def add_fields(self, form_class, prefix: str, question: dict, layout: list) -> None:
        raise NotImplementedError

    def read(self, form, prefix: str, question: dict, layout: list) -> Any:
        """The response in display places; None when the question was left blank."""
        return form[prefix].data

    def field_data(self, prefix: str, question: dict, layout: list, shown: Any) -> dict:
        """The inverse of `read`: field name → value for a response in display places
        (a reopened attempt shows its autosaved answers)."""
        return {prefix: shown}

    def describe(self, question: dict, response: Any) -> str:
        return "" if response is None else str(response)

    def shown_text(self, question: dict) -> str | None:
        """Markdown shown under the prompt for the fields to refer to (the cloze text)."""
        return None


class SingleChoiceFields(FieldBuilder):
    def add_fields(self, form_class, prefix, question, layout):
        choices = [
            SelectChoice(str(place), render_inline(question["choices"][pos]["text"]))
            for place, pos in enumerate(layout)
        ]
        setattr(
            form_class,
            prefix,
            RadioField(_l("Answer"), choices=choices, validators=[InputRequired(ANSWER_REQUIRED)]),
        )

    def read(self, form, prefix, question, layout):
        data = form[prefix].data
        return None if data in (None, "") else int(data)

    def field_data(self, prefix, question, layout, shown):
        return {prefix: None if shown is None else str(shown)}

    def describe(self, question, response):
        if not isinstance(response, int) or not 0 <= response < len(question["choices"]):
            return "—"
        return question["choices"][response]["text"]


class MultipleResponseFields(FieldBuilder):
    def add_fields(self, form_class, prefix, question, layout):
        choices = [
            SelectChoice(place, render_inline(question["choices"][pos]["text"]))
            for place, pos in enumerate(layout)
        ]
        setattr(form_class, prefix, MultiCheckboxField(_l("Answer"), choices=choices, coerce=int))

    def read(self, form, prefix, question, layout):
        return sorted(form[prefix].data or []) or None

    def field_data(self, prefix, question, layout, shown):
        return {prefix: list(shown or [])}

    def describe(self, question, response):
        chosen = [
            question["choices"][i]["text"]
            for i in response or []
            if isinstance(i, int) and 0 <= i < len(question["choices"])
        ]
        return "; ".join(chosen) or "—"


class TrueFalseFields(FieldBuilder):
    def add_fields(self, form_class, prefix, question, layout):
        choices = [SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))]
        setattr(
            form_class,
            prefix,
            RadioField(_l("Answer"), choices=choices, validators=[InputRequired(ANSWER_REQUIRED)]),
        )

    def read(self, form, prefix, question, layout):
        data = form[prefix].data
        return None if data in (None, "") else data == "true"

    def field_data(self, prefix, question, layout, shown):
        return {prefix: None if shown is None else ("true" if shown else "false")}

    def describe(self, question, response):
        return {True: _("True"), False: _("False")}.get(response, "—")


class TextFields(FieldBuilder):
    numeric = False

    def add_fields(self, form_class, prefix, question, layout):
        validators = [InputRequired(ANSWER_REQUIRED), Length(max=500)]
        if self.numeric:
            validators.append(_is_number)
        render_kw = (
            {"inputmode": "decimal", "autocomplete": "off"}
            if self.numeric
            else {"autocomplete": "off", "spellcheck": "false"}
        )
        setattr(
            form_class,
            prefix,
            StringField(_l("Answer"), validators=validators, render_kw=render_kw),
        )

    def read(self, form, prefix, question, layout):
        return (form[prefix].data or "").strip() or None

    def field_data(self, prefix, question, layout, shown):
        return {prefix: "" if shown is None else str(shown)}


class NumericFields(TextFields):
    numeric = True


class MatchingFields(FieldBuilder):
    def field_names(self, prefix, question, layout):
        return [f"{prefix}_{i}" for i in range(len(question["pairs"]))]

    def add_fields(self, form_class, prefix, question, layout):
        options = matching_options(question)
        choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(str(place), options[pos]) for place, pos in enumerate(layout)
        ]
        for i, pair in enumerate(question["pairs"]):
            setattr(
                form_class,
                f"{prefix}_{i}",
                RowSelectField(
                    render_inline(pair["left"]),
                    choices=choices,
                    validators=[InputRequired(ANSWER_REQUIRED)],
                    validate_choice=True,
                ),
            )

    def read(self, form, prefix, question, layout):
        chosen = {
            i: int(form[f"{prefix}_{i}"].data)
            for i in range(len(question["pairs"]))
            if form[f"{prefix}_{i}"].data not in (None, "")
        }
        return chosen or None

    def field_data(self, prefix, question, layout, shown):
        chosen = shown if isinstance(shown, dict) else {}
        return {
            f"{prefix}_{i}": "" if chosen.get(i) is None else str(chosen[i])
            for i in range(len(question["pairs"]))
        }

    def describe(self, question, response):
        if not isinstance(response, dict):
            return "—"
        options = matching_options(question)
        parts = []
        for i, pair in enumerate(question["pairs"]):
            chosen = response.get(i)
            text = (
                options[chosen] if isinstance(chosen, int) and 0 <= chosen < len(options) else "—"
            )
            parts.append(f"{pair['left']} → {text}")
        return "; ".join(parts)


class ClozeFields(FieldBuilder):
    def shown_text(self, question):
        return cloze_prompt(question)

    def field_names(self, prefix, question, layout):
        return [f"{prefix}_{i}" for i in range(len(question["blanks"]))]

    def add_fields(self, form_class, prefix, question, layout):
        for i, blank in enumerate(question["blanks"]):
            label = _l("Blank %(number)d", number=i + 1)
            options = blank.get("options")
            if options:
                order = layout[i] if i < len(layout) else range(len(options))
                choices = [SelectChoice("", _l("Choose…"))] + [
                    SelectChoice(options[pos]) for pos in order
                ]
                field = RowSelectField(
                    label, choices=choices, validators=[InputRequired(ANSWER_REQUIRED)]
                )
            else:
                field = RowStringField(
                    label,
                    validators=[InputRequired(ANSWER_REQUIRED), Length(max=200)],
                    render_kw={"autocomplete": "off"},
                )
            setattr(form_class, f"{prefix}_{i}", field)

    def read(self, form, prefix, question, layout):
        parts = [(form[f"{prefix}_{i}"].data or "").strip() for i in range(len(question["blanks"]))]
        return parts if any(parts) else None

    def field_data(self, prefix, question, layout, shown):
        parts = shown if isinstance(shown, list) else []
        return {
            f"{prefix}_{i}": str(parts[i]) if i < len(parts) and parts[i] is not None else ""
            for i in range(len(question["blanks"]))
        }

    def describe(self, question, response):
        return " / ".join(str(part) for part in response) if isinstance(response, list) else "—"


class EssayFields(FieldBuilder):
    """A text area that starts with the author's template, within the word limit."""

    def add_fields(self, form_class, prefix, question, layout):
        limit = question.get("max_words")
        validators = [InputRequired(ANSWER_REQUIRED), Length(max=ESSAY_MAX_CHARS)]
        if limit:
            validators.append(_within_words(limit))
        description = _l("At most %(count)d words.", count=limit) if limit else ""
        field = TextAreaField(
            _l("Your answer"),
            validators=validators,
            default=question.get("response_template") or "",
            description=description,
            render_kw={"rows": 8},
        )
        setattr(form_class, prefix, field)

    def read(self, form, prefix, question, layout):
        return (form[prefix].data or "").strip() or None


def _within_words(limit: int):
    def check(_form, field) -> None:
        count = word_count(field.data or "")
        if count > limit:
            message = _("Your answer has %(count)d words; the limit is %(limit)d.")
            raise ValidationError(message % {"count": count, "limit": limit})

    return check


# The answer fields of every type a learner answers (graded automatically or by hand).
FIELD_BUILDERS: dict[str, FieldBuilder] = per_type_table(
    "answer fields",
    {
        "single_choice": SingleChoiceFields(),
        "multiple_response": MultipleResponseFields(),
        "true_false": TrueFalseFields(),
        "short_answer": TextFields(),
        "numeric": NumericFields(),
        "matching": MatchingFields(),
        "cloze": ClozeFields(),
        "essay": EssayFields(),
    },
    scorings=ANSWERED,
)


# The rendered answer fields of a question as shown in one attempt, per worker: a reload
# of the quiz page (or the next learner's visit after a change) renders nothing again.
RENDERED_FIELDS_KEPT = 1024  # ~1-3 KB each: a few MB of a worker at most
_rendered_fields: KeptValues[Markup] = KeptValues(RENDERED_FIELDS_KEPT)


def rendered_fields(fields: list, key: tuple, render: Callable[[], str]) -> Markup:
    """The HTML of a question's bound `fields` (templates/_question_fields.html), kept by
    `key` (what identifies the question's content and layout in an attempt, and the
    language) plus the fields' values; fields showing errors are rendered afresh."""
    if any(field.errors for field in fields):
        return Markup(render())  # noqa: S704  (a template's output, escaped by Jinja)
    full = (*key, tuple((field.name, repr(field.data), repr(field.raw_data)) for field in fields))
    return _rendered_fields.get(full, lambda: Markup(render()))  # noqa: S704


def shown_fields(key: tuple, values: dict, render: Callable[[], str]) -> Markup:
    """rendered_fields for fields not bound yet (a GET, where they show `values`, the
    saved answer's field data, and otherwise their defaults): kept by `key` and those
    values, so `render` (which binds them) runs only for HTML not kept yet."""
    full = (*key, "shown", repr(values))
    return _rendered_fields.get(full, lambda: Markup(render()))  # noqa: S704


def answer_text(question: dict) -> str | None:
    """What the question's fields refer to, shown under its prompt (templates ask this
    instead of testing the type): the builder's `shown_text`."""
    builder = FIELD_BUILDERS.get(question.get("type"))
    return builder.shown_text(question) if builder is not None else None


def read_response(form, prefix: str, question: dict, layout: list) -> Any:
    """The learner's response in the shape `grade_response` expects: the fields read, their
    places in the shown order mapped back to authored positions (None: left blank)."""
    shown = FIELD_BUILDERS[question["type"]].read(form, prefix, question, layout)
    return response_from_places(question, layout, shown)


def saved_field_data(prefix: str, question: dict, layout: list, response: Any) -> dict:
    """The fields' values showing a stored response (authored positions), e.g. an
    autosaved answer when the learner reopens the attempt."""
    shown = response_as_places(question, layout, response)
    return FIELD_BUILDERS[question["type"]].field_data(prefix, question, layout, shown)


def allow_blank(form_class, names: list[str]) -> None:
    """Let these fields be left empty: a quiz may be submitted with questions unanswered
    (the service's rule, after the learner confirms), where the review page asks for an
    answer. Other checks (a number's format, a text's length) still apply when filled."""
    for name in names:
        unbound = getattr(form_class, name)
        kept = [
            check
            for check in unbound.kwargs.get("validators") or []
            if not isinstance(check, InputRequired)
        ]
        unbound.kwargs["validators"] = [Optional(), *kept]
