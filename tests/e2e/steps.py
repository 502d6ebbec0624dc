"""What a person does in the browser, as reusable steps: register, log in, switch the
language, answer a quiz through its form controls, walk a page with the Tab key; and what
the server's operator does first (load a course folder with the real command)."""

import re
import subprocess
from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

from tests.processes import VENV_BIN, ServedApp, server_env

PROJECT_DIR = Path(__file__).resolve().parents[2]
COURSE = "curso-flask"
LESSON_3 = "clase-3-que-es-flask"
LESSON_3_URL = f"/courses/{COURSE}/{LESSON_3}"

# A few UI strings per language. Spanish is the default language of the site; the English
# msgids must not show through on a Spanish page (an untranslated string).
UI = {
    "en": {"courses": "Courses", "switch_to": "English"},
    "es": {"courses": "Cursos", "switch_to": "Español"},
}


def load_course_folder(server: ServedApp, folder: Path, files: dict[str, str], owner: str) -> None:
    """Write `files` (name → text) into `folder` and load it into the server's database
    with `quizapp content load FOLDER --owner OWNER`."""
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    done = subprocess.run(  # noqa: S603  (our own console script, fixed arguments)
        [str(VENV_BIN / "quizapp"), "content", "load", str(folder), "--owner", owner],
        env=server_env(server.database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def bank_questions(lesson_file: str = "clase-3.yaml") -> dict[str, dict]:
    path = PROJECT_DIR / "questions" / COURSE / lesson_file
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {question["id"]: question for question in bank["questions"]}


def plain(markdown: str) -> str:
    """Markdown as the browser shows it: without emphasis and code marks, spaces collapsed."""
    text = re.sub(r"[*`]", "", markdown)
    return re.sub(r"\s+", " ", text).strip()


# --- accounts and language -------------------------------------------------------------------


def expect_language(page: Page, code: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", code)


def switch_language(page: Page, code: str) -> None:
    """Press the navbar's language button; the same page comes back in that language."""
    label = UI[code]["switch_to"]
    navbar_toggler = page.locator(".navbar-toggler")
    if navbar_toggler.is_visible():
        navbar_toggler.click()
    path = page.url
    page.locator("form.lang-switcher").get_by_role("button", name=label).click()
    expect_language(page, code)
    assert page.url == path, "the switcher should bring back the same page"


def ensure_language(page: Page, code: str) -> None:
    """Switches to `code` when the page is in another language. Logging in starts a new
    session, which (see test_language.py) should keep the choice but may not yet."""
    if page.locator("html").get_attribute("lang") != code:
        switch_language(page, code)


def register(page: Page, email: str, name: str, password: str) -> None:
    page.goto("/auth/register")
    page.locator("#display_name").fill(name)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#confirm").fill(password)
    page.locator("#submit").click()
    # Registering ends on the login page, the email filled in (a taken email looks alike).
    page.wait_for_url(re.compile(r"/auth/login$"))
    expect(page.locator("#email")).to_have_value(email)
    page.locator("#password").fill(password)
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator(".alert-success")).to_be_visible()


def log_in(page: Page, email: str, password: str, next_path: str | None = None) -> None:
    page.goto("/auth/login" + (f"?next={next_path}" if next_path else ""))
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#submit").click()
    expect(page.locator(".alert-success")).to_be_visible()


# --- the quiz --------------------------------------------------------------------------------


def find_question(prompt_text: str, bank: dict[str, dict]) -> dict:
    shown = plain(prompt_text)
    for question in bank.values():
        if plain(question["prompt"]) == shown:
            return question
    raise AssertionError(f"no bank question has the prompt {shown!r}")


def answer_question(card, question: dict, wrong: dict) -> None:
    """Fill one quiz card the way a learner would: click labels, type, pick options.
    `wrong` maps question ids to a deliberately wrong response."""
    kind = question["type"]
    choice = wrong.get(question["id"])
    if kind == "single_choice":
        text = choice or next(c["text"] for c in question["choices"] if c.get("correct"))
        card.get_by_label(plain(text), exact=True).check()
    elif kind == "multiple_response":
        chosen = choice or [c["text"] for c in question["choices"] if c.get("weight", 0) > 0]
        for text in chosen:
            card.get_by_label(plain(text), exact=True).check()
    elif kind == "true_false":
        value = question["answer"] if choice is None else choice
        card.locator(f'input[type=radio][value="{"true" if value else "false"}"]').check()
    elif kind in ("short_answer", "numeric"):
        if choice is not None:
            text = str(choice)
        elif kind == "numeric":
            text = str(question["answers"][0]["value"])
        else:
            text = question["answers"][0]["text"]
        card.locator("input[type=text]").fill(text)
    elif kind == "matching":
        for pair in question["pairs"]:
            card.get_by_label(plain(pair["left"]), exact=True).select_option(label=pair["right"])
    elif kind == "cloze":
        controls = card.locator("input[type=text], select")
        for index, blank in enumerate(question["blanks"]):
            control = controls.nth(index)
            if blank.get("options"):
                control.select_option(label=blank["answers"][0])
            else:
                control.fill(blank["answers"][0])
    else:
        raise AssertionError(f"the quiz should not show a {kind} question")


def answer_quiz(page: Page, bank: dict[str, dict], wrong: dict) -> list[str]:
    """Answers every question on the quiz page; returns the question ids in page order."""
    cards = page.locator("form.quiz-form li.card")
    order = []
    for index in range(cards.count()):
        card = cards.nth(index)
        question = find_question(card.locator(".question-prompt").first.inner_text(), bank)
        answer_question(card, question, wrong)
        order.append(question["id"])
    return order


# --- keyboard and focus ----------------------------------------------------------------------

_MARK_FOCUSABLE = """() => {
  const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const folded = (el) => {
    const details = el.closest('details:not([open])');
    return details && !(el.tagName === 'SUMMARY' && el.parentElement === details);
  };
  const shown = (el) => el.checkVisibility({visibilityProperty: true})
    && !folded(el) && !el.closest('[hidden], [inert]');
  const groups = new Set();
  const wanted = [];
  document.querySelectorAll(selector).forEach((el, index) => {
    el.dataset.e2eFocus = String(index);
    if (!shown(el)) return;
    if (el.type === 'radio') {
      // Tab stops once per radio group.
      if (groups.has(el.name)) return;
      groups.add(el.name);
      wanted.push('radio:' + el.name);
      return;
    }
    wanted.push(String(index));
  });
  return wanted;
}"""

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || !el.dataset.e2eFocus) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '');
  return {
    key: el.type === 'radio' ? 'radio:' + el.name : el.dataset.e2eFocus,
    visible: outline || shadow,
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + text.trim().slice(0, 40),
  };
}"""


def walk_with_tab(page: Page, max_steps: int = 400) -> None:
    """Every visible control is reached with Tab, in one pass, and shows where the focus is."""
    wanted = page.evaluate(_MARK_FOCUSABLE)
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached: list[str] = []
    invisible: list[str] = []
    for _ in range(min(max_steps, 2 * len(wanted) + 5)):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:
            if reached:
                break
            continue
        if focused["key"] in reached:
            break
        reached.append(focused["key"])
        if not focused["visible"]:
            invisible.append(focused["what"])
    missed = [key for key in wanted if key not in reached]
    assert not missed, f"not reachable with Tab on {page.url}: {_describe(page, missed)}"
    assert not invisible, f"no visible focus indicator on {page.url}: {invisible}"


def _describe(page: Page, keys: list[str]) -> list[str]:
    described = []
    for key in keys[:10]:
        if key.startswith("radio:"):
            described.append(key)
            continue
        described.append(
            page.evaluate(
                '(key) => { const el = document.querySelector(`[data-e2e-focus="${key}"]`);'
                " return el.outerHTML.slice(0, 120); }",
                key,
            )
        )
    return described


_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll('body *')).filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  }).slice(-8).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className ? '.' + el.className : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def expect_no_horizontal_overflow(page: Page, viewport: dict) -> None:
    """At `viewport`'s width the page scrolls only vertically (wide tables scroll inside
    their own .table-responsive box); otherwise names the innermost elements that stick out."""
    page.set_viewport_size(viewport)
    page.wait_for_load_state("load")
    found = page.evaluate(_OVERFLOW)
    assert found["scroll"] <= found["width"], f"{page.url} is too wide at {viewport}: {found}"
