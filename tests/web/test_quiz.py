"""Taking a lesson quiz in the browser's shoes: start, answer, submit once, results."""

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Card, Lesson, Question
from tests.conftest import csrf_token_from
from tests.quiz_answers import attempt_id_from, open_quiz, quiz_post, start_quiz

QUIZ = "/courses/curso-flask/clase-3-que-es-flask/quiz"


@pytest.fixture
def learner(client, login_as, bundled_course):
    return login_as("learner")


def _a_single_choice_answer(attempt_id: int) -> Answer:
    return db.session.scalar(
        sa.select(Answer)
        .join(Answer.question)
        .where(Answer.attempt_id == attempt_id, Question.type == "single_choice")
        .limit(1)
    )


def test_the_quiz_page_needs_a_login(client, bundled_course):
    response = client.get(QUIZ)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_all_right_answers_score_full_marks(client, learner):
    attempt_id, token = open_quiz(client, QUIZ)
    response = client.post(QUIZ, data=quiz_post(attempt_id, token))
    assert response.headers["Location"] == f"/attempts/{attempt_id}"
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score == pytest.approx(1.0)
    assert all(answer.is_correct for answer in attempt.answers)


def test_wrong_answers_show_the_right_answer_and_explanation(client, learner):
    attempt_id, token = open_quiz(client, QUIZ)
    client.post(QUIZ, data=quiz_post(attempt_id, token, wrong={0, 1}))
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score < 1.0
    wrong = [a for a in attempt.answers if not a.is_correct]
    assert {a.position for a in wrong} == {0, 1}
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert page.count("Wrong") + page.count("Partly right") >= 2
    assert "Right answer" in page
    assert "Explanation" in page


def test_a_double_submit_grades_once(client, learner):
    attempt_id, token = open_quiz(client, QUIZ)
    data = quiz_post(attempt_id, token)
    first = client.post(QUIZ, data=data)
    second = client.post(QUIZ, data=quiz_post(attempt_id, token, wrong={0}) | {})
    assert first.headers["Location"] == second.headers["Location"]
    answers = db.session.scalars(sa.select(Answer).where(Answer.attempt_id == attempt_id)).all()
    assert all(answer.is_correct for answer in answers)
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


def test_a_tampered_choice_is_a_form_error_not_a_500(client, learner):
    attempt_id, token = open_quiz(client, QUIZ)
    data = quiz_post(attempt_id, token)
    single = _a_single_choice_answer(attempt_id)
    data[f"q{single.id}"] = "99"
    response = client.post(QUIZ, data=data)
    assert response.status_code == 200
    assert "invalid" in response.get_data(as_text=True)
    assert db.session.get(Attempt, attempt_id).submitted_at is None


def test_a_missing_answer_asks_for_a_confirmation_listing_it(client, learner):
    attempt_id, token = open_quiz(client, QUIZ)
    data = quiz_post(attempt_id, token)
    single = _a_single_choice_answer(attempt_id)
    del data[f"q{single.id}"]
    response = client.post(QUIZ, data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This question is not answered:" in page
    assert f'href="#question-{single.position + 1}"' in page
    assert db.session.get(Attempt, attempt_id).submitted_at is None
    confirmed = client.post(QUIZ, data=data | {"confirm_unanswered": "y"})
    assert confirmed.headers["Location"] == f"/attempts/{attempt_id}"
    db.session.expire_all()
    assert db.session.get(Answer, single.id).score == 0
    result = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Not answered" in result


def test_reloading_the_quiz_keeps_the_same_attempt_and_order(client, learner):
    first = start_quiz(client, QUIZ).get_data(as_text=True)
    second = client.get(QUIZ).get_data(as_text=True)
    names = re.findall(r'name="(q\d+(?:_\d+)?)"', first)
    assert names == re.findall(r'name="(q\d+(?:_\d+)?)"', second)
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


def test_another_learners_attempt_is_404(client, auth, learner, make_user):
    attempt_id, token = open_quiz(client, QUIZ)
    client.post(QUIZ, data=quiz_post(attempt_id, token))
    auth.logout()
    auth.login(make_user().email)
    assert client.get(f"/attempts/{attempt_id}").status_code == 404


def test_retake_keeps_best_and_last_scores(client, learner):
    attempt_id, token = open_quiz(client, QUIZ)
    client.post(QUIZ, data=quiz_post(attempt_id, token))
    second_id, token = open_quiz(client, QUIZ)
    assert second_id != attempt_id
    client.post(QUIZ, data=quiz_post(second_id, token, wrong={0, 1, 2}))
    lesson_page = client.get("/courses/curso-flask/clase-3-que-es-flask").get_data(as_text=True)
    assert "100 %" in lesson_page  # best
    assert db.session.get(Attempt, second_id).number == 2


def test_quiz_answers_become_cards(client, learner):
    attempt_id, token = open_quiz(client, QUIZ)
    client.post(QUIZ, data=quiz_post(attempt_id, token, wrong={0}))
    attempt = db.session.get(Attempt, attempt_id)
    cards = db.session.scalars(sa.select(Card).where(Card.user_id == learner.id)).all()
    quiz_cards = {card.question_id for card in cards}
    assert {answer.question_id for answer in attempt.answers} <= quiz_cards


def test_the_course_page_and_the_quiz_count_the_same_questions(client, learner):
    """Flashcards are never asked in the quiz: the course page counts them apart."""
    quiz_count = start_quiz(client, QUIZ).get_data(as_text=True).count('<li class="card mb-3"')
    flashcards = db.session.scalar(
        sa.select(sa.func.count(Question.id))
        .join(Question.lesson)
        .where(Lesson.slug == "clase-3-que-es-flask", Question.type == "flashcard")
    )
    assert quiz_count > 0
    assert flashcards > 0
    course = client.get("/courses/curso-flask").get_data(as_text=True)
    lesson_row = course.split('href="/courses/curso-flask/clase-3-que-es-flask"')[1].split("</li>")[
        0
    ]
    assert f"{quiz_count} quiz questions" in lesson_row
    assert f"{flashcards} flashcards" in lesson_row
    lesson_page = client.get("/courses/curso-flask/clase-3-que-es-flask").get_data(as_text=True)
    assert f"{quiz_count} quiz questions" in lesson_page


def test_back_after_submitting_shows_the_result_link_and_starts_nothing(client, learner):
    first = start_quiz(client, QUIZ)
    assert first.headers["Cache-Control"] == "no-store"  # Back asks the server again
    page = first.get_data(as_text=True)
    attempt_id = attempt_id_from(page)
    client.post(QUIZ, data=quiz_post(attempt_id, csrf_token_from(page)))
    back = client.get(QUIZ).get_data(as_text=True)
    assert "You have no attempt of this quiz in progress." in back
    assert f'href="/attempts/{attempt_id}"' in back
    assert 'action="/courses/curso-flask/clase-3-que-es-flask/quiz/new"' in back
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


def test_opening_the_lesson_and_the_quiz_page_start_nothing(client, learner):
    client.get("/courses/curso-flask/clase-3-que-es-flask")
    client.get(QUIZ)
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Card.id))) == 0
    start_quiz(client, QUIZ)  # the one moment: the attempt and the lesson's flashcards
    flashcards = db.session.scalar(
        sa.select(sa.func.count(Card.id)).join(Card.question).where(Question.type == "flashcard")
    )
    assert flashcards > 0
