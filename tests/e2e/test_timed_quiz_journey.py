"""A timed quiz in a real browser, on the real clock: a one-minute quiz (its bank's
`quiz:` block) shows its rules and a countdown, saves an answer as it is given, keeps it
across a reload, and submits itself at zero; the result shows the saved answer graded and
the other question as not answered. The test waits on page state, never sleeps; to reach
zero without waiting out the minute it moves the attempt's start back in the database, so
the countdown after a reload is the server's."""

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from config import database_url
from quizapp.models import Attempt
from tests.e2e.conftest import INSTRUCTOR_EMAIL, LEARNER_PASSWORD
from tests.e2e.steps import ensure_language, load_course_folder, register

# A course of its own, so the other journeys' lessons keep their (untimed) rules.
COURSE = "curso-cronometrado"
LESSON_URL = f"/courses/{COURSE}/clase-1-contrarreloj"
COURSE_MD = "# Curso cronometrado\n\n## Clase 1 Contrarreloj\n\nUn minuto para dos preguntas.\n"
BANK = """lesson: 1
quiz:
  time_limit: 1
  shuffle: false
questions:
  - id: crono-flask
    type: true_false
    prompt: "Flask es un framework web de Python."
    answer: true
  - id: crono-django
    type: true_false
    prompt: "Django es un microframework."
    answer: false
"""


def load_course(server, tmp_path) -> None:
    load_course_folder(
        server, tmp_path / COURSE, {"course.md": COURSE_MD, "clase-1.yaml": BANK}, INSTRUCTOR_EMAIL
    )


def test_a_timed_quiz_autosaves_and_submits_itself_at_zero(
    server, tmp_path, new_page, check_a11y, findings
):
    load_course(server, tmp_path)
    page = new_page(locale="en-US")
    register(page, "crono@example.org", "Crono", LEARNER_PASSWORD)
    ensure_language(page, "en")

    page.goto(LESSON_URL)
    expect(page.locator("#quiz-rules")).to_contain_text("1 minute")
    page.locator("aside form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/quiz$"))
    expect(page.locator("#countdown")).to_be_visible()
    expect(page.locator("#countdown-time")).to_have_text(re.compile(r"^[01]:\d\d$"))
    check_a11y(page, "timed quiz")

    # Answer the first question only: it is saved at once, without submitting.
    first = page.locator("#question-1")
    first.get_by_label("True").check()
    expect(page.locator("#autosave-status")).to_have_text("Answers saved.")

    # A reload (or a crash) loses nothing: the server shows the saved answer.
    page.reload()
    expect(page.locator("#question-1").get_by_label("True")).to_be_checked()
    expect(page.locator("#question-2").get_by_label("True")).not_to_be_checked()

    # Most of the minute gone (the attempt started 50 s earlier): the reloaded page counts
    # down from the server's deadline and submits itself at zero, well within 30 s (a
    # countdown of the page's own would run a whole minute); the server grades what it has.
    # No check of the countdown's text here: under load the page may already be at zero.
    move_the_start_back(server.database_url, timedelta(seconds=50))
    page.reload()
    page.wait_for_url(re.compile(r"/attempts/\d+$"), timeout=30_000)
    expect(page.locator("#score")).to_contain_text("50 %")
    expect(page.locator("main, body").first).to_contain_text("Not answered")
    check_a11y(page, "timed quiz result")
    findings.assert_none()


def move_the_start_back(url: str, by: timedelta) -> None:
    engine = sa.create_engine(database_url(url))
    try:
        with Session(engine) as session:
            attempt = session.scalar(sa.select(Attempt).order_by(Attempt.id.desc()).limit(1))
            attempt.started_at -= by
            session.commit()
    finally:
        engine.dispose()
