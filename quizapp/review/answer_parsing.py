"""Answer fields of an objective question on the review page, and the response they post.

A thin adapter over the shared field builders (quizapp.answering.fields) so a
question type is answered the same way everywhere; swapping the builders touches only here."""

from typing import Any

from flask import current_app, get_template_attribute
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field

from quizapp.answering import fields as question_fields
from quizapp.answering.fields import FIELD_BUILDERS
from quizapp.answering.form_classes import kept_form_class
from quizapp.domain.quiz_layout import review_layout
from quizapp.review.forms import AnswerForm

PREFIX = "answer"


def answer_layout(question: dict[str, Any], card_id: int, reps: int) -> list:
    """The shuffled display order of the options: the page and the form it posts agree,
    each new review reshuffles, and nobody without the secret key can recompute it."""
    return review_layout(question, card_id, reps, current_app.secret_key)


def build_answer_form(question: dict[str, Any], layout: list, **kwargs) -> FlaskForm:
    """An AnswerForm with this question's fields added (named `answer` or `answer_<n>`),
    its class kept per worker by what the fields are made from: the question as the
    card shows it (an edit changes it) and the layout."""
    key = (AnswerForm, repr(question), repr(layout))
    return kept_form_class(key, lambda: _make_answer_form_class(question, layout))(**kwargs)


def _make_answer_form_class(question: dict[str, Any], layout: list) -> type:
    class CardAnswerForm(AnswerForm):
        pass

    FIELD_BUILDERS[question["type"]].add_fields(CardAnswerForm, PREFIX, question, layout)
    return CardAnswerForm


def answer_fields(form: FlaskForm, question: dict[str, Any], layout: list) -> list[Field]:
    names = FIELD_BUILDERS[question["type"]].field_names(PREFIX, question, layout)
    return [form[name] for name in names]


def shown_fields_html(question: dict[str, Any], layout: list) -> Markup:
    """The HTML of a card's answer fields as a GET shows them (empty), kept per worker by
    what it is made from (answering.fields.shown_fields: the question as the card shows
    it, the layout, the language): the form is built only for HTML not kept yet."""
    key = (AnswerForm, repr(question), repr(layout), str(get_locale()))

    def render() -> str:
        form = build_answer_form(question, layout, formdata=None)
        return _fields_macro()({"fields": answer_fields(form, question, layout)})

    return question_fields.shown_fields(key, {}, render)


def bound_fields_html(form: FlaskForm, question: dict[str, Any], layout: list) -> Markup:
    """The HTML of a posted form's fields (what was sent, with its errors)."""
    return Markup(_fields_macro()({"fields": answer_fields(form, question, layout)}))  # noqa: S704


def _fields_macro():
    return get_template_attribute("_question_fields.html", "answer_fields")


def read_response(form: FlaskForm, question: dict[str, Any], layout: list) -> Any:
    """The response in the shape `grade_response` expects (docs/bank-format.md)."""
    return question_fields.read_response(form, PREFIX, question, layout)


def describe_response(question: dict[str, Any], response: Any) -> str:
    return FIELD_BUILDERS[question["type"]].describe(question, response)


# The review pages' context reads it from here; the one definition is in answering.
cloze_prompt = question_fields.cloze_prompt
