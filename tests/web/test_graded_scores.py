"""Scores under the review options and grades waiting on a hand grade, everywhere a
learner reads them (SPEC §12, issue #17), with a fixed clock: a hidden score stays off the
lesson page, the quiz start page, the learner dashboard and the API until the options
show it (staff see it all along); a lesson grade that waits on an essay reads "pending",
not the attempt's floor score. Also the gradebook's pages and the instructor dashboard's
edit and Regrade links, which only the course's editors see."""

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.quiz_rules import QuizRules
from quizapp.extensions import db
from quizapp.services import gradebook, manual_grading, quiz_submission, quizzes
from tests.conftest import PASSWORD
from tests.factories import essay_responses, make_course, make_essay_course

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
CLOSES = NOW + timedelta(days=1)
LESSON = "/courses/notas/clase-1"


@pytest.fixture
def app_config():
    return {"CLOCK": NOW}


@pytest.fixture
def hidden_course(app):
    """One lesson whose score the learner sees once the quiz closes (CLOSES)."""
    course = make_course(db.session, slug="notas", questions_per_lesson=2)
    review = {"score": "after_close"}
    course.lessons[0].set_quiz_rules(QuizRules(closes=CLOSES, review=review))
    db.session.commit()
    return course


def _take(user, lesson, extra: dict | None = None):
    """A submitted attempt at NOW with every single choice right (and `extra` responses)."""
    attempt = quizzes.start_attempt(db.session, user.id, lesson, NOW, seed=1)
    responses = {a.id: 0 for a in attempt.answers if a.question.type == "single_choice"}
    quiz_submission.submit_attempt(db.session, attempt, responses | (extra or {}), NOW)
    db.session.commit()
    return attempt


def _api_progress(client, user, lesson_slug="clase-1") -> dict:
    token = client.post(
        "/api/v1/tokens", json={"email": user.email, "password": PASSWORD}
    ).get_json()["token"]
    found = client.get("/api/v1/me/progress", headers={"Authorization": f"Bearer {token}"})
    return next(i for i in found.get_json()["lessons"] if i["lesson"]["slug"] == lesson_slug)


def test_a_hidden_score_stays_off_every_learner_page_until_the_quiz_closes(
    app, client, auth, make_user, enrol, hidden_course
):
    learner = make_user()
    enrol(learner, "notas")
    _take(learner, hidden_course.lessons[0])
    auth.login(learner.email)

    lesson_page = client.get(LESSON).get_data(as_text=True)
    assert "Your scores are hidden by the quiz's review options." in lesson_page
    assert "Best score" not in lesson_page
    start_page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    assert "Best score" not in start_page
    assert "scores-hidden" in start_page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "hidden by the review options" in dashboard
    progress = _api_progress(client, learner)
    assert (progress["grade"], progress["best_score"], progress["last_score"]) == (None,) * 3
    assert (progress["scores_hidden"], progress["attempts"]) == (True, 1)

    app.config["CLOCK"] = CLOSES  # the quiz has closed: the score option shows it
    assert "Best score: 100 % · last: 100 %" in client.get(LESSON).get_data(as_text=True)
    assert "hidden by the review options" not in client.get("/dashboard").get_data(as_text=True)
    progress = _api_progress(client, learner)
    assert (progress["best_score"], progress["scores_hidden"]) == (1.0, False)


def test_staff_see_the_learner_s_hidden_scores(client, auth, make_user, enrol, hidden_course):
    learner = make_user()
    enrol(learner, "notas")
    _take(learner, hidden_course.lessons[0])
    instructor = make_user("instructor")
    enrol(instructor, "notas", role="instructor")
    auth.login(instructor.email)
    page = client.get(f"/instructor/courses/notas/learners/{learner.id}").get_data(as_text=True)
    assert "hidden by the review options" not in page
    assert "100 %" in page


def test_a_grade_waiting_on_an_essay_reads_pending_until_it_is_graded(
    client, auth, make_user, enrol
):
    course = make_essay_course(db.session, slug="ensayos")
    lesson = course.lessons[0]
    lesson.quiz_grading = "last"  # the lesson page shows the grade (not the best score)
    db.session.commit()
    learner = make_user()
    enrol(learner, "ensayos")
    opened = quizzes.start_attempt(db.session, learner.id, lesson, NOW, seed=3)
    attempt = _take_essay(opened)
    auth.login(learner.email)

    assert "Grade: pending" in client.get("/courses/ensayos/clase-1").get_data(as_text=True)
    progress = _api_progress(client, learner)
    assert (progress["grade"], progress["grade_pending"]) == (None, True)
    assert progress["last_score"] == pytest.approx(0.5)  # the attempt's floor, not a grade

    essay = next(a for a in attempt.answers if a.question.type == "essay")
    grader = make_user("instructor")
    manual_grading.grade_answer(db.session, course, essay.id, 1, None, grader.id, NOW)
    db.session.commit()
    assert "Grade: 100 %" in client.get("/courses/ensayos/clase-1").get_data(as_text=True)
    progress = _api_progress(client, learner)
    assert (progress["grade"], progress["grade_pending"]) == (1.0, False)


def _take_essay(attempt):
    choice = next(a for a in attempt.answers if a.question.type == "single_choice")
    responses = essay_responses(attempt) | {choice.id: 0}
    quiz_submission.submit_attempt(db.session, attempt, responses, NOW)
    db.session.commit()
    return attempt


def test_the_gradebook_shows_one_page_of_learners_at_a_time(
    client, login_as, make_user, enrol, hidden_course, monkeypatch
):
    monkeypatch.setattr(gradebook, "GRADEBOOK_PER_PAGE", 2)
    names = ["Ana", "Beto", "Carla"]
    for name in names:
        user = make_user()
        user.display_name = name
        enrol(user, "notas")
    login_as("instructor")
    book = "/instructor/courses/notas/gradebook"
    first = client.get(book).get_data(as_text=True)
    assert "Ana" in first
    assert "Beto" in first
    assert "Carla" not in first
    assert "3 learners · page 1 of 2" in first
    assert "gradebook-pages" in first
    second = client.get(f"{book}?page=2").get_data(as_text=True)
    assert "Carla" in second
    assert "Ana" not in second
    assert "Carla" in client.get(f"{book}?page=99").get_data(as_text=True)  # clamped
    csv = client.get(f"{book}.csv").get_data(as_text=True)
    assert all(name in csv for name in names)  # the CSV has every learner


def test_only_the_course_s_editors_see_the_edit_and_regrade_links(
    client, auth, make_user, enrol, hidden_course
):
    assistant, instructor = make_user(), make_user("instructor")
    enrol(assistant, "notas", role="assistant")
    enrol(instructor, "notas", role="instructor")
    auth.login(assistant.email)
    page = client.get("/instructor/courses/notas").get_data(as_text=True)
    assert "Question 1.1" in page
    assert "/regrade" not in page
    auth.logout()
    auth.login(instructor.email)
    assert "/regrade" in client.get("/instructor/courses/notas").get_data(as_text=True)
