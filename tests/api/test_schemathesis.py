"""Property-based API testing with schemathesis: generated requests to every operation of
the OpenAPI document, with a staff token, never get a 5xx and get responses that conform
to the document (status codes, content types, bodies, headers)."""

import contextvars

import pytest
from hypothesis import HealthCheck, given, settings

from tests.api.conftest import LESSON_PATH

schemathesis = pytest.importorskip("schemathesis", reason="pip install 'schemathesis>=4,<5'")
from schemathesis import GenerationMode, checks  # noqa: E402

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def app_config():
    # Hypothesis sends many requests with one token: lift the per-token limit here.
    return {"API_RATE_LIMIT": "100000 per minute"}


def _isolated(app):
    """Each request in a fresh context, as a real server would (see IsolatedClient)."""

    def wsgi(environ, start_response):
        return contextvars.Context().run(lambda: list(app(environ, start_response)))

    return wsgi


@pytest.fixture
def staff_token(staff_api, learner_api):
    # Some data to find: an open attempt of the staff user and a learner's submitted one.
    staff_api.post(f"{LESSON_PATH}/attempts")
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    learner_api.post(
        f"/attempts/{attempt['id']}/submit", json={"answers": [], "confirm_unanswered": True}
    )
    return staff_api.token


@pytest.fixture
def api_schema(app, staff_token):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _isolated(app))


def _operations(api_schema):
    return [result.ok() for result in api_schema.get_all_operations()]


# schemathesis' own pytest integration (`from_fixture`) does not run under pytest 9 yet, so
# each operation's strategy is driven by Hypothesis directly: same generation and checks.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_conforms_to_its_document(api_schema, staff_token, mode):
    headers = {"Authorization": f"Bearer {staff_token}"}
    operations = _operations(api_schema)
    # Every documented operation but the document itself, which schemathesis leaves out.
    # 17, then the attempt result and grading, then autosave (issue #17)
    assert len(operations) == 21
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            extra = [checks.negative_data_rejection] if mode == GenerationMode.NEGATIVE else []
            case.call_and_validate(headers=headers, checks=CHECKS + extra)

        check()
