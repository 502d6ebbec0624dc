"""The review page keeps its answer form classes per worker (answering.form_classes), by
the question as the card shows it and its layout: the same card shown again reuses the
class, and an edit of the question made since is shown (and graded) at once."""

import copy
import re

import pytest

from quizapp.extensions import db
from quizapp.review import answer_parsing
from quizapp.services.question_store import apply_question, question_dict
from tests.web.test_review import (
    _answer,
    app_config,  # noqa: F401  (the fixed clock of the review tests)
    learner,  # noqa: F401
    objective_card,
    page_of,
    question,
    review_logs,
)


def test_the_same_question_and_layout_reuse_one_form_class(app, deck_course):
    shown = question_dict(question("l1-q1"))
    layout = list(range(len(shown["choices"])))
    with app.test_request_context():
        first = answer_parsing.build_answer_form(shown, layout, formdata=None)
        again = answer_parsing.build_answer_form(copy.deepcopy(shown), layout, formdata=None)
        reordered = answer_parsing.build_answer_form(shown, layout[::-1], formdata=None)
        edited = copy.deepcopy(shown)
        edited["choices"][0]["text"] = "Una opción reescrita"
        rewritten = answer_parsing.build_answer_form(edited, layout, formdata=None)
    assert type(first) is type(again)
    assert type(reordered) is not type(first)
    assert type(rewritten) is not type(first)
    labels = [str(choice.label) for choice in rewritten.answer.iter_choices()]
    assert "Una opción reescrita" in labels


def test_a_question_edited_since_the_card_was_shown_shows_its_new_choices(client, learner):  # noqa: F811
    card = objective_card(learner, "l1-q1")
    before = page_of(client.get("/review"))  # the form class made and kept
    row = question("l1-q1")
    edited = copy.deepcopy(question_dict(row))  # row.data is not mutated
    edited["choices"][0]["text"] = "Una opción reescrita"
    wrong = next(choice for choice in edited["choices"] if not choice["correct"])
    edited["choices"].append({**wrong, "text": "Una opción nueva"})
    assert apply_question(row, edited)
    db.session.commit()
    page = page_of(client.get("/review"))
    assert "Una opción reescrita" in page
    assert "Una opción nueva" in page
    # The new option (its place is the last one shown or earlier) is accepted when posted.
    places = len(edited["choices"])
    response = _answer(client, card.id, page, 0, {"answer": str(places - 1)})
    assert response.status_code == 200, response.status_code
    assert "invalid-feedback" not in page_of(response)
    assert len(review_logs()) == 1
    assert "Una opción reescrita" not in before


_CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+')


@pytest.mark.parametrize("external_id", ["l1-q1", "l1-matching", "l1-cloze", "l1-short_answer"])
def test_a_card_shown_again_builds_no_form_and_shows_the_fields_a_form_renders(
    app,
    client,
    learner,  # noqa: F811
    monkeypatch,
    external_id,
):
    """The GET's answer fields are kept by the question, layout and language: shown again,
    the page builds no form, and its fields are the ones a form built afresh renders."""
    card = objective_card(learner, external_id)
    client.get("/")  # the login's flashed message shown
    first = page_of(client.get("/review"))
    built = []
    build = answer_parsing.build_answer_form
    monkeypatch.setattr(
        answer_parsing, "build_answer_form", lambda *a, **kw: built.append(a) or build(*a, **kw)
    )
    again = page_of(client.get("/review"))
    assert built == []
    assert _CSRF_VALUE.sub(r"\1", again) == _CSRF_VALUE.sub(r"\1", first)
    shown = question_dict(card.question)
    language = re.search(r'<html lang="(\w+)"', again).group(1)
    with app.test_request_context(headers={"Accept-Language": language}):
        layout = answer_parsing.answer_layout(shown, card.id, card.reps)
        form = build(shown, layout, formdata=None)
        fields = str(answer_parsing.bound_fields_html(form, shown, layout))
    assert 'name="answer' in fields
    assert fields in again
