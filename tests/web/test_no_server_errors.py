"""No route answers a 500, whatever it is sent: junk is posted to every route of the app,
as a learner and as staff, with CSRF off so the junk reaches the views themselves."""

import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, Question
from quizapp.models.types import utcnow
from quizapp.services import catalog, quiz_submission, quizzes
from tests.conftest import AuthActions

JUNK_FORMS = [
    {},
    {"email": "\x00" * 10, "password": ["a", "b"], "next": "//evil"},
    {"q1": "999", "attempt_id": "-1", "rating": "7", "lesson": "zz", "format": "exe"},
    {"text": "{" * 500, "prompt": "", "type": "essay", "choices-0-text": "x" * 5000},
    {"attempt_id": "99999999999999999999", "expected_reps": "nan", "duration_ms": "1e309"},
]
# For each URL argument: a value that exists (so the junk reaches the view) and junk.
JUNK_ARGUMENT = {"int": "2147483648", "str": "x%00y"}
LOGGING_OUT = ("auth.logout", "auth.logout_everywhere")  # they end the session: last
# Put in every field a page or the API knows of: NUL, a digit int() refuses ("²".isdigit()
# is true), a number no column holds, and half a surrogate pair ("\ud800", which JSON can
# escape; pages read JSON bodies too); in a form or query, invalid UTF-8 (%ED%A0%80).
JUNK_VALUES = {"nul": "\x00", "unicode digit": "²", "overlong number": "9" * 40}
LONE_SURROGATE_JSON = "\ud800"
LONE_SURROGATE_URL = "%ED%A0%80"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "10000 per minute"}


def _real_arguments(user_id: int) -> dict[str, str]:
    lesson = catalog.find_lesson(db.session, "curso-flask", "clase-3-que-es-flask")
    attempt = quizzes.start_attempt(db.session, user_id, lesson, utcnow())
    quiz_submission.submit_attempt(db.session, attempt, {}, utcnow())
    db.session.commit()
    card = db.session.scalar(sa.select(Card).where(Card.user_id == user_id).limit(1))
    question = db.session.scalar(
        sa.select(Question).where(Question.lesson_id == lesson.id).limit(1)
    )
    return {
        "course_slug": "curso-flask",
        "course": "curso-flask",
        "lesson_slug": lesson.slug,
        "lesson": lesson.slug,
        "attempt_id": str(attempt.id),
        "card_id": str(card.id),
        "card": str(card.id),
        "question_id": str(question.id),
        "user_id": str(user_id),
        "token_id": "1",
        "code": "en",
        "draft_id": "draft-3-00000000",
    }


def _requests(app, real: dict[str, str]) -> list[tuple[str, str]]:
    requests = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", *LOGGING_OUT) or rule.endpoint.startswith("bootstrap."):
            continue
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            for junk in (False, True):
                path = rule.rule
                for arg, converter in rule._converters.items():
                    kind = "int" if "Integer" in type(converter).__name__ else "str"
                    value = JUNK_ARGUMENT[kind] if junk else real.get(arg, "1")
                    path = path.replace(f"<int:{arg}>", value).replace(f"<{arg}>", value)
                requests.add((method, path))
    return sorted(requests)


def _server_errors(client, method: str, path: str) -> list[str]:
    failures = []
    for form in JUNK_FORMS if method != "GET" else [{}]:
        response = client.open(path, method=method, data=form)
        if response.status_code >= 500:
            failures.append(f"{method} {path} {form!r} -> {response.status_code}")
    if method != "GET":
        response = client.open(path, method=method, data=b"\xff{", content_type="application/json")
        if response.status_code >= 500:
            failures.append(f"{method} {path} bad JSON -> {response.status_code}")
    return failures


def _field_names(app, client, requests: list[tuple[str, str]]) -> list[str]:
    """Every form field of the pages this user sees, and every property of the API's
    request schemas."""
    from quizapp.api import answer_schemas, authoring_schemas, dashboard_schemas, schemas

    names = set()
    for method, path in requests:
        if method == "GET" and not path.startswith("/api/"):
            names.update(re.findall(r'name="([^"]+)"', client.get(path).get_data(as_text=True)))
    modules = (schemas, answer_schemas, dashboard_schemas, authoring_schemas)
    stack = [v for m in modules for v in vars(m).values() if isinstance(v, dict | list)]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            names.update(
                item.get("properties", {}) if isinstance(item.get("properties"), dict) else ()
            )
            stack.extend(value for value in item.values() if isinstance(value, dict | list))
        else:
            stack.extend(value for value in item if isinstance(value, dict | list))
    names.discard("csrf_token")  # CSRF is off here; a junk token would only be ignored
    return sorted(names)


def _junk_in_every_field(client, method: str, path: str, names: list[str]) -> list[str]:
    """The request once per kind of junk, that junk in all the fields at once: as a query
    for a GET, else as a form and as a JSON body."""
    surrogate_query = "&".join(f"{quote(name)}={LONE_SURROGATE_URL}" for name in names)
    sent = []
    if method == "GET":
        for kind, value in JUNK_VALUES.items():
            sent.append((kind, {"query_string": {name: value for name in names}}))
        sent.append(("lone surrogate", {"query_string": surrogate_query}))
    else:
        for kind, value in JUNK_VALUES.items():
            sent.append((f"form {kind}", {"data": {name: value for name in names}}))
            sent.append((f"JSON {kind}", {"json": {name: value for name in names}}))
        sent.append(
            (
                "form lone surrogate",
                {
                    "data": surrogate_query,
                    "content_type": "application/x-www-form-urlencoded",
                },
            )
        )
        sent.append(
            ("JSON lone surrogate", {"json": {name: LONE_SURROGATE_JSON for name in names}})
        )
    failures = []
    for kind, request in sent:
        response = client.open(path, method=method, **request)
        if response.status_code >= 500:
            failures.append(f"{method} {path} {kind} in every field -> {response.status_code}")
    return failures


@pytest.mark.parametrize("role", ["learner", "instructor"])
def test_junk_to_every_route_never_gets_a_500(app, client, make_user, bundled_course, role):
    user = make_user(role)
    real = _real_arguments(user.id)
    AuthActions(client).login(user.email)
    requests = _requests(app, real)
    assert len(requests) > 100
    failures = [f for method, path in requests for f in _server_errors(client, method, path)]
    names = _field_names(app, client, requests)
    assert {"email", "attempt_id", "answers", "text"} <= set(names)
    for method, path in requests:
        if "2147483648" not in path and "x%00y" not in path:  # junk that reaches the view
            failures += _junk_in_every_field(client, method, path, names)
    failures += _server_errors(client, "POST", "/account/logout-everywhere")
    failures += _server_errors(client, "POST", "/auth/logout")
    assert failures == []
