"""The browser suite can run here: Playwright imports and Chromium starts (a skip with the
reason elsewhere, a failure with CI=true). Kept free of Playwright imports on purpose."""


def test_chromium_starts_and_reaches_the_server(page, server):
    response = page.goto("/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok", "database": "ok"}
