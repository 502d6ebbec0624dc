"""Grading an essay in a real browser: an instructor makes a course with an essay, a
learner writes it and reads "pending", the instructor grades it from the queue, and the
learner sees the grade and the comment. Two browsers side by side, axe-clean pages."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD, LEARNER_PASSWORD
from tests.e2e.steps import ensure_language, log_in, register

COURSE = "ensayos-e2e"
LESSON = "clase-1-escribir"


def test_an_essay_is_graded_from_the_queue_and_the_learner_sees_it(
    new_page, check_a11y, findings, tmp_path
):
    teacher = new_page(locale="en-US")
    log_in(teacher, INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD)
    ensure_language(teacher, "en")
    source = tmp_path / "ensayos.md"
    source.write_text("# Ensayos\n\n## Clase 1 Escribir\n\nEscribir sobre Flask.\n", "utf-8")
    teacher.goto("/instructor/courses/new")
    teacher.locator("#title").fill("Ensayos")
    teacher.locator("#slug").fill(COURSE)
    teacher.locator("#markdown").set_input_files(str(source))
    teacher.locator("form #submit").click()
    teacher.wait_for_url(re.compile(rf"/courses/{COURSE}/settings$"))

    teacher.goto(f"/instructor/courses/{COURSE}/lessons/{LESSON}/questions/new?type=essay")
    teacher.locator("#id").fill("ensayo-micro")
    teacher.locator("#prompt").fill("¿Por qué Flask es un *microframework*?")
    teacher.locator("#max_words").fill("40")
    teacher.locator("#grader_notes").fill("Núcleo pequeño, extensiones.")
    check_a11y(teacher, "essay editor")
    teacher.locator("form #submit").click()
    expect(teacher.locator(".alert-success")).to_be_visible()

    learner = new_page(locale="en-US")
    register(learner, "ensayista@example.org", "Ensayista", LEARNER_PASSWORD)
    ensure_language(learner, "en")
    learner.goto(f"/courses/{COURSE}/{LESSON}")
    learner.locator("aside form").get_by_role("button").click()
    learner.wait_for_url(re.compile(r"/quiz$"))
    answer = learner.get_by_label("Your answer")
    expect(learner.locator(".form-text", has_text="At most 40 words.")).to_be_visible()
    answer.fill("Porque trae un núcleo pequeño y deja elegir extensiones.")
    check_a11y(learner, "quiz with an essay")
    learner.locator("form.quiz-form [type=submit]").click()
    learner.wait_for_url(re.compile(r"/attempts/\d+$"))
    result_url = learner.url
    expect(learner.locator("#score")).to_contain_text("pending")
    expect(learner.locator(".answer-state")).to_have_text("Pending: awaiting a grade by hand")

    teacher.goto(f"/instructor/courses/{COURSE}")
    teacher.get_by_role("link", name="Grading queue").click()
    check_a11y(teacher, "grading queue")
    teacher.get_by_role("link", name=re.compile(r"^Grade answer Ensayista")).click()
    expect(teacher.locator(".grader-notes")).to_contain_text("Núcleo pequeño")
    expect(teacher.locator(".learner-response")).to_contain_text("núcleo pequeño")
    check_a11y(teacher, "grade an answer")
    teacher.locator("#score").fill("0,75")
    teacher.locator("#comment").fill("Bien; nombra también **Werkzeug**.")
    teacher.locator("form #submit").click()
    expect(teacher.locator(".alert-success")).to_contain_text("Grade saved.")
    expect(teacher.locator("#queue-empty")).to_be_visible()

    learner.goto(result_url)
    expect(learner.locator("#score")).to_contain_text("75")
    expect(learner.locator("#score")).not_to_contain_text("pending")
    expect(learner.locator(".answer-state")).to_have_text("Graded: 75 %")
    expect(learner.locator(".grader-comment strong")).to_have_text("Werkzeug")
    check_a11y(learner, "graded result")
    findings.assert_none()
