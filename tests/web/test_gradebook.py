"""The course gradebook (learners × lessons: grade, attempts, state), its group filter
and its formula-safe CSV; and regrading a question from the pages: the preview, the same
changes applied, the old score in the attempt's log."""

import copy
import csv
import io

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question, User
from quizapp.models.types import utcnow
from quizapp.services import course_groups, memberships, quiz_submission, quizzes
from quizapp.services.question_store import apply_question, question_dict
from tests.conftest import csrf_token_from
from tests.factories import add_essay, essay_responses, make_course

BOOK = "/instructor/courses/libro/gradebook"


@pytest.fixture
def course(app):
    course = make_course(db.session, slug="libro", lessons=2, questions_per_lesson=2)
    add_essay(db.session, course.lessons[1])
    db.session.commit()
    return course


def _learner(make_user, enrol, name: str) -> User:
    user = make_user()
    user.display_name = name
    enrol(user, "libro")
    return user


def _submit(user, lesson, right=True, essay=True):
    attempt = quizzes.start_attempt(db.session, user.id, lesson, utcnow())
    responses = {
        a.id: 0 if right else 1 for a in attempt.answers if a.question.type == "single_choice"
    }
    if essay:
        responses |= essay_responses(attempt)
    quiz_submission.submit_attempt(db.session, attempt, responses, utcnow())
    db.session.commit()
    return attempt


@pytest.fixture
def classroom(course, make_user, enrol):
    """ana (Mañana): lesson 1 right, lesson 2 with an essay pending; beto (Tarde): lesson 1
    in progress; a formula-looking name: lesson 1 wrong; an assistant and a removed learner
    with attempts, who are not in the gradebook."""
    first, second = course.lessons
    ana = _learner(make_user, enrol, "Ana")
    beto = _learner(make_user, enrol, "Beto")
    tricky = _learner(make_user, enrol, '=HYPERLINK("http://x")')
    _submit(ana, first)
    _submit(ana, second)
    quizzes.start_attempt(db.session, beto.id, first, utcnow())
    _submit(tricky, first, right=False)
    assistant = make_user()
    enrol(assistant, "libro", role="assistant")
    _submit(assistant, first)
    gone = _learner(make_user, enrol, "Gone")
    _submit(gone, first)
    memberships.remove_member(db.session, course, gone.id, utcnow())
    morning = course_groups.create_group(db.session, course, "Mañana")
    evening = course_groups.create_group(db.session, course, "Tarde")
    course_groups.set_learner_group(db.session, course, ana.id, morning.id)
    course_groups.set_learner_group(db.session, course, beto.id, evening.id)
    db.session.commit()
    return {"ana": ana, "beto": beto, "tricky": tricky, "morning": morning, "evening": evening}


@pytest.fixture
def instructor(client, login_as, course):
    return login_as("instructor")


def _csv(client, query="") -> list[dict]:
    response = client.get(f"{BOOK}.csv{query}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="libro-gradebook.csv"'
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_gradebook_has_each_learner_s_grade_attempts_and_state(client, classroom, instructor):
    rows = {row["name"]: row for row in _csv(client)}
    assert set(rows) == {"Ana", "Beto", '\'=HYPERLINK("http://x")'}  # no staff, no removed
    ana, beto = rows["Ana"], rows["Beto"]
    assert (ana["lesson_1_grade"], ana["lesson_1_attempts"], ana["lesson_1_state"]) == (
        "1.0",
        "1",
        "graded",
    )
    # Lesson 2: its two choices right, the essay pending: no grade yet, rather than the
    # attempt's floor score (0.6667, the essay counted 0) read as a grade.
    assert (ana["lesson_2_grade"], ana["lesson_2_state"]) == ("", "pending_grading")
    assert (beto["lesson_1_grade"], beto["lesson_1_attempts"], beto["lesson_1_state"]) == (
        "",
        "0",
        "in_progress",
    )
    assert beto["lesson_2_state"] == "not_started"
    assert ana["group"] == "Mañana"
    page = client.get(BOOK).get_data(as_text=True)
    assert "pending grading" in page
    assert "Gone" not in page


def test_a_formula_in_a_name_is_written_as_text(client, classroom, instructor):
    raw = client.get(f"{BOOK}.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in raw
    assert ",=HYPERLINK" not in raw


def test_a_group_narrows_the_gradebook_and_its_csv(client, classroom, instructor):
    morning = classroom["morning"].id
    assert [row["name"] for row in _csv(client, f"?group={morning}")] == ["Ana"]
    page = client.get(f"{BOOK}?group={classroom['evening'].id}").get_data(as_text=True)
    assert "Beto" in page
    assert "Ana" not in page
    assert client.get(f"{BOOK}?group=999999").status_code == 404


def test_regrading_from_the_pages_previews_then_applies_and_logs(
    client, auth, make_user, enrol, course, instructor
):
    learner = _learner(make_user, enrol, "Lola")
    attempt = _submit(learner, course.lessons[0], right=False)
    row = db.session.scalar(sa.select(Question).where(Question.external_id == "l1-q1"))
    changed = copy.deepcopy(question_dict(row))
    for position, choice in enumerate(changed["choices"]):
        choice["correct"] = position == 1  # the instructor fixes the key
    apply_question(row, changed)
    db.session.commit()
    url = f"/instructor/questions/{row.id}/regrade"
    preview = client.get(url).get_data(as_text=True)
    assert "1 attempt would change" in preview
    assert "0 % → 50 %" in preview
    done = client.post(url, data={"csrf_token": csrf_token_from(preview), "version": "2"})
    assert done.status_code == 302
    assert "Regrading would change nothing" in client.get(url).get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.score == pytest.approx(0.5)
    auth.logout()
    auth.login(learner.email)
    result = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Regrade log" in result
    assert "the attempt’s score went from 0 % to 50 %" in result


def test_a_stale_preview_is_not_applied(client, course, instructor, make_user, enrol):
    _submit(_learner(make_user, enrol, "Lola"), course.lessons[0], right=False)
    row = db.session.scalar(sa.select(Question).where(Question.external_id == "l1-q1"))
    url = f"/instructor/questions/{row.id}/regrade"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "version": "7"})
    assert response.status_code == 302
    assert "The question changed since the preview" in client.get(url).get_data(as_text=True)


def test_the_grade_follows_the_lesson_s_grading_method(
    client, course, instructor, make_user, enrol
):
    first = course.lessons[0]
    first.quiz_grading = "last"
    db.session.commit()
    learner = _learner(make_user, enrol, "Lola")
    _submit(learner, first, right=True)
    _submit(learner, first, right=False)
    (row,) = _csv(client)
    assert (row["lesson_1_grade"], row["lesson_1_attempts"]) == ("0.0", "2")
