"""A new learner, in a real browser: registers, reads lesson 3, takes its quiz with a few
wrong answers, reads the results, reviews the due cards with the keyboard only, and sees
the dashboard change. Once in Spanish and once in English."""

import re
from itertools import count
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, LEARNER_PASSWORD, PHONE
from tests.e2e.steps import (
    LESSON_3_URL,
    answer_quiz,
    bank_questions,
    ensure_language,
    expect_language,
    expect_no_horizontal_overflow,
    find_question,
    register,
    switch_language,
    walk_with_tab,
)

# Three deliberate mistakes out of the 15 gradable questions of lesson 3: 12 right, 80 %.
WRONG_ANSWERS = {
    "c3-flask-minimalista": "Un framework con baterías incluidas",
    "c3-base-de-datos-fija": True,
    "c3-numero-diferencias": 3,
}
EXPECTED_SCORE = "80 %"

# The browser asks for one language; the learner then picks the other with the switcher.
BROWSER_LOCALE = {"es": "en-US", "en": "es-ES"}
_learners = count(1)


def lesson_3_row(page: Page):
    return page.locator("tr", has=page.locator(f'a[href="{LESSON_3_URL}"]'))


def dashboard_cells(page: Page) -> list[str]:
    """Lesson 3's row: attempts, best score, last score, mastery."""
    return [text.strip() for text in lesson_3_row(page).locator("td").all_inner_texts()]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_new_learner_learns_lesson_3(
    new_page, lang, check_a11y, check_translated, screenshot, findings
):
    page = new_page(locale=BROWSER_LOCALE[lang])
    other = "en" if lang == "es" else "es"

    # Home, in the browser's language, then in the one the learner picks.
    page.goto("/")
    expect_language(page, other)
    switch_language(page, lang)
    check_translated(
        page,
        lang,
        ["Courses", "Log in", "Register", "Skip to content"],
        heading={"es": "Cursos", "en": "Courses"},
    )
    check_a11y(page, "home (anonymous)")
    walk_with_tab(page)
    screenshot(page, "home")

    # Registration.
    page.goto("/auth/register")
    expect_language(page, lang)
    check_translated(page, lang, ["Create an account", "Email", "Password", "Repeat the password"])
    check_a11y(page, "register")
    walk_with_tab(page)
    number = next(_learners)
    register(page, f"learner-{lang}-{number}@example.org", f"Learner {number}", LEARNER_PASSWORD)
    ensure_language(page, lang)

    # The dashboard before any quiz.
    page.locator(".navbar").locator('a[href="/dashboard"]').click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # A new learner's dashboard lists no lesson yet, or lesson 3 without attempts.
    assert lesson_3_row(page).count() == 0 or dashboard_cells(page)[0] == "0"

    # Home → course → lesson 3, by following links.
    page.locator("a.navbar-brand").click()
    page.locator('a[href="/courses/curso-flask"]').first.click()
    expect_language(page, lang)
    check_a11y(page, "course")
    page.locator(f'a[href="{LESSON_3_URL}"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("¿Qué es Flask?")
    expect(page.locator("article.lesson-body")).to_contain_text("Django")
    check_translated(page, lang, ["Quiz", "Take the quiz", "Lesson 3"])
    check_a11y(page, "lesson")
    walk_with_tab(page)
    screenshot(page, "lesson")

    # The quiz starts with a POST ("Take the quiz"): opening pages never starts one.
    # Answer through the form controls, three of them wrong.
    page.locator("aside form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/quiz$"))
    check_translated(page, lang, ["Submit answers", "Answer", "True", "False"])
    check_a11y(page, "quiz")
    walk_with_tab(page)
    bank = bank_questions()
    order = answer_quiz(page, bank, WRONG_ANSWERS)
    assert len(order) == 15
    assert set(WRONG_ANSWERS) <= set(order)
    screenshot(page, "quiz")
    page.locator("form.quiz-form #submit").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))

    # The results: the score, each question right or wrong, right answers and feedback.
    expect_language(page, lang)
    expect(page.locator("#score")).to_contain_text(EXPECTED_SCORE)
    expect(page.locator("#score")).to_contain_text("12")
    results = page.locator("main li.card")
    expect(results).to_have_count(15)
    for index in range(15):
        result = results.nth(index)
        question = find_question(result.locator(".question-prompt").first.inner_text(), bank)
        verdict = "border-danger" if question["id"] in WRONG_ANSWERS else "border-success"
        expect(result).to_have_class(re.compile(verdict))
    wrong_card = page.locator("main li.card.border-danger").first
    expect(wrong_card.locator("dd")).to_have_count(2)
    expect(wrong_card.locator(f'a[href^="{LESSON_3_URL}#"]')).to_be_visible()
    check_translated(page, lang, ["Results", "Your answer", "Right answer", "Wrong"])
    check_a11y(page, "quiz results")
    walk_with_tab(page)
    screenshot(page, "results")

    # Back after submitting: no fresh attempt behind the learner's back, but the quiz
    # page saying none is in progress, with the last result and a button to start again.
    results_path = urlsplit(page.url).path
    page.go_back()
    page.wait_for_url(re.compile(r"/quiz$"))
    expect(page.locator("#no-attempt")).to_be_visible()
    expect(page.locator(f'main a[href="{results_path}"]')).to_be_visible()
    expect(page.locator("main form").get_by_role("button")).to_be_visible()
    check_translated(
        page, lang, ["You have no attempt of this quiz in progress.", "Retake the quiz"]
    )
    check_a11y(page, "quiz: nothing in progress")
    page.locator(f'main a[href="{results_path}"]').click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))

    # The review, with the keyboard only.
    page.locator(".navbar").locator('a[href="/review"]').click()
    reviewed = review_with_keyboard(page, check_a11y, check_translated, screenshot, lang)
    assert reviewed >= 3, "the lesson's three flashcards were due"

    # The dashboard has changed.
    page.locator(".navbar").locator('a[href="/dashboard"]').click()
    expect_language(page, lang)
    cells = dashboard_cells(page)
    assert cells[0] == "1", cells
    assert cells[1] == EXPECTED_SCORE, cells
    assert cells[2] == EXPECTED_SCORE, cells
    check_translated(page, lang, ["My progress", "Lessons", "Attempts", "Best score"])
    check_a11y(page, "dashboard")
    walk_with_tab(page)
    screenshot(page, "dashboard")
    # On a phone the dashboard scrolls only vertically.
    expect_no_horizontal_overflow(page, PHONE)
    page.set_viewport_size(DESKTOP)
    findings.assert_none()


def review_with_keyboard(page: Page, check_a11y, check_translated, screenshot, lang: str) -> int:
    """Space flips a flashcard, 1–4 rate it; objective cards are answered from the
    keyboard too. Returns how many cards were reviewed before the queue was empty."""
    ratings = iter(["1", "3", "4", "3", "3", "3", "3", "3", "3", "3"])
    reviewed = 0
    for _ in range(10):
        expect(page.locator("main h1")).to_be_visible()
        if page.locator(".review-summary").count():
            break
        expect_language(page, lang)
        hints = page.locator("#review-keys")
        expect(hints).to_be_visible()
        expect(hints.locator("kbd").first).to_be_visible()
        flip = page.locator("details[data-review-flip]")
        if flip.count():
            if reviewed == 0:
                check_translated(page, lang, ["Show answer", "Space", "Flashcard"])
                check_a11y(page, "review: flashcard front")
                walk_with_tab(page)
                screenshot(page, "review")
                page.locator("body").focus()
            page.keyboard.press("Space")
            expect(flip).to_have_attribute("open", "")
            rate_buttons = flip.locator("button[data-rating]")
            expect(rate_buttons).to_have_count(4)
            if reviewed == 0:
                expect(hints).to_contain_text("1")
                expect(hints).to_contain_text("4")
                check_a11y(page, "review: flashcard back")
                screenshot(page, "review-back")
            with page.expect_navigation():
                page.keyboard.press(next(ratings))
        else:
            answer_objective_card_with_keyboard(page)
        reviewed += 1
    expect(page.locator(".review-summary")).to_be_visible()
    expect(page.locator("#review-summary-count")).to_contain_text(str(reviewed))
    check_a11y(page, "review: summary")
    return reviewed


def answer_objective_card_with_keyboard(page: Page) -> None:
    """Tab into the answer, give it (Space on a choice, typing in a box), Tab to "Check"
    and press Enter, then go on with Space (next card) or 3 (Good)."""
    form = page.locator("form[data-review-answer]")
    in_form = "(form) => form.contains(document.activeElement)"
    for _ in range(60):  # the answer box has focus when the card opens; else Tab to it
        if form.evaluate(in_form):
            break
        page.keyboard.press("Tab")
    kind = page.evaluate("() => document.activeElement.type")
    if kind in ("radio", "checkbox"):
        page.keyboard.press("Space")
    elif kind == "text":
        page.keyboard.type("x")
    elif kind == "select-one":
        page.keyboard.press("ArrowDown")
    for _ in range(60):
        if page.evaluate("() => document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.keyboard.press("Space" if page.locator("[data-review-next]").count() else "3")
