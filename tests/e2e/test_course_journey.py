"""A course that belongs to someone, in a real browser (SPEC §11), in Spanish and English:
instructor A creates a course joined with a code, adds a lesson and a question and tries
the quiz; a new learner joins with the code A shares and takes the quiz; instructor B
finds neither the course in the instructor area nor its staff pages (404); A's dashboard
lists the learner, and not A's own attempt."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    INSTRUCTOR_EMAIL,
    INSTRUCTOR_PASSWORD,
    LEARNER_PASSWORD,
    OTHER_INSTRUCTOR_EMAIL,
)
from tests.e2e.steps import expect_language, log_in, register

BROWSER_OPTIONS = {
    "es": {"locale": "es-ES"},
    "en": {"extra_http_headers": {"Accept-Language": "en-GB,en;q=0.9,es;q=0.5"}},
}
PROMPT = "Flask es un microframework de Python."


def create_code_course(page, slug: str, title: str) -> str:
    """A's new course, visibility `code`; returns the join code shown on its settings."""
    page.goto("/instructor/courses/new")
    page.locator("#title").fill(title)
    page.locator("#slug").fill(slug)
    page.locator("#visibility").select_option("code")
    page.locator("form #submit").click()
    page.wait_for_url(re.compile(rf"/instructor/courses/{slug}/settings$"))
    code = page.locator("[data-join-code]").inner_text().strip()
    assert code
    return code


def add_lesson_and_question(page, slug: str) -> str:
    page.goto(f"/instructor/courses/{slug}/lessons/new")
    page.locator("#number").fill("1")
    page.locator("#title").fill("Primeros pasos")
    page.locator("#body_md").fill("## Qué es Flask\n\nFlask es un *microframework*.")
    page.locator("form #submit").click()
    expect(page.locator(".alert-success")).to_be_visible()
    lesson = "clase-1-primeros-pasos"
    page.goto(f"/instructor/courses/{slug}/lessons/{lesson}/questions/new?type=true_false")
    page.locator("#id").fill(f"{slug}-micro")
    page.locator("#prompt").fill(PROMPT)
    page.locator('input[name="answer"][value="true"]').check()
    page.locator("form #submit").click()
    expect(page.locator(".alert-success")).to_be_visible()
    return lesson


def take_the_quiz(page, slug: str, lesson: str, answer: str) -> None:
    page.goto(f"/courses/{slug}/{lesson}")
    page.locator("aside form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/quiz$"))
    card = page.locator("form.quiz-form li.card")
    expect(card).to_have_count(1)
    card.locator(f'input[type=radio][value="{answer}"]').check()
    page.locator("form.quiz-form #submit").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_code_course_from_creation_to_the_dashboard(
    new_page, browser_errors, lang, check_a11y, screenshot
):
    slug, title = f"club-{lang}", f"Club de Flask ({lang})"
    instructor = new_page(**BROWSER_OPTIONS[lang])
    log_in(instructor, INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD)
    expect_language(instructor, lang)
    code = create_code_course(instructor, slug, title)
    check_a11y(instructor, "course settings")
    lesson = add_lesson_and_question(instructor, slug)
    # A tries the quiz herself, wrongly: staff attempts are no learner data.
    take_the_quiz(instructor, slug, lesson, "false")

    # A learner finds the course listed, joins with the code, takes the quiz.
    learner = new_page(**BROWSER_OPTIONS[lang])
    email = f"socia-{lang}@example.org"
    register(learner, email, f"Socia {lang}", LEARNER_PASSWORD)
    expect(learner.locator(f'a[href="/courses/{slug}"]')).to_be_visible()
    learner.goto(f"/courses/{slug}")
    expect_language(learner, lang)
    check_a11y(learner, "a code course, before joining")
    learner.locator("#join-code").fill(code)
    learner.locator("#join-code").press("Enter")
    expect(learner.locator(".alert-success")).to_be_visible()
    take_the_quiz(learner, slug, lesson, "true")
    expect(learner.locator("#score")).to_contain_text("100")

    # Instructor B: the course is not in their area, and its staff pages do not exist.
    other = new_page(**BROWSER_OPTIONS[lang])
    log_in(other, OTHER_INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD)
    other.goto("/instructor/")
    expect(other.locator("main")).not_to_contain_text(title)
    # The 404s are the point here (the response and the console line the browser logs).
    browser_errors.allow(rf"HTTP 404: GET .*/instructor/courses/{slug}")
    browser_errors.allow(rf"/instructor/courses/{slug}(/settings)?: Failed to load .* 404")
    for path in (f"/instructor/courses/{slug}", f"/instructor/courses/{slug}/settings"):
        assert other.goto(path).status == 404

    # A's dashboard: the learner, and not A's own attempt.
    instructor.goto(f"/instructor/courses/{slug}")
    expect_language(instructor, lang)
    expect(instructor.locator("#learners-total")).to_have_text("1")
    learners = instructor.locator("section[aria-labelledby=learners-heading] tbody")
    expect(learners).to_contain_text(email)
    expect(learners).not_to_contain_text(INSTRUCTOR_EMAIL)
    check_a11y(instructor, "course dashboard")
    screenshot(instructor, "course-dashboard")
