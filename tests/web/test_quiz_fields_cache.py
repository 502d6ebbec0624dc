"""The quiz page keeps each question's rendered answer fields per worker
(answering.fields.rendered_fields): a reload shows what was saved since, in the language
chosen since, and a field with an error is rendered with it."""

import copy
import re

from quizapp.answering import fields
from quizapp.extensions import db
from quizapp.learn import forms
from quizapp.models import Attempt
from quizapp.services.question_store import apply_question, question_dict
from tests.conftest import csrf_token_from

LESSON = "/courses/curso-flask/clase-3-que-es-flask"


def _start(client, auth, make_user) -> tuple[Attempt, str]:
    auth.login(make_user().email)
    token = csrf_token_from(client.get(f"{LESSON}/quiz").get_data(as_text=True))
    client.post(f"{LESSON}/quiz/new", data={"csrf_token": token})
    return db.session.query(Attempt).one(), token


def _true_false(attempt: Attempt):
    return next(a for a in attempt.answers if a.question.type == "true_false")


def _inputs(page: str, answer_id: int) -> list[str]:
    return re.findall(rf'<input[^>]*name="q{answer_id}"[^>]*>', page)


def test_a_reload_shows_the_answer_saved_since_the_last_rendering(
    client, auth, make_user, bundled_course
):
    attempt, token = _start(client, auth, make_user)
    answer = _true_false(attempt)
    first = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    assert ["checked" in field for field in _inputs(first, answer.id)] == [False, False]
    for value, shown in (("false", [False, True]), ("true", [True, False])):
        saved = client.post(
            f"{LESSON}/quiz/answers",
            data={"csrf_token": token, "question": str(answer.id), f"q{answer.id}": value},
        )
        assert saved.status_code == 200
        page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
        assert ["checked" in field for field in _inputs(page, answer.id)] == shown


def test_the_fields_follow_the_language_chosen_since(client, auth, make_user, bundled_course):
    attempt, token = _start(client, auth, make_user)
    answer = _true_false(attempt)
    client.post("/lang/es", data={"csrf_token": token, "next": f"{LESSON}/quiz"})
    spanish = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": token, "next": f"{LESSON}/quiz"})
    english = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    label = rf'<label class="form-check-label" for="q{answer.id}-0">([^<]*)</label>'
    assert re.search(label, spanish).group(1) == "Verdadero"
    assert re.search(label, english).group(1) == "True"


def test_a_field_with_an_error_is_shown_with_it(client, auth, make_user, bundled_course):
    attempt, token = _start(client, auth, make_user)
    numeric = next(a for a in attempt.answers if a.question.type == "numeric")
    client.get(f"{LESSON}/quiz")  # rendered once without the error
    refused = client.post(
        f"{LESSON}/quiz",
        data={"csrf_token": token, "attempt_id": str(attempt.id), f"q{numeric.id}": "lots"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert f'id="q{numeric.id}-errors"' in page
    assert "Enter a number" in page or "Escribe un número" in page


def test_a_question_edited_during_the_attempt_shows_its_new_choices(
    client, auth, make_user, bundled_course
):
    """The form class is kept per worker (learn.forms._form_class) by the questions'
    content hash and version: an edit made after the page was shown is shown on reload."""
    attempt, _token = _start(client, auth, make_user)
    answer = next(a for a in attempt.answers if a.question.type == "single_choice")
    client.get(f"{LESSON}/quiz")  # the form class made and kept
    question = copy.deepcopy(question_dict(answer.question))  # row.data is not mutated
    question["choices"][0]["text"] = "Una opción reescrita"
    assert apply_question(answer.question, question)
    db.session.commit()
    page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    assert "Una opción reescrita" in page


def test_the_form_messages_follow_the_language_chosen_since(
    client, auth, make_user, bundled_course
):
    """WTForms' own messages come from a per-worker catalog per language
    (quizapp.forms_base.wtforms_messages)."""
    attempt, token = _start(client, auth, make_user)
    answer = next(a for a in attempt.answers if a.question.type == "single_choice")
    posted = {"csrf_token": token, "attempt_id": str(attempt.id), f"q{answer.id}": "99"}
    shown = {}
    for code in ("es", "en", "es"):
        client.post("/lang/" + code, data={"csrf_token": token, "next": f"{LESSON}/quiz"})
        refused = client.post(f"{LESSON}/quiz", data=posted)
        assert refused.status_code == 200
        shown.setdefault(code, []).append(refused.get_data(as_text=True))
    assert all("Opción inválida." in page for page in shown["es"])
    assert "Not a valid choice." in shown["en"][0]
    assert "Opción inválida." not in shown["en"][0]


def _without_tokens(page: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", page)


def test_a_reload_binds_no_form_and_shows_what_a_bound_form_shows(
    client, auth, make_user, bundled_course, monkeypatch
):
    """A GET shows the saved answers from the attempt's rows: the form is built only for
    fields whose HTML is not kept yet, and what it shows is the same either way."""
    attempt, token = _start(client, auth, make_user)
    answer = _true_false(attempt)
    client.post(
        f"{LESSON}/quiz/answers",
        data={"csrf_token": token, "question": str(answer.id), f"q{answer.id}": "false"},
    )
    fields._rendered_fields._values.clear()
    built = client.get(f"{LESSON}/quiz").get_data(as_text=True)

    def no_form(*_args, **_kwargs):
        raise AssertionError("a GET whose fields are kept built the quiz form")

    monkeypatch.setattr(forms, "build_quiz_form", no_form)
    kept = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    assert _without_tokens(kept) == _without_tokens(built)
    assert ["checked" in field for field in _inputs(kept, answer.id)] == [False, True]
