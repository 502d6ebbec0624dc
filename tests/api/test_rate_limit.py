"""The API's rate limit counts per token and answers 429 in JSON."""

import pytest

from tests.api.conftest import Api


@pytest.fixture
def app_config():
    return {"API_RATE_LIMIT": "3 per minute"}


def test_a_token_over_its_limit_gets_a_json_429(client, issue_token, bundled_course):
    _user, token = issue_token()
    api = Api(client, token)
    statuses = [api.get(path).status_code for path in ("/courses", "/me/progress", "/courses")]
    assert statuses == [200, 200, 200]
    response = api.get("/courses")
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert "Retry-After" in response.headers


def test_each_token_has_its_own_budget(client, issue_token, bundled_course):
    _first_user, first = issue_token()
    _second_user, second = issue_token()
    for _ in range(3):
        Api(client, first).get("/courses")
    assert Api(client, first).get("/courses").status_code == 429
    assert Api(client, second).get("/courses").status_code == 200
