"""The pages around the journeys, checked the same way: error pages, the account page,
the review settings and the logout confirmation; each axe-clean and keyboard-reachable."""

import re
from itertools import count

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LEARNER_PASSWORD
from tests.e2e.steps import expect_language, register, walk_with_tab

_learners = count(1)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_missing_page_answers_404_with_a_way_back(
    new_page, browser_errors, lang, check_a11y, check_translated, findings
):
    browser_errors.allow(r"404")
    page = new_page(locale={"es": "es-ES", "en": "en-US"}[lang])
    response = page.goto("/courses/curso-flask/no-such-lesson")
    assert response.status == 404
    expect_language(page, lang)
    expect(page.locator("h1")).to_have_text("404")
    expect(page.locator('main a[href="/"]')).to_be_visible()
    check_translated(page, lang, ["We could not find that page.", "Back to the courses"])
    check_a11y(page, "404 page")
    walk_with_tab(page)
    findings.assert_none()


def test_learner_pages_beyond_the_journey(
    new_page, browser_errors, check_a11y, check_translated, findings, screenshot
):
    page = new_page(locale="en-US")
    number = next(_learners)
    register(page, f"other-{number}@example.org", f"Other {number}", LEARNER_PASSWORD)

    # A learner in the instructor area: 403, in words, with a way back.
    browser_errors.allow(r"403")
    response = page.goto("/instructor/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("403")
    check_a11y(page, "403 page")
    walk_with_tab(page)

    page.locator(".navbar").locator('a[href="/account"]').click()
    expect(page.locator("h1")).to_be_visible()
    check_a11y(page, "account")
    walk_with_tab(page)

    page.goto("/review/settings")
    expect(page.locator("form.review-settings")).to_be_visible()
    check_a11y(page, "review settings")
    walk_with_tab(page)
    screenshot(page, "review-settings")

    # Logging out without JavaScript's help: the confirmation page, then the home page.
    page.goto("/auth/logout")
    check_a11y(page, "log out")
    walk_with_tab(page)
    page.locator("main form #submit").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator(".navbar").locator('a[href="/auth/login"]')).to_be_visible()
    findings.assert_none()
