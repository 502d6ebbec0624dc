"""An XSS corpus pushed through every way text gets into the site: lesson Markdown (a
course folder loaded by the loader), question prompts, choices, feedback and explanations
(a YAML bank), a GIFT and an Anki CSV file (planned and applied by the import service and
previewed through the upload form), learners' free-text answers and display names. The
lesson, quiz, result, review, instructor and dashboard pages that show them must contain
nothing executable: no script of ours but static files, no event-handler attributes, no
`javascript:`/`data:` URLs, no frames or objects, and no template evaluation."""

import contextlib
import csv
import datetime
import io
import re
import sqlite3
import zipfile
from html.parser import HTMLParser
from itertools import cycle
from urllib.parse import quote

import pytest
import sqlalchemy as sa
import yaml

from quizapp.extensions import db
from quizapp.models import Attempt, Card, Course, Lesson, Question
from quizapp.models.types import utcnow
from quizapp.services import accounts, bank_import
from quizapp.services.content_loader import load_path
from tests.conftest import PASSWORD, AuthActions, csrf_token_from
from tests.quiz_answers import start_quiz

# Each entry carries a marker (xssNN) so a test can tell it reached the page, as text.
CORPUS = [
    "<script>alert('xss01')</script>",
    "<SCRIPT SRC=//evil.example/xss02.js></SCRIPT>",
    "<img src=x onerror=\"alert('xss03')\">",
    "<svg onload=alert('xss04')>",
    "<svg><script>alert('xss05')</script></svg>",
    "<iframe src=\"javascript:alert('xss06')\"></iframe>",
    "<a href=\"javascript:alert('xss07')\">xss07</a>",
    "<a href=\"JaVaScRiPt:alert('xss08')\">xss08</a>",
    "[xss09](javascript:alert(1))",
    "[xss10](JaVaScRiPt:alert(1))",
    "[xss11](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[xss12](&#106;avascript:alert(1))",
    "[xss13](java&#x09;script:alert(1))",
    "[xss14](vbscript:msgbox(1))",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">xss15</a>',
    '<object data="data:text/html,<script>alert(1)</script>">xss16</object>',
    '<math><mi xlink:href="javascript:alert(1)">xss17</mi></math>',
    "<details open ontoggle=alert('xss18')>",
    "<body onload=alert('xss19')>",
    "\"><script>alert('xss20')</script>",
    "'><img src=x onerror=alert('xss21')>",
    "<style>@import 'javascript:alert(1)';</style>xss22",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">xss23',
    "![xss24](javascript:alert(1))",
    "[xss25](<javascript:alert(1)>)",
    '<a href="data:text/html,<script>alert(1)</script>">xss26</a>',
    "&lt;script&gt;alert('xss27')&lt;/script&gt;",
    "<scr<script>ipt>alert('xss28')</script>",
    "[xss29](javascript&colon;alert(1))",
    "<form action=javascript:alert(1)><button>xss30</button></form>",
    "<input autofocus onfocus=alert('xss31')>",
    "<a href=\" javascript:alert('xss32')\">x</a> [xss32b]( javascript:alert(1))",
    "{{ 1337 * 1337 }} xss33 {% if true %}evaluated{% endif %}",
    "<base href=\"javascript:alert('xss34')//\">",
    "<embed src=\"data:image/svg+xml,<svg onload=alert('xss35')>\">",
    # Formulas become MathML and code is highlighted on the server: neither may carry a link,
    # a style, markup from \\text{} or a class out of the fence's info string.
    "$\\href{javascript:alert('xss36')}{\\text{xss36}}$",
    "$\\text{<script>alert('xss37')</script><img src=x onerror=alert(1)>xss37}$",
    "$\\style{background:url(javascript:alert(1))}{\\text{xss38}}$",
    "$$\n\\color{url(javascript:alert(1))}{\\text{xss39}}\\mathbackground{red}\n$$",
    "xss40 $\\def\\x{\\x\\x}\\x$ $</math><script>alert('xss40')</script>$",
    "```python\" onmouseover=\"alert(1)\nxss41 = '<script>alert(1)</script>'\n```",
    "```html\n<script>alert('xss42')</script>\n```",
    'xss43 ![" onerror="alert(1)](media:' + "a" * 64 + ".png) ![x](/media/../../etc/passwd)",
    "xss44 ![a](javascript:alert(1)) ![b](data:image/png;base64,iVBORw0KGgo=)",
    "$\\text{</mtext></math><iframe src=javascript:alert(1)>}$ xss45",
]
DISPLAY_NAME = "<img src=x onerror=alert('xssname')>\"><svg onload=alert(1)>"
MARKERS = [re.search(r"xss\d\d", entry).group(0) for entry in CORPUS]
TEMPLATE_EVALUATED = str(1337 * 1337)

# <math> itself is ours now (formulas are MathML); the MathML that hosts HTML or runs
# actions is not.
FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style",
    "annotation-xml", "maction", "semantics", "mglyph", "foreignobject",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "cite", "ping", "lowsrc", "dynsrc", "codebase",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
OUR_SCRIPTS = ("/static/", "/bootstrap/static/")


class ExecutableFinder(HTMLParser):
    """Lists what a browser could run in a page: scripts that are not our static files,
    inline script text, event-handler and style attributes, dangerous URL schemes, frames
    and objects, meta refreshes. Keeps the visible text for the markers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:80]!r}")
        self.text.append(data)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag} {' '.join(f'{n}={v!r}' for n, v in attrs)}>"[:160]
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden tag: {where}")
        if tag == "script" and not values.get("src", "").startswith(OUR_SCRIPTS):
            self.problems.append(f"script not from our static files: {where}")
        if tag == "svg" and values.get("class") != "chart-svg":
            self.problems.append(f"svg that is not one of our charts: {where}")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"meta http-equiv: {where}")
        for name, value in values.items():
            if name.startswith("on") or name == "style":
                self.problems.append(f"{name} attribute: {where}")
            # base.html's empty favicon is the one data: URL of ours.
            our_favicon = (tag, values.get("rel"), value) == ("link", "icon", "data:,")
            if name in URL_ATTRIBUTES and _scheme_is_bad(value) and not our_favicon:
                self.problems.append(f"dangerous URL: {where}")


def _scheme_is_bad(url: str) -> bool:
    """Browsers drop whitespace and control characters inside a scheme."""
    squeezed = "".join(ch for ch in url if ord(ch) > 32 and ord(ch) != 127).lower()
    return squeezed.startswith(BAD_SCHEMES)


def executable_parts(html: str) -> tuple[list[str], str]:
    finder = ExecutableFinder()
    finder.feed(html)
    finder.close()
    return finder.problems, " ".join(finder.text)


def test_the_finder_sees_each_kind_of_executable_markup():
    """The checker itself: raw payloads are caught, our own page furniture is not."""
    for raw in [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<svg onload=alert(1)>",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="color:red">x</p>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<script src="https://evil.example/x.js"></script>',
    ]:
        assert executable_parts(raw)[0], raw
    ours = (
        '<link rel="icon" href="data:,"><script src="/static/js/author.js"></script>'
        '<svg class="chart-svg" role="img"></svg><a href="/courses/x">&lt;script&gt;</a>'
    )
    assert executable_parts(ours)[0] == []


# --- the content -----------------------------------------------------------------------------


def _course_markdown() -> str:
    body = "\n\n".join(CORPUS)
    return f"""# Curso {CORPUS[0]}

Descripción {CORPUS[2]} y {CORPUS[8]}.

## Clase 1 Lección {CORPUS[2]}

{body}

### Sección {CORPUS[3]}

| columna | {CORPUS[0]} |
|---|---|
| {CORPUS[6]} | {CORPUS[8]} |

- {CORPUS[10]}
- [referencia][evil]

> {CORPUS[4]}

```html
{CORPUS[0]}
```

[evil]: javascript:alert('ref')

## Clase 2 Importados desde GIFT {CORPUS[19]}

Texto {CORPUS[20]}.

## Clase 3 Tarjetas de Anki

Texto {CORPUS[16]}.
"""


def _bank(payloads) -> str:
    """Lesson 1's bank: every text field of every question type holds a payload."""
    take = payloads.__next__
    questions = [
        {
            "id": "x-single",
            "type": "single_choice",
            "title": take(),
            "prompt": take(),
            "explanation": take(),
            "choices": [
                {"text": take(), "correct": True, "feedback": take()},
                {"text": take(), "feedback": take()},
                {"text": take(), "feedback": take()},
            ],
        },
        {
            "id": "x-multiple",
            "type": "multiple_response",
            "prompt": take(),
            "explanation": take(),
            "choices": [
                {"text": take(), "correct": True, "feedback": take()},
                {"text": take(), "correct": True, "feedback": take()},
                {"text": take(), "feedback": take()},
            ],
        },
        {
            "id": "x-true-false",
            "type": "true_false",
            "prompt": take(),
            "answer": True,
            "feedback_true": take(),
            "feedback_false": take(),
            "explanation": take(),
        },
        {
            "id": "x-short",
            "type": "short_answer",
            "prompt": take(),
            "answers": [{"text": take(), "feedback": take()}, {"text": "flask", "weight": 50}],
            "explanation": take(),
        },
        {
            "id": "x-numeric",
            "type": "numeric",
            "prompt": take(),
            "answers": [{"value": 3, "tolerance": 0.5, "feedback": take()}],
            "explanation": take(),
        },
        {
            "id": "x-matching",
            "type": "matching",
            "prompt": take(),
            "pairs": [{"left": take(), "right": take()}, {"left": take(), "right": take()}],
            "distractors": [take()],
        },
        {
            "id": "x-cloze",
            "type": "cloze",
            "prompt": take(),
            "text": f"{take()} {{{{1}}}} y {{{{2}}}} {take()}",
            "blanks": [
                {"answers": [take()]},
                {"answers": ["uno"], "options": ["uno", take()]},
            ],
        },
        {"id": "x-card", "type": "flashcard", "prompt": take(), "back": take()},
    ]
    return yaml.safe_dump({"lesson": 1, "questions": questions}, allow_unicode=True)


def _gift_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "~=#{}:\\" else ch for ch in text)


def _gift(payloads) -> str:
    take = lambda: _gift_escape(next(payloads))  # noqa: E731
    return f"""// [id:g-x-choice]
::{take()}::[html]{take()} {{
  ={take()}#{take()}
  ~{take()}#{take()}
  ####{take()}
}}

// [id:g-x-markdown]
::g2::[markdown]{take()} {{T#{take()}#{take()}}}

// [id:g-x-short]
::g3::{take()} {{={take()}#{take()} =flask}}

// [id:g-x-matching]
::g4::{take()} {{
  ={take()} -> {take()}
  ={take()} -> {take()}
  ={take()} -> {take()}
}}

// [id:g-x-missing-word]
::g5::{take()} {{~{take()} =uno ~dos}} {take()}.
"""


def _anki_csv(payloads) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for number in range(6):
        writer.writerow([f"{next(payloads)} {number}", next(payloads), "xss"])
    return out.getvalue()


def _import(course: Course, lesson: Lesson, text: str, filename: str) -> None:
    plan = bank_import.plan_import(db.session, course, lesson, text, filename)
    assert plan.ok, plan.errors
    assert plan.items
    bank_import.apply_import(db.session, plan)
    db.session.commit()


@pytest.fixture
def xss_course(app, tmp_path):
    """The course, loaded and imported as an instructor would; returns its lessons."""
    payloads = cycle(CORPUS)
    folder = tmp_path / "xss-course"
    folder.mkdir()
    (folder / "course.md").write_text(_course_markdown(), encoding="utf-8")
    (folder / "clase-1.yaml").write_text(_bank(payloads), encoding="utf-8")
    report = load_path(db.session, folder, utcnow())
    db.session.commit()
    course = db.session.scalar(sa.select(Course).where(Course.slug == report.course_slug))
    lessons = sorted(course.lessons, key=lambda lesson: lesson.number)
    assert [lesson.number for lesson in lessons] == [1, 2, 3]
    _import(course, lessons[1], _gift(payloads), "xss.gift")
    _import(course, lessons[2], _anki_csv(payloads), "xss.csv")
    return course, lessons


# --- filling forms as a learner would ---------------------------------------------------------


class FormFields(HTMLParser):
    """The fields of a page's forms with a value a learner might give: the first radio
    and checkbox of each group, the first option of each select, `text` for text boxes."""

    def __init__(self, text_for):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, str] = {}
        self._text_for = text_for
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        name = values.get("name")
        if tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and self._select not in self.data:
            if values.get("value"):
                self.data[self._select] = values["value"]
        elif tag == "textarea" and name:
            self.data[name] = self._text_for(values)
        elif tag == "input" and name:
            kind = values.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.data.setdefault(name, values.get("value", "y"))
            elif kind == "hidden":
                self.data[name] = values.get("value", "")
            elif kind in ("text", "search", ""):
                self.data[name] = self._text_for(values)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def fill_form(html: str, payloads) -> dict[str, str]:
    def text_for(attributes: dict) -> str:
        return "3" if attributes.get("inputmode") == "decimal" else next(payloads)

    fields = FormFields(text_for)
    fields.feed(html)
    return fields.data


# --- the pages -------------------------------------------------------------------------------


class Pages:
    """Fetches pages and keeps what the finder saw on each."""

    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []
        self.texts: dict[str, str] = {}

    def check(self, label: str, response) -> str:
        html = response.get_data(as_text=True)
        assert response.status_code == 200, f"{label}: {response.status_code}"
        problems, text = executable_parts(html)
        self.problems += [f"{label}: {problem}" for problem in problems]
        if TEMPLATE_EVALUATED in html:
            self.problems.append(f"{label}: a template expression in the content was evaluated")
        self.texts[label] = text
        return html

    def _followed(self, response):
        # (IsolatedClient runs each request in its own context: redirects are followed here.)
        for _hop in range(5):
            if response.status_code not in (301, 302, 303):
                break
            response = self.client.get(response.headers["Location"])
        return response

    def get(self, path: str, label: str | None = None) -> str:
        return self.check(label or path, self._followed(self.client.get(path)))

    def post(self, path: str, data: dict, label: str | None = None) -> str:
        response = self._followed(self.client.post(path, data=data))
        return self.check(label or f"POST {path}", response)

    def markers_on(self, label: str) -> set[str]:
        return {marker for marker in MARKERS if marker in self.texts[label]}


def _lesson_path(lesson: Lesson) -> str:
    return f"/courses/{lesson.course.slug}/{lesson.slug}"


def _take_quizzes(pages: Pages, lessons: list[Lesson], payloads) -> list[str]:
    results = []
    for lesson in lessons[:2]:
        start_quiz(pages.client, f"{_lesson_path(lesson)}/quiz")
        quiz = pages.get(f"{_lesson_path(lesson)}/quiz", f"quiz {lesson.number}")
        answers = fill_form(quiz, payloads)
        assert "attempt_id" in answers
        pages.post(f"{_lesson_path(lesson)}/quiz", answers, f"result {lesson.number}")
        results.append(f"result {lesson.number}")
    return results


def _review_cards(pages: Pages, payloads) -> int:
    """Works through the review queue: flashcards are rated, questions answered with
    payloads (their result page shows the answer back). Returns the answers given."""
    answered = 0
    for number in range(12):
        card = pages.get("/review", f"review card {number}")
        answer = re.search(r'action="(/review/\d+/answer[^"]*)"', card)
        rate = re.search(r'action="(/review/\d+/rate[^"]*)"', card)
        if answer:
            path = answer.group(1).replace("&amp;", "&")
            pages.post(path, fill_form(card, payloads), f"review result {number}")
            answered += 1
            rate = None
        if rate:
            data = {**fill_form(card, payloads), "rating": "3"}
            pages.post(rate.group(1).replace("&amp;", "&"), data, f"after rating {number}")
        if not (answer or rate):
            break
    return answered


def test_nothing_executable_reaches_any_page(app, client, make_user, xss_course):
    course, lessons = xss_course
    learner = accounts.create_user(
        db.session, "xss-learner@example.org", PASSWORD, display_name=DISPLAY_NAME
    )
    db.session.commit()
    payloads = cycle(CORPUS)
    pages = Pages(client)

    # The learner: the public pages, the lessons, two quizzes answered with payloads, a review.
    pages.get("/", "home")
    pages.get(f"/courses/{course.slug}", "course")
    AuthActions(client).login(learner.email)
    for lesson in lessons:
        pages.get(_lesson_path(lesson), f"lesson {lesson.number}")
    results = _take_quizzes(pages, lessons, payloads)
    # Every card of the learner comes due, so the quiz questions come back as reviews.
    db.session.execute(
        sa.update(Card)
        .where(Card.user_id == learner.id)
        .values(due=utcnow() - datetime.timedelta(days=1))
    )
    db.session.commit()
    assert _review_cards(pages, payloads) > 0
    pages.get("/dashboard", "learner dashboard")
    learner_results = [path for path in pages.texts if path.startswith("result")]
    assert learner_results == results

    # The instructor sees the learner's answers and every authoring page.
    AuthActions(client).logout()
    AuthActions(client).login(make_user("instructor").email)
    attempt_pages = _instructor_pages(pages, course, lessons, learner.id)
    assert attempt_pages

    assert pages.problems == []
    # The payloads did reach the pages, shown as text: nothing was lost on the way.
    assert pages.markers_on("lesson 1") == set(MARKERS)
    for label in ("quiz 1", "result 1", "quiz 2", "result 2", "questions 1", "questions 2"):
        assert len(pages.markers_on(label)) >= 3, label
    assert pages.markers_on("questions 3"), "the Anki cards"
    assert "xssname" in pages.texts["course dashboard"]
    assert "xssname" in pages.texts["learner detail"]


def _instructor_pages(pages: Pages, course: Course, lessons: list[Lesson], learner_id: int):
    base = f"/instructor/courses/{course.slug}"
    pages.get("/instructor/", "instructor index")
    for lesson in lessons:
        pages.get(f"{base}/lessons/{lesson.slug}/questions", f"questions {lesson.number}")
        pages.get(f"{base}/lessons/{lesson.slug}/coverage", f"coverage {lesson.number}")
        pages.get(f"{base}/lessons/{lesson.slug}/drafts", f"drafts {lesson.number}")
    edit = pages.get(f"{base}/lessons/{lessons[0].slug}/edit", "lesson editor")
    pages.post(
        f"{base}/lessons/{lessons[0].slug}/edit",
        {
            "csrf_token": csrf_token_from(edit),
            "title": CORPUS[5],
            "body_md": "\n\n".join(CORPUS),
            "preview": "y",
        },
        "lesson editor preview",
    )
    for question in db.session.scalars(sa.select(Question).where(Question.course_id == course.id)):
        pages.get(f"/instructor/questions/{question.id}/edit", f"editor of {question.external_id}")
    pages.get(base, "course dashboard")
    pages.get(f"{base}/learners/{learner_id}", "learner detail")
    attempts = db.session.scalars(sa.select(Attempt.id).where(Attempt.user_id == learner_id))
    paths = [f"/attempts/{attempt_id}" for attempt_id in attempts]
    for path in paths:
        pages.get(path, f"staff view of {path}")
    return paths


def test_the_markdown_preview_returns_nothing_executable(client, make_user):
    AuthActions(client).login(make_user("instructor").email)
    token = csrf_token_from(client.get("/instructor/").get_data(as_text=True))
    pages = Pages(client)
    for number, entry in enumerate(CORPUS):
        pages.post("/instructor/preview", {"csrf_token": token, "text": entry}, f"preview {number}")
    assert pages.problems == []


@pytest.fixture
def app_config(tmp_path):
    # Previewed uploads wait in a folder: this module's go to a temporary one.
    return {"IMPORT_UPLOAD_DIR": str(tmp_path / "uploads")}


def test_an_uploaded_import_preview_shows_nothing_executable(client, make_user, xss_course):
    course, lessons = xss_course
    AuthActions(client).login(make_user("instructor").email)
    pages = Pages(client)
    path = f"/instructor/courses/{course.slug}/import"
    token = csrf_token_from(pages.get(path, "import form"))
    payloads = cycle(reversed(CORPUS))
    gift = _gift(payloads).replace("[id:g-x-", "[id:up-x-").encode()
    for filename, data in (("upload.gift", gift), ("upload.csv", _anki_csv(payloads).encode())):
        form = {
            "csrf_token": token,
            "format": "auto",
            "lesson": lessons[1].slug,
            "file": (io.BytesIO(data), filename),
        }
        response = client.post(path, data=form, content_type="multipart/form-data")
        html = pages.check(f"import preview of {filename}", response)
        assert "confirm" in html
    assert pages.problems == []


def test_the_content_is_stored_as_authored(xss_course):
    """Sanitising happens on output only: the loader and the imports keep the source text."""
    _course, lessons = xss_course
    assert all(entry in lessons[0].body_md for entry in CORPUS)


def test_an_anki_deck_export_carries_nothing_executable(client, make_user, xss_course, tmp_path):
    """Anki runs scripts in card HTML: the exported notes are sanitised too."""
    course, _lessons = xss_course
    AuthActions(client).login(make_user("instructor").email)
    response = client.get(f"/instructor/courses/{course.slug}/export?format=apkg")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        (tmp_path / "collection.anki2").write_bytes(package.read("collection.anki2"))
    with contextlib.closing(sqlite3.connect(tmp_path / "collection.anki2")) as collection:
        fields = [row[0] for row in collection.execute("SELECT flds FROM notes")]
    assert len(fields) >= 10
    problems = [
        problem for note in fields for problem in executable_parts(note.replace("\x1f", " "))[0]
    ]
    assert problems == []
    assert any("xss" in note for note in fields)


REFLECTED = ["next", "sort", "order", "discarded", "type", "format", "course", "lesson", "q"]
# What breaks out of an attribute or lands in an href when a parameter is echoed back.
REFLECTED_PAYLOADS = [
    "\"><script>alert('r1')</script>",
    "'><img src=x onerror=alert('r2')>",
    "javascript:alert('r3')",
    " JaVaScRiPt:alert('r4')",
    "<svg onload=alert('r5')>",
    "data:text/html,<script>alert('r6')</script>",
]


@pytest.mark.parametrize("role", ["anonymous", "learner", "instructor"])
def test_query_parameters_and_paths_are_not_reflected_as_markup(
    client, make_user, html_routes, owned_ids, path_of, role
):
    """Every page, with a payload in every query parameter a view reads (and in a path
    segment, for the error pages): whatever the status, the HTML runs nothing."""
    ids = owned_ids(make_user("learner"))
    if role != "anonymous":
        AuthActions(client).login(make_user(role).email)
    problems, echoed = [], set()
    for number, entry in enumerate(REFLECTED_PAYLOADS):
        query = "&".join(f"{name}={quote(entry)}" for name in REFLECTED)
        for endpoint, method, rule in html_routes:
            if method != "GET" or endpoint == "auth.logout":
                continue
            response = client.get(f"{path_of(rule, ids)}?{query}")
            if response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                found, _text = executable_parts(html)
                problems += [f"{endpoint} ({number}): {problem}" for problem in found]
                if f"alert('r{number + 1}')" in html.replace("&#39;", "'"):
                    echoed.add(endpoint)
        response = client.get(f"/courses/{quote(entry, safe='')}")
        problems += executable_parts(response.get_data(as_text=True))[0]
    assert problems == []
    assert "auth.login" in echoed  # the payloads do come back (the login form keeps `next`)
