"""Results come from what was answered: after an instructor flips a key (and rewrites the
explanation), a learner's results page and the API's result still say what they said at
submission, consistent with the stored score; never "Wrong — your answer: True — right
answer: True"."""

import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question
from quizapp.services.question_store import apply_question, question_dict
from tests.conftest import PASSWORD
from tests.quiz_answers import take_quiz

QUIZ = "/courses/curso-flask/clase-3-que-es-flask/quiz"
NEW_EXPLANATION = "Explicación reescrita después del intento."


def _flip_a_true_false_key(attempt_id: int) -> tuple[Answer, bool]:
    """Flips the key of one true/false question of the attempt; returns it and the old key."""
    answer = db.session.scalar(
        sa.select(Answer)
        .join(Answer.question)
        .where(Answer.attempt_id == attempt_id, Question.type == "true_false")
        .limit(1)
    )
    question = question_dict(answer.question)
    old_key = question["answer"]
    assert apply_question(
        answer.question, question | {"answer": not old_key, "explanation": NEW_EXPLANATION}
    )
    db.session.commit()
    return answer, old_key


def _result_card(page: str, position: int) -> str:
    # Up to the card's end: the last card is followed by the page's forms (a fresh CSRF
    # token each time), which are no part of the result.
    return page.split('<li class="card mb-3 ')[1:][position].split("</li>")[0]


def test_a_key_changed_after_submission_leaves_the_results_as_they_were(
    client, login_as, bundled_course
):
    learner = login_as("learner")
    attempt_id = take_quiz(client, QUIZ)
    before = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)

    answer, old_key = _flip_a_true_false_key(attempt_id)
    after = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)

    assert db.session.get(Attempt, attempt_id).score == 1.0
    card = _result_card(after, answer.position)
    assert card == _result_card(before, answer.position)
    assert "border-success" in card
    assert "Wrong" not in card
    said = "True" if old_key else "False"
    assert re.findall(r"<dd[^>]*>(.*?)</dd>", card, re.S) == [said, said]  # yours, right
    assert NEW_EXPLANATION not in after

    # The API's result (a repeated submit returns the stored one) says the same.
    token = client.post(
        "/api/v1/tokens", json={"email": learner.email, "password": PASSWORD}
    ).get_json()["token"]
    result = client.post(
        f"/api/v1/attempts/{attempt_id}/submit",
        json={"answers": []},
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    item = next(a for a in result["answers"] if a["answer_id"] == answer.id)
    assert item["correct"] is True
    assert item["score"] == 1.0
    assert item["response"] is old_key
    assert item["right_answer"] == said
    assert item["explanation"] != NEW_EXPLANATION
    assert result["score"] == 1.0


def test_answers_submitted_before_the_record_fall_back_to_the_current_question(
    client, login_as, bundled_course
):
    login_as("learner")
    attempt_id = take_quiz(client, QUIZ)
    # As migrated answers are: no record of their grading.
    db.session.execute(sa.update(Answer).where(Answer.attempt_id == attempt_id).values(graded=None))
    db.session.commit()
    response = client.get(f"/attempts/{attempt_id}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('<li class="card mb-3 ') == len(
        db.session.get(Attempt, attempt_id).answers
    )
