"""Browser tests: Debian's Chromium, driven by Playwright, against the app served by a
real gunicorn process on 127.0.0.1 with its own SQLite database.

Without Chromium or Playwright these tests skip with a loud reason; with CI=true a
missing browser is a failure, so a CI run can never pass by skipping them."""

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.processes import (
    PROJECT_DIR,
    VENV_BIN,
    ServedApp,
    has_gunicorn,
    run_commands,
    serve,
    server_env,
)

CHROMIUM = Path(os.environ.get("QUIZAPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"
SCREENSHOTS_DIR = ARTIFACTS_DIR / "screenshots"
DOCS_SCREENSHOTS_DIR = PROJECT_DIR / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

INSTRUCTOR_EMAIL = "instructora@example.org"
INSTRUCTOR_PASSWORD = "instructor-e2e-password"
LEARNER_PASSWORD = "learner-e2e-password"
# An instructor who teaches nothing of the others' (the course journey's "instructor B").
OTHER_INSTRUCTOR_EMAIL = "instructor-b@example.org"


try:
    import playwright.sync_api  # noqa: F401
except ImportError:
    # The journeys import Playwright: without it only test_browser_available.py runs, and
    # it skips (or fails on CI) with the reason instead of a collection error.
    collect_ignore_glob = ["test_*_journey.py", "test_language.py", "test_other_pages.py"]


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str):
    """A missing browser fails on CI (a skip there would hide the whole suite)."""
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if on_ci():
        pytest.fail(f"{message} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(message)


# --- the server ------------------------------------------------------------------------------


def _prepare_database(database: str) -> None:
    """The schema, the bundled course, the demo history and an instructor, through the
    `quizapp` commands an operator would run (in this process: six fresh interpreters
    would cost more than the journeys' set-up is worth)."""
    run_commands(
        database,
        [
            ["db", "upgrade"],
            ["content", "load"],
            ["demo"],
            ["users", "create", INSTRUCTOR_EMAIL, "--role", "instructor"]
            + ["--password", INSTRUCTOR_PASSWORD, "--name", "Inés Instructora"],
            ["courses", "members", "add", "curso-flask", INSTRUCTOR_EMAIL]
            + ["--role", "instructor"],
            ["users", "create", OTHER_INSTRUCTOR_EMAIL, "--role", "instructor"]
            + ["--password", INSTRUCTOR_PASSWORD],
        ],
    )


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[ServedApp]:
    """gunicorn serving `quizapp:create_app()` (development config) on a free port, with
    a fresh SQLite file prepared by the CLI; stopped at the end of the session."""
    if not has_gunicorn():
        unavailable(f"gunicorn not found in {VENV_BIN}")
    workdir = tmp_path_factory.mktemp("e2e-server")
    # Every journey logs in through the form; the real limit is tested in tests/web.
    env = server_env(
        f"sqlite:///{workdir / 'quizapp-e2e.db'}",
        LOGIN_RATE_LIMIT="1000 per minute",
        MEDIA_DIR=str(workdir / "media"),  # uploads stay out of the project's instance/
    )
    log_path = workdir / "server.log"
    try:
        _prepare_database(env["DATABASE_URL"])
    except RuntimeError as error:
        pytest.fail(f"preparing the e2e database: {error}")
    with contextlib.ExitStack() as stack:
        try:
            running = stack.enter_context(serve(env, log_path))
        except RuntimeError as error:
            pytest.fail(f"the e2e server did not start: {error}")
        yield running


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        unavailable(
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set QUIZAPP_CHROMIUM)"
        )
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
        yield launched
        launched.close()


@dataclass
class BrowserErrors:
    """What went wrong in the browser: console errors, uncaught exceptions, requests that
    failed or answered 4xx/5xx. A test that provokes one on purpose says so with allow()."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def add(self, problem: str) -> None:
        if not any(pattern.search(problem) for pattern in self.allowed):
            self.problems.append(problem)

    def _request_failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request because the page moved on (a click
        # before the last script arrived, a context closing), not something failing.
        if request.failure != "net::ERR_ABORTED":
            self.add(f"request failed: {request.method} {request.url} ({request.failure})")

    def watch(self, page) -> None:
        page.on(
            "console",
            lambda message: (
                message.type == "error" and self.add(f"console error on {page.url}: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: self.add(f"uncaught exception on {page.url}: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.add(f"HTTP {response.status}: {response.request.method} {response.url}")
            ),
        )


@pytest.fixture
def browser_errors() -> Iterator[BrowserErrors]:
    errors = BrowserErrors()
    yield errors
    assert not errors.problems, "the browser reported problems:\n" + "\n".join(errors.problems)


@pytest.fixture
def new_page(browser, server, browser_errors):
    """Factory: a page in a fresh browser context (no cookies), watched for errors.
    `locale` sets the browser language (and so Accept-Language; Chromium's default is
    en-US); other keywords go to browser.new_context()."""
    contexts = []

    def factory(locale: str | None = None, viewport: dict = DESKTOP, **options):
        # A `locale` wins over an Accept-Language in extra_http_headers: pass one or the other.
        if locale:
            options["locale"] = locale
        # No smooth scrolling or fades: screenshots and focus checks see the settled page.
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(base_url=server.url, viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        browser_errors.watch(page)
        return page

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# --- accessibility ---------------------------------------------------------------------------

BLOCKING_IMPACTS = {"serious", "critical"}
_axe_report: dict[str, list[dict]] = {}


@pytest.fixture(scope="session")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -e '.[dev]')")
    yield Axe()
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    (ARTIFACTS_DIR / "axe-report.json").write_text(
        json.dumps(_axe_report, indent=2, ensure_ascii=False), encoding="utf-8"
    )


def blocking_violations(results) -> list[dict]:
    return [
        violation
        for violation in results.response.get("violations", [])
        if violation.get("impact") in BLOCKING_IMPACTS
    ]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(
                f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
            )
    return "\n".join(lines)


class Findings(list):
    """Accessibility and translation problems of a whole journey, reported together (so
    one run lists every page that needs work): the test calls assert_none() at its end."""

    checked = False

    def assert_none(self) -> None:
        self.checked = True
        assert not self, "\n\n".join(self)


@pytest.fixture
def findings() -> Iterator[Findings]:
    found = Findings()
    yield found
    if not found.checked:  # the test stopped early: still show what it had found
        found.assert_none()


@pytest.fixture
def check_a11y(axe, findings):
    """check_a11y(page, name): axe-core on the page as it is now; serious and critical
    violations fail the test (all of them are kept in test-artifacts/axe-report.json)."""

    def check(page, name: str) -> None:
        page.wait_for_load_state("load")
        results = axe.run(page)
        violations = results.response.get("violations", [])
        _axe_report[f"{name} {page.url}"] = [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]],
            }
            for violation in violations
        ]
        blocking = blocking_violations(results)
        if blocking:
            findings.append(f"axe-core on {name} ({page.url}):\n{describe_violations(blocking)}")

    return check


_READ_ALOUD = """() => Array.from(
  document.querySelectorAll('input[type=submit], input[type=button], [aria-label], [title]'),
  (el) => [el.value, el.getAttribute('aria-label'), el.getAttribute('title')]
    .filter(Boolean).join('\\n')).join('\\n')"""


@pytest.fixture
def check_translated(findings):
    """check_translated(page, lang, msgids): on a Spanish page none of these English
    msgids may show (each one is a string still missing from the Spanish catalog)."""

    def check(page, lang: str, msgids: list[str], heading: dict[str, str] | None = None) -> None:
        """`heading` optionally gives the exact text of the page's <h1> per language."""
        page.wait_for_load_state("load")
        path = "/" + page.url.split("/", 3)[-1]
        if heading and lang in heading:
            shown = page.locator("h1").first.inner_text().strip()
            if shown != heading[lang]:
                findings.append(f"h1 on {path} ({lang}): {shown!r}, expected {heading[lang]!r}")
        if lang != "es":
            return
        # Visible text, plus what assistive technology reads: button values, aria-labels.
        body = page.locator("body").inner_text() + "\n" + page.evaluate(_READ_ALOUD)
        missing = [m for m in msgids if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", body)]
        if missing:
            findings.append(f"untranslated (es) on {path}: {missing}")

    return check


# --- screenshots -----------------------------------------------------------------------------

# Pages copied to docs/screenshots for the README when QUIZAPP_UPDATE_SCREENSHOTS=1.
README_LANGUAGE = "en"
README_SCREENSHOTS = {
    "home-desktop",
    "lesson-desktop",
    "results-desktop",
    "review-desktop",
    "dashboard-desktop",
    "lesson-phone",
}


_TO_THE_TOP = """() => new Promise((done) => {
  if (document.activeElement) document.activeElement.blur();
  window.scrollTo({top: 0, left: 0, behavior: "instant"});
  requestAnimationFrame(() => requestAnimationFrame(done));
})"""


@pytest.fixture
def screenshot():
    """screenshot(page, name): the viewport at desktop (1280×800) and phone (390×844)
    widths, saved as test-artifacts/screenshots/<name>-<lang>-<width>.png. With
    QUIZAPP_UPDATE_SCREENSHOTS=1 the README's few are copied to docs/screenshots/."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    update_docs = os.environ.get("QUIZAPP_UPDATE_SCREENSHOTS") == "1"

    def take(page, name: str) -> None:
        lang = page.locator("html").get_attribute("lang")
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.wait_for_load_state("load")
            # The top of the page, without the focus ring a keyboard walk left behind.
            page.evaluate(_TO_THE_TOP)
            page.wait_for_function("() => window.scrollY === 0")
            path = SCREENSHOTS_DIR / f"{name}-{lang}-{label}.png"
            page.screenshot(path=str(path), animations="disabled")
            if update_docs and lang == README_LANGUAGE and f"{name}-{label}" in README_SCREENSHOTS:
                DOCS_SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, DOCS_SCREENSHOTS_DIR / f"{name}-{label}.png")
        page.set_viewport_size(DESKTOP)

    return take
