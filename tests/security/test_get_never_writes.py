"""GET requests never write: every GET route of the site and of the API, as each kind of
visitor, sends no INSERT, UPDATE or DELETE and leaves every table as it was. Both
databases run them outside a transaction (quizapp.database), so a write slipping into one
would be kept at once, and on SQLite would also risk "database is locked" under load."""

import pytest
import sqlalchemy as sa
from flask import has_request_context, request

from quizapp.api.routing import OPERATIONS
from quizapp.extensions import db
from tests.conftest import PASSWORD, AuthActions

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def writes_during_gets(app):
    """The write statements sent while a GET request was being served."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        writing = statement.lstrip().upper().startswith(WRITES)
        if writing and has_request_context() and request.method == "GET":
            seen.append(f"{request.path}: {statement.split()[0:3]}")

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)


def _row_counts() -> dict[str, int]:
    db.session.commit()
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _api_get_paths(ids: dict[str, str]) -> list[str]:
    paths = []
    for operation in OPERATIONS:
        if operation.method != "GET":
            continue
        path = operation.rule.replace("<course>", ids["course_slug"])
        path = path.replace("<lesson>", ids["lesson_slug"])
        paths.append("/api/v1" + path)
    return paths


@pytest.mark.parametrize("role", ["anonymous", "learner", "instructor"])
def test_no_get_route_writes(
    client, make_user, html_routes, owned_ids, path_of, writes_during_gets, role
):
    owner = make_user("learner")
    ids = owned_ids(owner)
    user = owner if role == "learner" else make_user(role) if role != "anonymous" else None
    if user is not None:
        assert AuthActions(client).login(user.email).status_code == 302
    token = None
    if user is not None:
        issued = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        token = issued.get_json()["token"]
    before = _row_counts()

    statuses = {}
    for _endpoint, method, rule in html_routes:
        if method == "GET":
            path = path_of(rule, ids)
            statuses[path] = client.get(path).status_code
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for path in _api_get_paths(ids):
        statuses[path] = client.get(path, headers=headers).status_code

    assert writes_during_gets == []
    assert _row_counts() == before
    assert 500 not in statuses.values(), statuses
    # The walk reached real pages, not only redirects to the login page.
    assert sum(status == 200 for status in statuses.values()) >= (3 if user is None else 10)
