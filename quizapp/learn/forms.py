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
        FIELD_BUILDERS[question["type"]].add_fields(
            AttemptForm, answer_prefix(answer.id), question, answer.display_order
        )
    return AttemptForm(**kwargs)


def read_responses(form: FlaskForm, attempt: Attempt) -> dict[int, object]:
    responses = {}
    for answer in attempt.answers:
        question = question_dict(answer.question)
        responses[answer.id] = read_response(
            form, answer_prefix(answer.id), question, answer.display_order
        )
    return responses


def quiz_items(form: FlaskForm, attempt: Attempt) -> list[dict]:
    """What the template needs per question: the question and its bound fields."""
    items = []
    for answer in attempt.answers:
        question = question_dict(answer.question)
        builder = FIELD_BUILDERS[question["type"]]
        names = builder.field_names(answer_prefix(answer.id), question, answer.display_order)
        items.append({"answer": answer, "question": question, "fields": [form[n] for n in names]})
    return items
