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


def build_quiz_form(attempt: Attempt, base=QuizForm, **kwargs) -> FlaskForm:
    """The attempt's form: one set of fields per question, in order, any of which may be
    left blank. It shows the autosaved answers unless the request posts the form (then
    what was posted is what counts)."""
    saved: dict[str, object] = {}
    if request.method != "POST":
        for answer in attempt.answers:
            if answer.response is None or answer.question.type not in FIELD_BUILDERS:
                continue
            question = question_dict(answer.question)
            response = restore_response(question, answer.response)
            prefix, layout = answer_prefix(answer.id), answer.display_order
            saved |= saved_field_data(prefix, question, layout, response)
    return _form_class(attempt, base)(data=None if request.method == "POST" else saved, **kwargs)


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


def quiz_items(form: FlaskForm, attempt: Attempt) -> list[dict]:
    """What the template needs per item: the question, its bound fields, their HTML (kept
    per worker: answering.fields.rendered_fields) and its number among the questions asked
    (None for a description, which is shown, not asked)."""
    fields = get_template_attribute("_question_fields.html", "answer_fields")
    items = []
    number = 0
    for answer in attempt.answers:
        question = question_dict(answer.question)
        builder = FIELD_BUILDERS.get(question["type"])
        names = (
            builder.field_names(answer_prefix(answer.id), question, answer.display_order)
            if builder is not None
            else []
        )
        number += builder is not None
        item = {
            "answer": answer,
            "question": question,
            "fields": [form[n] for n in names],
            "number": number if builder is not None else None,
        }
        row = answer.question
        layout = repr(answer.display_order)
        key = (answer.id, row.id, row.content_hash, row.version, layout, str(get_locale()))
        item["fields_html"] = rendered_fields(item["fields"], key, lambda item=item: fields(item))
        items.append(item)
    return items
