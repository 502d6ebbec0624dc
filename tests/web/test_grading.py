"""An essay graded by hand through the pages: the learner writes it (within its word
limit, under a description that is shown but not counted), the result reads "pending",
staff grade it from the queue, and the learner reads the grade and the comment."""

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt
from tests.conftest import csrf_token_from
from tests.quiz_answers import attempt_id_from, quiz_post, start_quiz

QUIZ = "/courses/ensayos/clase-1/quiz"
QUEUE = "/instructor/courses/ensayos/grading"


@pytest.fixture
def course(essay_course):
    return essay_course


@pytest.fixture
def learner(client, auth, make_user, enrol, course):
    user = make_user()
    enrol(user, course.slug)
    auth.login(user.email)
    return user


def _open_quiz(client) -> tuple[int, str, str]:
    page = start_quiz(client, QUIZ).get_data(as_text=True)
    attempt_id = attempt_id_from(page)
    return attempt_id, csrf_token_from(page), page


def _essay_field(attempt_id: int) -> str:
    attempt = db.session.get(Attempt, attempt_id)
    return next(f"q{a.id}" for a in attempt.answers if a.question.type == "essay")


def _score_line(page: str) -> str:
    return " ".join(re.search(r'id="score">(.*?)</p>', page, re.S).group(1).split())


def _submit(client) -> int:
    attempt_id, token, _page = _open_quiz(client)
    response = client.post(QUIZ, data=quiz_post(attempt_id, token))
    assert response.headers["Location"] == f"/attempts/{attempt_id}"
    return attempt_id


def test_the_quiz_shows_the_description_and_an_essay_box_with_its_template(client, learner):
    _attempt_id, _token, page = _open_quiz(client)
    assert "Una tienda." in page  # the description, shown in its place
    assert "Question 1 of 2" in page
    assert "Question 3 of" not in page  # descriptions are not numbered or counted
    assert "2 questions." in page
    assert re.search(r"<textarea[^>]*>\s*Flask es</textarea>", page)  # the template
    assert "At most 20 words." in page
    assert "Núcleo pequeño" not in page  # the grader's notes stay with graders


def test_an_essay_over_its_word_limit_is_refused_and_nothing_is_stored(client, learner):
    attempt_id, token, _page = _open_quiz(client)
    data = quiz_post(attempt_id, token)
    data[_essay_field(attempt_id)] = " ".join(["palabra"] * 21)
    page = client.post(QUIZ, data=data).get_data(as_text=True)
    assert "Your answer has 21 words; the limit is 20." in page
    assert db.session.get(Attempt, attempt_id).submitted_at is None


def test_the_result_reads_pending_until_the_essay_is_graded(client, learner):
    attempt_id = _submit(client)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert _score_line(page) == (
        "Score: pending — 1 answer awaits a grade by hand (50 % so far, counting it as 0)"
    )
    assert "Pending: awaiting a grade by hand" in page
    assert "Una tienda." in page  # the description is shown, not scored


def test_staff_grade_from_the_queue_and_the_learner_sees_grade_and_comment(
    client, auth, make_user, enrol, learner
):
    attempt_id = _submit(client)
    assistant = make_user()
    from tests.conftest import AuthActions

    del AuthActions
    auth.logout()
    from quizapp.models.types import utcnow
    from quizapp.services import catalog, memberships

    memberships.set_member(
        db.session, catalog.find_course(db.session, "ensayos"), assistant, "assistant", utcnow()
    )
    db.session.commit()
    auth.login(assistant.email)
    queue = client.get(QUEUE).get_data(as_text=True)
    answer_id = db.session.scalar(sa.select(Answer.id).where(Answer.awaiting_grade.is_(True)))
    grade_url = f"{QUEUE}/answers/{answer_id}"
    assert grade_url in queue
    form = client.get(grade_url).get_data(as_text=True)
    assert "Núcleo pequeño y extensiones." in form  # the notes, for graders
    assert "Flask trae lo mínimo y se extiende." in form  # the learner's answer
    refused = client.post(grade_url, data={"csrf_token": csrf_token_from(form), "score": "1.5"})
    assert refused.status_code == 200
    assert "Give a grade from 0 to 1." in refused.get_data(as_text=True)
    done = client.post(
        grade_url,
        data={"csrf_token": csrf_token_from(form), "score": "0,8", "comment": "Falta *Werkzeug*."},
    )
    assert done.status_code == 302
    assert "Nothing awaits a grade." in client.get(QUEUE).get_data(as_text=True)

    auth.logout()
    auth.login(learner.email)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Graded: 80 %" in page
    assert "Falta <em>Werkzeug</em>." in page
    assert _score_line(page) == "Score: 90 % (1 of 2 right)"
