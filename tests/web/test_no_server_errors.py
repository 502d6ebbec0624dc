"""No route answers a 500, whatever it is sent: junk is posted to every route of the app,
as a learner and as staff, with CSRF off so the junk reaches the views themselves."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, Question
from quizapp.models.types import utcnow
from quizapp.services import catalog, quizzes
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


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "10000 per minute"}


def _real_arguments(user_id: int) -> dict[str, str]:
    lesson = catalog.find_lesson(db.session, "curso-flask", "clase-3-que-es-flask")
    attempt = quizzes.start_attempt(db.session, user_id, lesson, utcnow())
    quizzes.submit_attempt(db.session, attempt, {}, utcnow())
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
        if rule.endpoint in ("static", "auth.logout") or rule.endpoint.startswith("bootstrap."):
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


@pytest.mark.parametrize("role", ["learner", "instructor"])
def test_junk_to_every_route_never_gets_a_500(app, client, make_user, bundled_course, role):
    user = make_user(role)
    real = _real_arguments(user.id)
    AuthActions(client).login(user.email)
    requests = _requests(app, real)
    assert len(requests) > 100
    failures = [f for method, path in requests for f in _server_errors(client, method, path)]
    failures += _server_errors(client, "POST", "/auth/logout")
    assert failures == []
