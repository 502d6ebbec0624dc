"""The drafts and coverage pages through the web client: staff only, CSRF on every form."""

import re

import pytest
import sqlalchemy as sa

from quizapp.domain.questions.registry import is_gradable, validate_question
from quizapp.extensions import db
from quizapp.models import Attempt, Question
from quizapp.services import catalog
from quizapp.services.drafting import DraftEdits, DraftError, edited_question, lesson_drafts
from quizapp.services.question_store import question_dict
from tests.conftest import csrf_token_from
from tests.quiz_answers import attempt_id_from, quiz_post, start_quiz

LESSON = "/instructor/courses/curso-flask/lessons/clase-3-que-es-flask"
QUIZ = "/courses/curso-flask/clase-3-que-es-flask/quiz"


@pytest.fixture
def staff(client, login_as, bundled_course):
    login_as("instructor")
    return client


def _lesson():
    return catalog.find_lesson(db.session, "curso-flask", "clase-3-que-es-flask")


def _draft_ids(html: str) -> list[str]:
    return re.findall(r'<div class="card mb-3" id="(draft-3-[0-9a-f]{8})"', html)


def _question(external_id: str) -> Question | None:
    return db.session.scalar(sa.select(Question).where(Question.external_id == external_id))


@pytest.mark.parametrize("path", [f"{LESSON}/coverage", f"{LESSON}/drafts"])
def test_learners_get_403_and_visitors_log_in(client, auth, make_user, bundled_course, enrol, path):
    assert client.get(path).status_code == 302
    learner = make_user()
    enrol(learner)
    auth.login(learner.email)
    assert client.get(path).status_code == 403
    draft_id = lesson_drafts(db.session, _lesson())[0].id
    token = csrf_token_from(client.get("/").get_data(as_text=True))  # the logout form's
    for action in ("accept", "discard"):
        response = client.post(f"{LESSON}/drafts/{draft_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403


def test_coverage_shows_sections_counts_and_flags_an_uncovered_one(staff):
    lesson = _lesson()
    lesson.body_md += "\n\n### Sección nueva\n\nTodavía sin preguntas.\n"
    db.session.commit()
    html = staff.get(f"{LESSON}/coverage").get_data(as_text=True)
    assert "Flask frente a Django" in html
    assert 'data-section="flask-frente-a-django"' in html
    row = html.split('data-section="seccion-nueva"', 1)[1].split("</tr>", 1)[0]
    assert "Uncovered" in row
    assert "1 section has no questions yet." in html


def test_drafts_page_shows_the_lesson_beside_its_drafts(staff):
    response = staff.get(f"{LESSON}/drafts")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="flask-frente-a-django"' in html  # the lesson, with heading anchors
    ids = _draft_ids(html)
    assert ids
    assert len(ids) == len(set(ids))
    assert 'href="#flask-frente-a-django"' in html


def test_accepting_a_draft_creates_the_question_and_it_disappears(staff):
    html = staff.get(f"{LESSON}/drafts").get_data(as_text=True)
    draft_id = _draft_ids(html)[0]
    response = staff.post(
        f"{LESSON}/drafts/{draft_id}/accept",
        data={"csrf_token": csrf_token_from(html), "prompt": "", "answer": "", "discarded": ""},
    )
    assert response.status_code == 302
    row = _question(draft_id)
    assert row is not None
    assert row.lesson_id == _lesson().id
    assert row.retired_at is None
    assert validate_question(question_dict(row)) == []
    after = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert draft_id not in _draft_ids(after)


def test_accepting_with_edits_saves_the_edited_prompt_and_answer(staff):
    draft = next(
        d for d in lesson_drafts(db.session, _lesson()) if d.question["type"] == "flashcard"
    )
    html = staff.get(f"{LESSON}/drafts").get_data(as_text=True)
    staff.post(
        f"{LESSON}/drafts/{draft.id}/accept",
        data={
            "csrf_token": csrf_token_from(html),
            "prompt": "¿Qué es Flask, en pocas palabras?",
            "answer": "Un microframework de Python.",
            "discarded": "",
        },
    )
    row = _question(draft.id)
    assert row.prompt_md == "¿Qué es Flask, en pocas palabras?"
    assert row.data["back"] == "Un microframework de Python."
    assert row.section == draft.section


def test_an_invalid_edit_is_reported_and_nothing_is_saved(staff):
    draft = next(d for d in lesson_drafts(db.session, _lesson()) if d.question["type"] == "cloze")
    html = staff.get(f"{LESSON}/drafts").get_data(as_text=True)
    response = staff.post(
        f"{LESSON}/drafts/{draft.id}/accept",
        data={
            "csrf_token": csrf_token_from(html),
            "prompt": "Sin huecos.",
            "answer": "",
            "discarded": "",
        },
    )
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "The draft was not saved" in page
    assert _question(draft.id) is None


def test_posts_without_the_csrf_token_are_refused(staff):
    draft_id = _draft_ids(staff.get(f"{LESSON}/drafts").get_data(as_text=True))[0]
    for action in ("accept", "discard"):
        response = staff.post(f"{LESSON}/drafts/{draft_id}/{action}", data={"discarded": ""})
        assert response.status_code == 400
    assert _question(draft_id) is None


def test_discarding_hides_a_draft_for_this_page_view(staff):
    html = staff.get(f"{LESSON}/drafts").get_data(as_text=True)
    first, second = _draft_ids(html)[:2]
    token = csrf_token_from(html)
    response = staff.post(
        f"{LESSON}/drafts/{first}/discard", data={"csrf_token": token, "discarded": ""}
    )
    assert response.status_code == 302
    page = staff.get(response.headers["Location"])
    ids = _draft_ids(page.get_data(as_text=True))
    assert first not in ids
    assert second in ids
    # The next discard keeps the first one hidden too; nothing is written to the database.
    response = staff.post(
        f"{LESSON}/drafts/{second}/discard", data={"csrf_token": token, "discarded": first}
    )
    ids = _draft_ids(staff.get(response.headers["Location"]).get_data(as_text=True))
    assert first not in ids
    assert second not in ids
    assert _question(first) is None
    assert staff.get(f"{LESSON}/drafts").get_data(as_text=True).count(first) >= 1


def test_unknown_lessons_are_404(staff):
    assert staff.get("/instructor/courses/curso-flask/lessons/nope/drafts").status_code == 404
    assert staff.get("/instructor/courses/nope/lessons/x/coverage").status_code == 404


@pytest.mark.parametrize(
    ("kind", "answer", "check"),
    [
        ("true_false", "verdadero", lambda q: q["answer"] is True),
        ("numeric", "3,5", lambda q: q["answers"][0]["value"] == 3.5),
        (
            "cloze",
            "Jinja | Django",
            lambda q: [b["answers"] for b in q["blanks"]] == [["Jinja"], ["Django"]],
        ),
    ],
)
def test_edited_answers_are_read_per_type(kind, answer, check):
    questions = {
        "true_false": {"type": "true_false", "prompt": "p", "answer": False},
        "numeric": {"type": "numeric", "prompt": "p", "answers": [{"value": 3.0}]},
        "cloze": {
            "type": "cloze",
            "prompt": "p",
            "text": "{{1}} y {{2}}",
            "blanks": [{"answers": ["a"]}, {"answers": ["b"]}],
        },
    }
    assert check(edited_question(questions[kind], DraftEdits(answer=answer)))


@pytest.mark.parametrize(("kind", "answer"), [("true_false", "quizá"), ("numeric", "tres")])
def test_unreadable_edited_answers_raise(kind, answer):
    question = {
        "true_false": {"type": "true_false", "prompt": "p", "answer": False},
        "numeric": {"type": "numeric", "prompt": "p", "answers": [{"value": 3.0}]},
    }
    with pytest.raises(DraftError):
        edited_question(question[kind], DraftEdits(answer=answer))


def test_an_accepted_draft_is_in_the_next_quiz_and_links_to_its_section(
    client, auth, make_user, bundled_course
):
    auth.login(make_user("instructor").email)
    draft = next(
        d
        for d in lesson_drafts(db.session, _lesson())
        if is_gradable(d.question["type"]) and d.section != "clase-3-que-es-flask"
    )
    html = client.get(f"{LESSON}/drafts").get_data(as_text=True)
    assert draft.id in _draft_ids(html)
    response = client.post(
        f"{LESSON}/drafts/{draft.id}/accept",
        data={"csrf_token": csrf_token_from(html), "prompt": "", "answer": "", "discarded": ""},
    )
    assert response.status_code == 302
    question_id = _question(draft.id).id
    auth.logout()

    learner = make_user()
    auth.login(learner.email)
    page = start_quiz(client, QUIZ).get_data(as_text=True)
    attempt_id = attempt_id_from(page)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.user_id == learner.id
    answer = next(a for a in attempt.answers if a.question_id == question_id)
    # Answered wrong on purpose: the results page then sends the learner back to the section.
    client.post(QUIZ, data=quiz_post(attempt_id, csrf_token_from(page), wrong={answer.position}))
    results = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    items = results.split('<li class="card mb-3 ')[1:]
    assert len(items) == len(attempt.answers)
    mine = items[answer.position]
    assert "border-danger" in mine
    link = f'href="/courses/curso-flask/clase-3-que-es-flask#{draft.section}"'
    assert link in mine
    lesson_page = client.get("/courses/curso-flask/clase-3-que-es-flask").get_data(as_text=True)
    assert f'id="{draft.section}"' in lesson_page
