"""A learner's review controls in a real browser: rate a card and undo it with the
keyboard only, suspend a card, find it in the card browser and unsuspend it there. Then
the instructor reads the class's retention by section and follows a section to its
coverage page."""

import re
from itertools import count

from playwright.sync_api import expect

from tests.e2e.conftest import INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD, LEARNER_PASSWORD
from tests.e2e.steps import LESSON_3_URL, ensure_language, log_in, register

_learners = count(1)


def test_undo_suspend_and_the_card_browser(new_page, check_a11y, findings):
    page = new_page(locale="en-US")
    number = next(_learners)
    register(page, f"controls-{number}@example.org", f"Controls {number}", LEARNER_PASSWORD)
    ensure_language(page, "en")
    # The lesson's flashcards join the deck when the learner starts its quiz (a POST).
    page.goto(LESSON_3_URL)
    page.locator("aside form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/quiz$"))
    page.goto("/review")
    flip = page.locator("details[data-review-flip]")
    expect(flip).to_have_count(1)
    due = page.locator("#review-new-count").inner_text()

    # Rate with the keyboard, then undo with the keyboard: the same card is back.
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("3")
    expect(page.locator("#review-new-count")).not_to_have_text(due)
    with page.expect_navigation():
        page.keyboard.press("u")
    expect(page.locator(".alert-success")).to_contain_text("Rating undone")
    expect(page.locator("#review-new-count")).to_have_text(due)
    check_a11y(page, "review: after undo")

    # Suspend the card on screen; it leaves the queue.
    front = page.locator(".review-front").inner_text()
    page.locator("[data-review-suspend]").click()
    expect(page.locator(".alert-success")).to_contain_text("Card suspended")
    expect(page.locator(".review-front")).not_to_have_text(front)

    # Find it in the card browser and unsuspend it.
    page.locator(".review-controls").get_by_role("link", name="Card browser").click()
    page.wait_for_url(re.compile(r"/review/cards"))
    page.locator("#state").select_option("suspended")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#card-count")).to_have_text("1 card")
    check_a11y(page, "card browser")
    page.locator("tbody input[type=checkbox]").check()
    page.get_by_role("button", name="Unsuspend").click()
    expect(page.locator(".alert-success")).to_contain_text("1 card changed")
    expect(page.locator("#card-count")).to_have_text("0 cards")
    findings.assert_none()


def test_the_instructor_sees_the_class_retention_by_section(new_page, check_a11y, findings):
    page = new_page(locale="en-US")
    log_in(page, INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD)
    ensure_language(page, "en")
    # The demo learner's quizzes gave the class memory states to predict from.
    page.goto("/instructor/courses/curso-flask")
    page.locator("#class-retention-link").click()
    page.wait_for_url(re.compile(r"/instructor/courses/curso-flask/retention$"))
    sections = page.locator("#section-retention tbody tr")
    expect(sections.first).to_be_visible()
    expect(page.locator("#lesson-retention tbody tr")).to_have_count(3)
    # Every section row predicts recall now, in 7 and in 30 days, as percentages.
    expect(sections.first.locator("td").nth(1)).to_have_text(re.compile(r"^\d+ %$"))
    check_a11y(page, "class retention")
    link = sections.first.locator("th a")
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(r"/coverage"))
    assert "#coverage-" in target  # the bundled questions all name their section
    expect(page.locator("#" + target.split("#", 1)[1])).to_be_visible()
    findings.assert_none()
