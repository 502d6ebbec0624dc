"""When a dependency fails the app answers, and /healthz says which one.

Redis (rate-limit counters only): a real redis-server started on a free port, then stopped.
Logins, API calls and token creation keep working, counted per worker in memory, with a
logged warning; /healthz says "degraded". The database refusing writes: a real SQLite file
opened read-only (`mode=ro`) or, on PostgreSQL, sessions with default_transaction_read_only:
pages still read, a write gets a 503 that says nothing was saved, nothing is half-written,
and /healthz answers 503."""

import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis
import sqlalchemy as sa

from quizapp import create_app
from quizapp.extensions import db, limiter
from quizapp.models import ApiToken, User
from tests.conftest import PASSWORD, AuthActions, IsolatedClient, csrf_token_from
from tests.processes import stop_process


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, without persistence."""

    def __init__(self, workdir):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        arguments += ["--appendonly", "no", "--dir", str(workdir)]
        self.process = subprocess.Popen(  # noqa: S603  (fixed arguments, loopback only)
            [binary, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        self.client = client

    def stop(self) -> None:
        if self.process.poll() is None:
            stop_process(self.process)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def app_config(request):
    if "redis_server" not in request.fixturenames:
        return {}
    server = request.getfixturevalue("redis_server")
    return {
        "RATELIMIT_STORAGE_URI": server.url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LOGIN_RATE_LIMIT": "3 per minute",
    }


@pytest.fixture
def forget_dead_storage():
    """The limiter is one object for every app of the test run: once it has found its
    storage dead it would stay on the in-memory fallback for the next tests."""
    yield
    limiter._storage_dead = False


def _log_in(client, email: str, password: str = PASSWORD) -> int:
    return AuthActions(client).login(email, password).status_code


# --- Redis -----------------------------------------------------------------------------------


def test_logins_are_counted_in_redis_while_it_runs(client, make_user, redis_server):
    user = make_user()
    assert _log_in(client, user.email, "wrong-password-x") == 200
    assert any(b"login:" in key for key in redis_server.client.keys("*"))


def test_an_api_call_counts_and_reports_its_limit_in_one_redis_round_trip(
    client, make_user, redis_server, monkeypatch
):
    """The API's hit and its X-RateLimit headers come from one script (HitWindows): the
    headers are the window Redis holds after the hit, as Flask-Limiter's own reads of the
    counter and its TTL would give."""
    user = make_user()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    client.get("/api/v1/courses", headers=headers)  # the script is loaded into Redis once
    sent = []
    send = redis.connection.Connection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        sent.append(command)
        return send(connection, command, *args, **kwargs)

    for _ in range(3):
        sent.clear()
        with monkeypatch.context() as patch:
            patch.setattr(redis.connection.Connection, "send_packed_command", counted)
            response = client.get("/api/v1/courses", headers=headers)
        assert response.status_code == 200
        assert len(sent) == 1, sent
        (key,) = redis_server.client.keys("*api-token*")
        count, ttl = int(redis_server.client.get(key)), redis_server.client.ttl(key)
        assert response.headers["X-RateLimit-Limit"] == "300"
        assert response.headers["X-RateLimit-Remaining"] == str(300 - count)
        reset = int(response.headers["X-RateLimit-Reset"])
        assert 0 < ttl <= 60
        assert abs(reset - (time.time() + ttl)) <= 2
    assert count == 4


@pytest.mark.usefixtures("forget_dead_storage")
def test_redis_down_logins_still_work_and_are_limited_per_worker(
    app, make_user, redis_server, caplog
):
    user = make_user()
    redis_server.stop()
    statuses = [_log_in(app.test_client(), user.email, "wrong-password-x") for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # the in-memory fallback keeps the budget
    assert "Rate limit storage unreachable" in caplog.text
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.9"  # this address used its budget above
    assert _log_in(elsewhere, make_user().email) == 302


@pytest.mark.usefixtures("forget_dead_storage")
def test_redis_down_api_tokens_and_calls_still_work(client, make_user, redis_server):
    user = make_user()
    redis_server.stop()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    token = response.get_json()["token"]
    courses = client.get("/api/v1/courses", headers={"Authorization": f"Bearer {token}"})
    assert courses.status_code == 200


@pytest.mark.usefixtures("forget_dead_storage")
def test_healthz_reports_redis_and_degrades_without_it(client, redis_server):
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (
        200,
        {"status": "ok", "database": "ok", "redis": "ok"},
    )
    redis_server.stop()
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (
        200,
        {"status": "degraded", "database": "ok", "redis": "unreachable"},
    )


def test_healthz_without_redis_configured_reports_the_database(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok", "database": "ok"})


# --- a database that refuses writes ------------------------------------------------------------


@pytest.fixture
def read_only_app(app, database_uri):
    """A second app on the same database whose connections cannot write."""
    url = sa.engine.make_url(database_uri)
    if url.get_backend_name() == "sqlite":
        config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{url.database}?mode=ro&uri=true"}
    else:
        config = {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_pre_ping": True,
                "connect_args": {"options": "-c default_transaction_read_only=on"},
            },
        }
    read_only = create_app(config)
    read_only.test_client_class = IsolatedClient
    yield read_only
    with read_only.app_context():
        db.engine.dispose()


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_read_only_database_still_serves_pages_and_logins(read_only_app, make_user):
    user = make_user()
    client = read_only_app.test_client()
    assert client.get("/auth/login").status_code == 200
    assert _log_in(client, user.email) == 302
    assert client.get("/account").status_code == 200


def test_a_read_only_database_still_answers_api_reads(read_only_app, make_user):
    from quizapp.services import accounts

    token = accounts.issue_api_token(db.session, make_user(), "never used")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}  # its first use would stamp "last used"
    response = read_only_app.test_client().get("/api/v1/me/progress", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_refused_registration_is_a_503_page_and_saves_nothing(read_only_app, make_user):
    make_user()
    users_before = _count(User)
    client = read_only_app.test_client()
    token = csrf_token_from(client.get("/auth/register").get_data(as_text=True))
    response = client.post(
        "/auth/register",
        data={
            "email": "nuevo@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert response.headers["Retry-After"].isdigit()
    assert _count(User) == users_before


def test_a_refused_api_write_is_a_json_503_and_saves_nothing(read_only_app, make_user):
    user = make_user()
    response = read_only_app.test_client().post(
        "/api/v1/tokens", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_read_only"
    assert _count(ApiToken) == 0


def test_healthz_tells_the_database_refuses_writes(read_only_app, make_user):
    user = make_user()
    client = read_only_app.test_client()
    # A SQLite file opened read-only cannot be asked; the refused write is remembered.
    client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "read-only"}


def test_an_unreachable_database_is_a_503_everywhere():
    port = _free_port()  # nothing listens there
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://u@127.0.0.1:{port}/x"})
    app.test_client_class = IsolatedClient
    with app.app_context():
        client = app.test_client()
        health = client.get("/healthz")
        assert (health.status_code, health.get_json()["database"]) == (503, "unreachable")
        assert client.get("/").status_code == 503
        api = client.get("/api/v1/courses", headers={"Authorization": "Bearer qz_x"})
        assert api.status_code == 503
        assert api.get_json()["error"]["code"] == "database_unavailable"
        db.engine.dispose()
