"""Input no database can store is refused before it reaches one, and an error never echoes
more than a short piece of what was sent."""

import pytest
import sqlalchemy as sa

from quizapp.api.validation import MAX_ECHO
from quizapp.extensions import db
from quizapp.models import ApiToken
from tests.api.conftest import Api
from tests.conftest import PASSWORD

LONE_SURROGATE = "\ud800"  # JSON writes it as the escape \ud800


def _token_request(client, **body):
    return client.post("/api/v1/tokens", json=body)


@pytest.mark.parametrize(
    "body",
    [
        {"email": LONE_SURROGATE, "password": "x"},
        {"email": "a@example.org", "password": "x" + LONE_SURROGATE},
        {"email": "a@example.org", "password": "x", LONE_SURROGATE: 1},
    ],
    ids=["email", "password", "key"],
)
def test_a_lone_surrogate_in_a_token_request_is_a_422(client, body):
    response = _token_request(client, **body)
    assert response.status_code == 422
    assert "valid Unicode" in response.get_json()["error"]["message"]


def test_a_lone_surrogate_in_a_token_name_stores_nothing(client, make_user):
    user = make_user()
    response = _token_request(client, email=user.email, password=PASSWORD, name=LONE_SURROGATE)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_lone_surrogate_in_import_text_is_a_422(client, issue_token, bundled_course):
    _staff, token = issue_token("instructor")
    body = {"format": "gift", "text": f"::q:: Flask {LONE_SURROGATE}? {{T}}"}
    response = Api(client, token).post("/courses/curso-flask/import", json=body)
    assert response.status_code == 422
    assert "valid Unicode" in response.get_json()["error"]["message"]


def test_a_surrogate_pair_is_ordinary_text(client, make_user):
    user = make_user()
    response = _token_request(client, email=user.email, password=PASSWORD, name="\U0001f600")
    assert response.status_code == 201  # json.dumps sends it as the pair \ud83d\ude00


def test_a_422_echoes_only_a_short_piece_of_a_huge_value(client):
    response = _token_request(client, email="x" * 1_000_000, password="y")
    assert response.status_code == 422
    message = response.get_json()["error"]["message"]
    assert "too long" in message
    assert len(message) <= 4 * MAX_ECHO
    assert len(response.get_data()) < 8 * MAX_ECHO


def test_a_404_echoes_only_a_short_piece_of_a_long_slug(client, issue_token):
    _user, token = issue_token()
    response = Api(client, token).get("/courses/" + "a" * 3000 + "/lessons")
    assert response.status_code == 404
    assert len(response.get_json()["error"]["message"]) <= 4 * MAX_ECHO


@pytest.mark.parametrize("attempt_id", ["²", "٣", "9" * 40, "1e3"])
def test_an_odd_attempt_id_in_the_quiz_form_is_no_500(
    client, auth, make_user, bundled_course, attempt_id
):
    from tests.conftest import csrf_token_from

    auth.login(make_user().email)
    quiz = "/courses/curso-flask/clase-3-que-es-flask/quiz"
    token = csrf_token_from(client.get(quiz).get_data(as_text=True))
    response = client.post(quiz, data={"attempt_id": attempt_id, "csrf_token": token})
    assert response.status_code in (200, 400, 422)
