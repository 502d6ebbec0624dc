"""Every API error is JSON with a code and a message; the OpenAPI document lists exactly the
routes the app serves."""

import re

import pytest

from tests.api.conftest import COURSE, LESSON_PATH


@pytest.mark.parametrize(
    "path",
    [
        "/courses/no-such-course/lessons",
        f"/courses/{COURSE}/lessons/no-such-lesson/questions",
        "/courses/NOT A SLUG/lessons",
        "/attempts/999999/submit",
        "/attempts/99999999999999999999/submit",
        "/no-such-route",
    ],
)
def test_not_found_is_json(learner_api, path):
    method = learner_api.post if path.endswith("/submit") else learner_api.get
    response = method(path, json={"answers": []})
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"]
    assert error["message"]


def test_a_wrong_method_is_json(learner_api):
    response = learner_api.get(f"{LESSON_PATH}/attempts")
    assert response.status_code == 405
    assert response.is_json


def test_a_schema_invalid_body_is_unprocessable(learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    response = learner_api.post(f"/attempts/{attempt['id']}/submit", json={"answers": "all"})
    assert response.status_code == 422
    assert response.get_json()["error"]["message"].startswith("answers")


@pytest.mark.parametrize(
    "body", ['{"answers": [{"answer_id": 1, "response": NaN}]}', '{"answers": [' * 5000]
)
def test_odd_json_never_breaks_the_server(learner_api, body):
    response = learner_api.post(
        "/attempts/1/submit", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.is_json


def test_nul_characters_are_refused(client, make_user):
    response = client.post("/api/v1/tokens", json={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 422


def test_a_review_rating_outside_1_to_4_is_unprocessable(learner_api):
    response = learner_api.post("/review/1", json={"rating": 5})
    assert response.status_code == 422


def test_the_document_is_openapi_3_1_and_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_document_matches_the_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    served = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == served


def test_every_route_but_tokens_and_the_document_needs_a_token(client):
    document = client.get("/api/v1/openapi.json").get_json()
    public = {
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == []
    }
    assert public == {("/api/v1/tokens", "post"), ("/api/v1/openapi.json", "get")}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if (path, method) not in public:
                assert "401" in operation["responses"]
