"""Quiz rules in the browser: set in the lesson editor, shown on the lesson page in the
quiz time zone, refusals flashed; the server decides (a fixed clock: app.config["CLOCK"])."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.quiz_rules import QuizRules
from quizapp.extensions import db
from quizapp.models import Answer, Attempt
from quizapp.services import catalog, quiz_overrides
from tests.conftest import PASSWORD, csrf_token_from
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


# --- time limit, autosave, blanks (the clock is moved by hand) ------------------------------


@pytest.fixture
def moments():
    """The server's time, moved by the test: `moments[0]`."""
    return [NOW]


@pytest.fixture
def timed(app, moments, client, auth, make_user, bundled_course):
    """A learner in a 10-minute quiz started at NOW; its quiz page and CSRF token."""
    app.config["CLOCK"] = lambda: moments[0]
    _set(time_limit=10)
    auth.login(make_user().email)
    token = csrf_token_from(client.get(f"{LESSON}/quiz").get_data(as_text=True))
    client.post(f"{LESSON}/quiz/new", data={"csrf_token": token})
    attempt = db.session.query(Attempt).one()
    return attempt, token


def _true_false_answer(attempt):
    return next(a for a in attempt.answers if a.question.type == "true_false")


def test_the_quiz_page_counts_down_the_servers_time(client, timed, moments):
    moments[0] = NOW + timedelta(minutes=3)
    page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    assert 'data-seconds-left="420"' in page
    assert "7:00" in page
    assert 'src="/static/js/quiz.js"' in page


def test_an_autosaved_answer_is_there_when_the_attempt_reopens(client, timed):
    attempt, token = timed
    answer = _true_false_answer(attempt)
    saved = client.post(
        f"{LESSON}/quiz/answers",
        data={"csrf_token": token, "question": str(answer.id), f"q{answer.id}": "false"},
    )
    assert saved.status_code == 200
    assert saved.get_json() == {"saved": [answer.id]}
    page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    shown = re.findall(rf'<input[^>]*name="q{answer.id}"[^>]*>', page)
    assert ["checked" in field for field in shown] == [False, True]  # True, False: False


def test_autosave_after_the_deadline_is_refused_and_changes_nothing(client, timed, moments):
    attempt, token = timed
    answer = _true_false_answer(attempt)
    moments[0] = NOW + timedelta(minutes=10, seconds=31)  # past the 30 s grace
    refused = client.post(
        f"{LESSON}/quiz/answers",
        data={"csrf_token": token, "question": str(answer.id), f"q{answer.id}": "true"},
    )
    assert refused.status_code == 409
    assert refused.get_json() == {"error": "deadline_passed"}
    db.session.expire_all()
    assert db.session.get(Answer, answer.id).response is None


def test_autosave_needs_the_csrf_token(client, timed):
    attempt, _token = timed
    answer = _true_false_answer(attempt)
    refused = client.post(
        f"{LESSON}/quiz/answers", data={"question": str(answer.id), f"q{answer.id}": "true"}
    )
    assert refused.status_code == 400


def test_a_save_that_arrives_after_the_submission_is_refused_as_submitted(client, timed):
    """quiz.js holds the submission until a save on its way has landed, but a save that
    still loses the race is told the attempt is submitted (409), and changes nothing."""
    attempt, token = timed
    answer = _true_false_answer(attempt)
    page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    submitted = client.post(f"{LESSON}/quiz", data=quiz_post(attempt.id, csrf_token_from(page)))
    assert submitted.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Answer, answer.id).response
    late = client.post(
        f"{LESSON}/quiz/answers",
        data={
            "csrf_token": token,
            "attempt_id": str(attempt.id),
            "question": str(answer.id),
            f"q{answer.id}": "true" if kept == {"value": False} else "false",
        },
    )
    assert late.status_code == 409
    assert late.get_json() == {"error": "submitted"}
    db.session.expire_all()
    assert db.session.get(Answer, answer.id).response == kept
    no_attempt = client.post(
        f"{LESSON}/quiz/answers",
        data={"csrf_token": token, "question": str(answer.id), f"q{answer.id}": "true"},
    )
    assert no_attempt.status_code == 404  # names no attempt: none is in progress


def test_a_late_web_submission_keeps_only_what_was_saved(client, timed, moments):
    attempt, token = timed
    answer = _true_false_answer(attempt)
    right = "true" if answer.question.data.get("answer", True) else "false"
    client.post(
        f"{LESSON}/quiz/answers",
        data={"csrf_token": token, "question": str(answer.id), f"q{answer.id}": right},
    )
    page = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    moments[0] = NOW + timedelta(minutes=20)
    data = quiz_post(attempt.id, csrf_token_from(page))  # every answer right, but too late
    response = client.post(f"{LESSON}/quiz", data=data)
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt.id)
    assert [a.score for a in graded.answers if a.id != answer.id] == [0.0] * (
        len(graded.answers) - 1
    )
    assert db.session.get(Answer, answer.id).score == 1.0
    shown = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Time was up" in shown


def test_the_blank_rule_is_the_same_on_the_web_and_the_api(client, auth, make_user, bundled_course):
    """One rule in the service: blanks are refused until confirmed, then score 0 and show
    as not answered — through the web form and through the API alike."""
    learner = make_user()
    auth.login(learner.email)
    token = csrf_token_from(client.get(f"{LESSON}/quiz").get_data(as_text=True))
    client.post(f"{LESSON}/quiz/new", data={"csrf_token": token})
    web_attempt = db.session.query(Attempt).one()
    form = {"csrf_token": token, "attempt_id": str(web_attempt.id)}
    asked = client.post(f"{LESSON}/quiz", data=form)
    assert "These questions are not answered:" in asked.get_data(as_text=True)
    client.post(f"{LESSON}/quiz", data=form | {"confirm_unanswered": "y"})

    api_token = client.post(
        "/api/v1/tokens", json={"email": learner.email, "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {api_token}"}
    started = client.post(
        "/api/v1/courses/curso-flask/lessons/clase-3-que-es-flask/attempts", headers=headers
    ).get_json()
    submit = f"/api/v1/attempts/{started['id']}/submit"
    refused = client.post(submit, json={"answers": []}, headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "unanswered"
    result = client.post(submit, json={"answers": [], "confirm_unanswered": True}, headers=headers)

    db.session.expire_all()
    web, api = db.session.get(Attempt, web_attempt.id), db.session.get(Attempt, started["id"])
    assert web.score == api.score == 0.0
    assert [a.response for a in web.answers] == [a.response for a in api.answers]
    assert not any(item["answered"] for item in result.get_json()["answers"])
    page = client.get(f"/attempts/{web.id}").get_data(as_text=True)
    assert page.count("Not answered") >= len(web.answers)


# --- accommodations and review options in the browser's shoes --------------------------------


def test_an_instructor_gives_a_learner_extra_time_on_their_page(
    client, auth, make_user, bundled_course, enrol
):
    learner = make_user()
    enrol(learner)
    _set(time_limit=10)
    lesson = _lesson()
    auth.login(make_user("instructor").email)
    page_path = f"/instructor/courses/curso-flask/learners/{learner.id}"
    page = client.get(page_path).get_data(as_text=True)
    assert "No accommodation" in page
    response = client.post(
        f"{page_path}/overrides",
        data={
            "csrf_token": csrf_token_from(page),
            "lesson": str(lesson.id),
            "applies_to": "learner",
            "extra_minutes": "15",
            "extra_attempts": "1",
            "closes": "",
        },
    )
    assert response.headers["Location"] == page_path
    shown = client.get(page_path).get_data(as_text=True)
    assert "Accommodation saved." in shown
    assert 'id="overrides"' in shown
    rules = quiz_overrides.learner_rules(db.session, _lesson(), learner.id)
    assert rules.time_limit == 25


def test_hidden_review_parts_stay_off_the_results_page(client, auth, make_user, bundled_course):
    _set(review={"answers": "never", "feedback": "never", "score": "immediate"})
    auth.login(make_user().email)
    token = csrf_token_from(client.get(f"{LESSON}/quiz").get_data(as_text=True))
    client.post(f"{LESSON}/quiz/new", data={"csrf_token": token})
    attempt = db.session.query(Attempt).one()
    quiz = client.get(f"{LESSON}/quiz").get_data(as_text=True)
    client.post(f"{LESSON}/quiz", data=quiz_post(attempt.id, csrf_token_from(quiz), wrong={0}))
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert 'id="score"' in page
    assert "Right answer" not in page
    assert "Explanation" not in page
    assert 'id="review-hidden"' in page
