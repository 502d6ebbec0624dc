"""Quiz forms, built per attempt from the attempt's fixed layout."""

from flask import get_template_attribute, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SubmitField

from quizapp.answering.fields import (
    FIELD_BUILDERS,
    allow_blank,
    read_response,
    rendered_fields,
    saved_field_data,
    shown_fields,
)
from quizapp.answering.form_classes import kept_form_class
from quizapp.domain.quiz_layout import restore_response
from quizapp.forms_base import QuizAppForm
from quizapp.models import Attempt
from quizapp.services.question_store import question_dict


class StartQuizForm(QuizAppForm):
    submit = SubmitField(_l("Start a new attempt"))


class QuizForm(QuizAppForm):
    attempt_id = HiddenField()
    # Set by the confirmation step (and by the countdown at zero): submit even with
    # questions unanswered (services.quiz_submission.submit_attempt's blank rule).
    confirm_unanswered = BooleanField(_l("Submit with the unanswered questions"))
    submit = SubmitField(_l("Submit answers"))


class AutosaveForm(QuizAppForm):
    """CSRF only: the answers come as the quiz form's own fields (learn.views.autosave)."""


def answer_prefix(answer_id: int) -> str:
    return f"q{answer_id}"


def build_quiz_form(attempt, base=QuizForm, **kwargs) -> FlaskForm:
    """The attempt's form: one set of fields per question, in order, any of which may be
    left blank. It shows the autosaved answers unless the request posts the form (then
    what was posted is what counts)."""
    saved: dict[str, object] = {}
    if request.method != "POST":
        for answer in attempt.answers:
            question = question_dict(answer.question)
            saved |= _saved_data(answer, question, FIELD_BUILDERS.get(question["type"]))
    return _form_class(attempt, base)(data=None if request.method == "POST" else saved, **kwargs)


def _saved_data(answer, question: dict, builder) -> dict[str, object]:
    """The values of the answer's fields showing its autosaved response (none: empty)."""
    if answer.response is None or builder is None:
        return {}
    response = restore_response(question, answer.response)
    return saved_field_data(answer_prefix(answer.id), question, answer.display_order, response)


def _form_class(attempt: Attempt, base) -> type:
    """The class of `base` with the attempt's fields, kept per worker (answering.
    form_classes) by what they are made from: the answers, their questions' content and
    version and their shown layout."""
    key = (
        base,
        tuple(
            (
                a.id,
                a.question.id,
                a.question.content_hash,
                a.question.version,
                repr(a.display_order),
            )
            for a in attempt.answers
        ),
    )
    return kept_form_class(key, lambda: _make_form_class(attempt, base))


def _make_form_class(attempt: Attempt, base) -> type:
    class AttemptForm(base):
        pass

    for answer in attempt.answers:
        question = question_dict(answer.question)
        prefix, layout = answer_prefix(answer.id), answer.display_order
        builder = FIELD_BUILDERS.get(question["type"])  # a description has no fields
        if builder is None:
            continue
        builder.add_fields(AttemptForm, prefix, question, layout)
        allow_blank(AttemptForm, builder.field_names(prefix, question, layout))
    return AttemptForm


def read_responses(
    form: FlaskForm, attempt: Attempt, only: set[int] | None = None
) -> dict[int, object]:
    """Answer id → the response in the form (None: left blank); `only` those answers."""
    responses = {}
    for answer in attempt.answers:
        if only is not None and answer.id not in only:
            continue
        question = question_dict(answer.question)
        if question["type"] in FIELD_BUILDERS:
            responses[answer.id] = read_response(
                form, answer_prefix(answer.id), question, answer.display_order
            )
    return responses


def quiz_items(attempt, form: FlaskForm | None = None) -> list[dict]:
    """What the template needs per item: the question, its fields' HTML (kept per worker:
    answering.fields.rendered_fields) and its number among the questions asked (None for
    a description, which is shown, not asked).

    A posted `form` shows its bound fields (what was sent, with its errors). Without one
    (a GET) the fields show the attempt's saved answers: their HTML is kept by those
    values, and the form is built only when some question's HTML is not kept yet."""
    fields = get_template_attribute("_question_fields.html", "answer_fields")
    locale = str(get_locale())
    built = [form]

    def bound(names: list[str]) -> list:
        if built[0] is None:
            built[0] = build_quiz_form(attempt)
        return [built[0][name] for name in names]

    items = []
    number = 0
    for answer in attempt.answers:
        question = question_dict(answer.question)
        builder = FIELD_BUILDERS.get(question["type"])
        layout = answer.display_order
        names = builder.field_names(answer_prefix(answer.id), question, layout) if builder else []
        number += builder is not None
        row = answer.question
        key = (answer.id, row.id, row.content_hash, row.version, repr(layout), locale)
        if form is not None:
            shown = bound(names)
            html = rendered_fields(shown, key, lambda shown=shown: fields({"fields": shown}))
        else:
            saved = _saved_data(answer, question, builder)
            html = shown_fields(key, saved, lambda names=names: fields({"fields": bound(names)}))
        items.append(
            {
                "answer": answer,
                "question": question,
                "number": number if builder is not None else None,
                "fields_html": html,
            }
        )
    return items
