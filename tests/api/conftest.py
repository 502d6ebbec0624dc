"""API test helpers: a client that sends a Bearer token, tokens for new users, and
responses in the API's shape (original positions) that are all right or deliberately wrong."""

import pytest

from quizapp.domain.quiz_layout import matching_options, response_as_places
from quizapp.extensions import db
from quizapp.models import Answer
from quizapp.services.question_store import question_dict
from tests.conftest import PASSWORD

COURSE = "curso-flask"
LESSON = "clase-3-que-es-flask"
LESSON_PATH = f"/courses/{COURSE}/lessons/{LESSON}"


class Api:
    """Calls /api/v1 with `Authorization: Bearer <token>` (or none when token is None)."""

    def __init__(self, client, token: str | None, user=None):
        self.client = client
        self.token = token
        self.user = user

    def _headers(self, headers: dict | None) -> dict:
        out = dict(headers or {})
        if self.token is not None:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.get("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def post(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.post("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def delete(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.delete("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def put(self, path: str, headers: dict | None = None, **kwargs):
        return self.client.put("/api/v1" + path, headers=self._headers(headers), **kwargs)


@pytest.fixture
def issue_token(client, make_user):
    """`issue_token(role)` → (user, token), the token obtained through POST /tokens."""

    def issue(role: str = "learner"):
        user = make_user(role)
        response = client.post(
            "/api/v1/tokens", json={"email": user.email, "password": PASSWORD, "name": "tests"}
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        return user, response.get_json()["token"]

    return issue


@pytest.fixture
def api_as(client, issue_token):
    """`api_as(role)` → an Api client holding a fresh token of a new user of that role."""

    def make(role: str = "learner") -> Api:
        user, token = issue_token(role)
        return Api(client, token, user)

    return make


@pytest.fixture
def learner_api(api_as, bundled_course, enrol):
    """A learner enrolled in the bundled course."""
    api = api_as("learner")
    enrol(api.user)
    return api


@pytest.fixture
def staff_api(api_as, bundled_course):
    return api_as("instructor")


def right_response(question: dict):
    """The full-marks response to a normalised question, in the API's JSON shape."""
    if question.get("choices"):
        if question["type"] == "single_choice":
            return next(i for i, c in enumerate(question["choices"]) if c.get("correct"))
        return [i for i, c in enumerate(question["choices"]) if c["weight"] > 0]
    if "answer" in question and isinstance(question["answer"], bool):
        return question["answer"]
    if question.get("pairs"):
        options = matching_options(question)
        return {str(i): options.index(p["right"]) for i, p in enumerate(question["pairs"])}
    if question.get("blanks"):
        return [blank["answers"][0] for blank in question["blanks"]]
    best = max(question["answers"], key=lambda a: a.get("weight", 100))
    if question["type"] == "numeric":
        return best["value"] if best.get("value") is not None else best["min"]
    return best["text"]


def wrong_response(question: dict):
    """A response that scores less than full marks."""
    if question.get("choices"):
        if question["type"] == "single_choice":
            return next(i for i, c in enumerate(question["choices"]) if not c.get("correct"))
        return [i for i, c in enumerate(question["choices"]) if c["weight"] <= 0]
    if "answer" in question and isinstance(question["answer"], bool):
        return not question["answer"]
    if question.get("pairs"):
        count = len(question["pairs"])
        return [(i + 1) % count for i in range(count)]
    if question.get("blanks"):
        return ["zzz-mal" for _blank in question["blanks"]]
    return "-987654" if question["type"] == "numeric" else "zzz-mal"


def as_places(question: dict, layout: list, response):
    """An authored-position response (right_response, wrong_response) as the API takes it:
    positions are places in the order the options were listed."""
    if question.get("pairs"):
        response = dict(enumerate(response)) if isinstance(response, list) else response
        response = {int(key): value for key, value in response.items()}
    shown = response_as_places(question, layout, response)
    return {str(k): v for k, v in shown.items()} if isinstance(shown, dict) else shown


def definition_of(answer_id: int) -> dict:
    """The normalised question behind one question of an attempt (read from the database)."""
    return question_dict(db.session.get(Answer, answer_id).question)


def all_right(started: dict, wrong: frozenset[int] = frozenset()) -> dict:
    """A submit body answering every question right except the positions in `wrong`."""
    answers = []
    for item in started["questions"]:
        answer = db.session.get(Answer, item["answer_id"])
        question = question_dict(answer.question)
        make = wrong_response if item["position"] in wrong else right_response
        response = as_places(question, answer.display_order, make(question))
        answers.append({"answer_id": item["answer_id"], "response": response})
    return {"answers": answers}
