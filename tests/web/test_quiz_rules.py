"""Quiz rules in the browser: set in the lesson editor, shown on the lesson page in the
quiz time zone, refusals flashed; the server decides (a fixed clock: app.config["CLOCK"])."""

from datetime import UTC, datetime

import pytest

from quizapp.domain.quiz_rules import QuizRules
from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.services import catalog
from tests.conftest import csrf_token_from
from tests.quiz_answers import quiz_post

LESSON = "/courses/curso-flask/clase-3-que-es-flask"
EDIT = "/instructor/courses/curso-flask/lessons/clase-3-que-es-flask/edit"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def app_config():
    return {"CLOCK": NOW, "DEFAULT_TIMEZONE": "Europe/Madrid"}


def _lesson():
    db.session.expire_all()
    return catalog.find_lesson(db.session, "curso-flask", "clase-3-que-es-flask")


def _set(**rules) -> None:
    _lesson().set_quiz_rules(QuizRules(**rules))
    db.session.commit()


def test_the_lesson_editor_sets_the_rules_in_the_quiz_time_zone(
    client, auth, make_user, bundled_course
):
    auth.login(make_user("instructor").email)
    lesson = _lesson()
    token = csrf_token_from(client.get(EDIT).get_data(as_text=True))
    response = client.post(
        EDIT,
        data={
            "csrf_token": token,
            "number": "3",
            "title": lesson.title,
            "slug": lesson.slug,
            "body_md": lesson.body_md,
            "quiz_time_limit": "20",
            "quiz_attempts": "2",
            "quiz_closes": "2026-12-04T23:59",
            "quiz_grading": "average",
            "review_score": "immediate",
            "review_correctness": "immediate",
            "review_answers": "after_close",
            "review_feedback": "never",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    rules = _lesson().quiz_rules
    assert (rules.time_limit, rules.attempts, rules.grading) == (20, 2, "average")
    assert rules.closes == datetime(2026, 12, 4, 22, 59, tzinfo=UTC)  # 23:59 in Madrid
    assert rules.shuffle is False  # the box was left unticked
    assert rules.review["answers"] == "after_close"
    form = client.get(EDIT).get_data(as_text=True)
    assert 'value="2026-12-04T23:59"' in form


def test_the_lesson_page_shows_the_rules_before_starting(client, auth, make_user, bundled_course):
    _set(time_limit=20, attempts=2, closes=datetime(2026, 12, 4, 22, 59, tzinfo=UTC))
    auth.login(make_user().email)
    page = client.get(LESSON).get_data(as_text=True)
    closes = "closes Friday, December 4, 2026, 23:59 (Europe/Madrid)"
    assert f"20 minutes · 2 attempts (2 left) · {closes}" in page


def test_a_closed_quiz_flashes_why_and_starts_nothing(client, auth, make_user, bundled_course):
    _set(closes=datetime(2026, 12, 1, 22, 59, tzinfo=UTC))
    auth.login(make_user().email)
    page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    response = client.post(f"{LESSON}/quiz/new", data={"csrf_token": csrf_token_from(page)})
    assert response.headers["Location"] == LESSON
    shown = client.get(LESSON).get_data(as_text=True)
    assert "This quiz closed Tuesday, December 1, 2026, 23:59 (Europe/Madrid)." in shown
    assert db.session.query(Attempt).count() == 0


def test_the_last_attempt_allowed_is_the_last(client, auth, make_user, bundled_course):
    _set(attempts=1)
    auth.login(make_user().email)
    page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    token = csrf_token_from(page)
    client.post(f"{LESSON}/quiz/new", data={"csrf_token": token})
    attempt = db.session.query(Attempt).one()
    quiz = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    client.post(f"{LESSON}/quiz", data=quiz_post(attempt.id, csrf_token_from(quiz)))
    client.post(f"{LESSON}/quiz/new", data={"csrf_token": token})
    shown = client.get(LESSON).get_data(as_text=True)
    assert "You have used the 1 attempt this quiz allows." in shown
    assert db.session.query(Attempt).count() == 1
