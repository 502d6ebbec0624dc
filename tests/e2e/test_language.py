"""Both languages in a real browser: Accept-Language decides until the learner picks one
with the navbar's switcher, and that choice then holds from page to page."""

import pytest

from tests.e2e.conftest import INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD, PHONE
from tests.e2e.steps import LESSON_3_URL, expect_language, log_in, switch_language


@pytest.mark.parametrize(
    ("browser_options", "lang"),
    [
        ({"locale": "es-ES"}, "es"),
        ({"locale": "en-GB"}, "en"),
        ({"extra_http_headers": {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"}}, "en"),
        ({"extra_http_headers": {"Accept-Language": "de-DE,de;q=0.9"}}, "es"),
    ],
    ids=["locale-es", "locale-en", "header-fr-then-en", "header-de-default-es"],
)
def test_accept_language_chooses_the_language(new_page, browser_options, lang):
    page = new_page(**browser_options)
    page.goto("/courses/curso-flask")
    expect_language(page, lang)


def test_the_switcher_choice_holds_from_page_to_page_on_a_phone(new_page):
    page = new_page(locale="es-ES", viewport=PHONE)
    page.goto("/courses/curso-flask")
    expect_language(page, "es")
    switch_language(page, "en")
    page.locator(f'main a[href="{LESSON_3_URL}"]').click()
    expect_language(page, "en")
    page.goto("/")
    expect_language(page, "en")
    switch_language(page, "es")
    page.goto(LESSON_3_URL)
    expect_language(page, "es")


def test_the_language_choice_survives_logging_in_and_out(new_page):
    page = new_page(locale="es-ES")
    page.goto("/auth/login")
    switch_language(page, "en")
    log_in(page, INSTRUCTOR_EMAIL, INSTRUCTOR_PASSWORD)
    expect_language(page, "en")
    page.locator(".navbar form[action='/auth/logout'] button").click()
    page.wait_for_url("**/")
    expect_language(page, "en")
