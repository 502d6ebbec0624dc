"""Quiz forms, built per attempt from the attempt's fixed layout."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from quizapp.answering.fields import FIELD_BUILDERS, read_response
from quizapp.models import Attempt
from quizapp.services.question_store import question_dict


class StartQuizForm(FlaskForm):
    submit = SubmitField(_l("Start a new attempt"))


class QuizForm(FlaskForm):
    attempt_id = HiddenField()
    submit = SubmitField(_l("Submit answers"))


def answer_prefix(answer_id: int) -> str:
    return f"q{answer_id}"


def build_quiz_form(attempt: Attempt, **kwargs) -> FlaskForm:
    """A form class made for this attempt: one set of fields per question, in order."""

    class AttemptForm(QuizForm):
        pass

    for answer in attempt.answers:
        question = question_dict(answer.question)
        builder = FIELD_BUILDERS.get(question["type"])  # a description has no fields
        if builder is not None:
            prefix = answer_prefix(answer.id)
            builder.add_fields(AttemptForm, prefix, question, answer.display_order)
    return AttemptForm(**kwargs)


def read_responses(form: FlaskForm, attempt: Attempt) -> dict[int, object]:
    responses = {}
    for answer in attempt.answers:
        question = question_dict(answer.question)
        if question["type"] in FIELD_BUILDERS:
            responses[answer.id] = read_response(
                form, answer_prefix(answer.id), question, answer.display_order
            )
    return responses


def quiz_items(form: FlaskForm, attempt: Attempt) -> list[dict]:
    """What the template needs per item: the question, its bound fields and its number
    among the questions asked (None for a description, which is shown, not asked)."""
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
        items.append(
            {
                "answer": answer,
                "question": question,
                "fields": [form[n] for n in names],
                "number": number if builder is not None else None,
            }
        )
    return items
