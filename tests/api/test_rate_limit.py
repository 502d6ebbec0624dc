"""The API's rate limit counts per token and answers 429 in JSON."""

import pytest

from quizapp.extensions import limiter
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


@pytest.fixture
def limit_resolutions(monkeypatch):
    """The endpoints whose limits Flask-Limiter resolved."""
    resolved: list[str | None] = []
    resolve = limiter.limit_manager.resolve_limits

    def counted(app, endpoint=None, *args, **kwargs):
        resolved.append(endpoint)
        return resolve(app, endpoint, *args, **kwargs)

    monkeypatch.setattr(limiter.limit_manager, "resolve_limits", counted)
    return resolved


def test_the_rate_limiter_checks_only_where_a_limit_applies(
    client, auth, make_user, issue_token, limit_resolutions
):
    """Pages of blueprints without limits skip Flask-Limiter's before-request check; the
    login form's own limits and the API blueprint's are checked as before."""
    user = make_user()
    auth.login(user.email)
    limit_resolutions.clear()
    for path in ("/", "/review", "/dashboard", "/no-such-page"):
        response = client.get(path)
        assert "X-RateLimit-Limit" not in response.headers
    assert limit_resolutions == []
    # The API's blueprint limit, and the login form's own, are checked as before.
    _user, token = issue_token()
    api = client.get("/api/v1/courses", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert "X-RateLimit-Limit" in api.headers
    auth.logout()
    auth.login(user.email)
    assert "auth.login" in limit_resolutions
    assert any(endpoint.startswith("api.") for endpoint in limit_resolutions if endpoint)
