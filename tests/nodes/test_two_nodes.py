"""Two app nodes behind one PostgreSQL and one Redis behave as one: a learner who logs in
on one node continues on the other (session and CSRF token), their login attempts count
once across both (rate limit), the instructor dashboard's cached figures rendered on
one node are the ones the other serves (shared cache), and a job asked for on one node is
run by a `quizapp worker` on the shared queue and reported by the other (jobs).

PostgreSQL: a fresh database beside TEST_DATABASE_URL's, or, when that is unset (CI's
SQLite pass, where this test runs), on the machine's server at 127.0.0.1:5432. Redis:
REDIS_URL, else 127.0.0.1:6379; the nodes' keys carry a prefix of their own."""

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

from tests.processes import (
    VENV_BIN,
    fresh_postgresql_database,
    has_gunicorn,
    postgresql_admin_url,
    run_commands,
    serve_several,
    server_env,
)

PASSWORD = "correct-horse-battery"  # noqa: S105  (test accounts)
LEARNER = "walker@example.org"
INSTRUCTOR = "teacher@example.org"
COURSE = "curso-flask"
LESSON = "clase-3-que-es-flask"
LOGIN_LIMIT = 6
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """One person's cookies, carried by hand from node to node (a load balancer in front
    of the nodes would send the same cookie to either)."""

    def __init__(self):
        self.http = requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.http.get(url, allow_redirects=False, timeout=30)

    def post(self, url: str, data: dict) -> requests.Response:
        return self.http.post(url, data=data, allow_redirects=False, timeout=30)

    def csrf_token(self, url: str) -> str:
        page = self.get(url)
        assert page.status_code == 200, (url, page.status_code)
        return _CSRF.search(page.text).group(1)

    def login(self, node: str, email: str, password: str = PASSWORD) -> requests.Response:
        token = self.csrf_token(f"{node}/auth/login")
        return self.post(
            f"{node}/auth/login", {"email": email, "password": password, "csrf_token": token}
        )


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """One PostgreSQL database with the bundled course, a learner and its instructor."""
    try:
        context = fresh_postgresql_database(postgresql_admin_url(), "nodes")
        url = context.__enter__()
    except Exception as error:  # noqa: BLE001  (say what is missing, never skip)
        pytest.fail(f"two nodes need PostgreSQL on 127.0.0.1:5432 or TEST_DATABASE_URL: {error}")
    try:
        run_commands(
            url,
            [
                ["db", "upgrade"],
                ["users", "create", LEARNER, "--password", PASSWORD],
                ["users", "create", INSTRUCTOR, "--password", PASSWORD, "--role", "instructor"],
                ["content", "load", "--owner", INSTRUCTOR],
            ],
        )
        yield url
    finally:
        context.__exit__(None, None, None)


@contextmanager
def two_nodes(env: dict[str, str], workdir) -> Iterator[tuple[str, str]]:
    """Two gunicorn instances on free ports, one database and one Redis (under a key
    prefix of their own, so counters start at zero)."""
    if not has_gunicorn():
        pytest.fail("gunicorn is missing from the virtualenv")
    logs = [workdir / "node-a.log", workdir / "node-b.log"]
    with serve_several(env, logs, workers=1, threads=2) as (first, second):
        assert first.url != second.url
        yield first.url, second.url


def node_env(database: str) -> dict[str, str]:
    """What every process of one deployment shares: the database, Redis, and under a prefix
    (and a job queue) of this run's own, so counters and queues start empty."""
    run = uuid.uuid4().hex[:8]
    return server_env(
        database,
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        REDIS_KEY_PREFIX=f"two-nodes-{run}:",
        JOBS_QUEUE=f"two-nodes-{run}",
        LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute",
        DASHBOARD_CACHE_SECONDS="300",
    )


@pytest.fixture(scope="module")
def deployment(database) -> dict[str, str]:
    return node_env(database)


@pytest.fixture(scope="module")
def nodes(deployment, tmp_path_factory):
    with two_nodes(deployment, tmp_path_factory.mktemp("two-nodes")) as urls:
        yield urls


def test_a_learner_logs_in_on_one_node_and_continues_on_the_other(nodes):
    node_a, node_b = nodes
    learner = Browser()
    assert learner.login(node_a, LEARNER).status_code == 302

    dashboard = learner.get(f"{node_b}/dashboard")
    assert dashboard.status_code == 200  # the session node A wrote, read by node B
    assert "walker" in dashboard.text
    # A form of node A posted to node B: the CSRF token lives in the shared session.
    token = learner.csrf_token(f"{node_a}/dashboard")
    switched = learner.post(f"{node_b}/lang/en", {"csrf_token": token, "next": "/dashboard"})
    assert switched.status_code == 302
    assert 'lang="en"' in learner.get(f"{node_a}/dashboard").text  # and back on node A


def test_login_attempts_count_once_across_both_nodes(database, tmp_path):
    intruder = Browser()
    with two_nodes(node_env(database), tmp_path) as (node_a, node_b):
        answers = [
            intruder.login(node, LEARNER, password="wrong-password").status_code
            for node in [node_a, node_b] * LOGIN_LIMIT
        ]
    # One node alone would allow LOGIN_LIMIT attempts; the two together allow as many.
    assert 429 in answers
    assert answers.index(429) <= LOGIN_LIMIT


def test_the_dashboard_cached_on_one_node_is_the_one_the_other_serves(nodes):
    node_a, node_b = nodes
    instructor = Browser()
    assert instructor.login(node_a, INSTRUCTOR).status_code == 302
    dashboard = f"/instructor/courses/{COURSE}"
    before = instructor.get(f"{node_a}{dashboard}")
    assert before.status_code == 200
    total = re.search(r'id="learners-total">\s*(\d+)\s*<', before.text).group(1)

    # A learner submits a quiz through the API on node B: the figures change at once...
    api = requests.Session()
    made = api.post(
        f"{node_b}/api/v1/tokens", json={"email": LEARNER, "password": PASSWORD}, timeout=30
    )
    assert made.status_code == 201, made.text
    api.headers["Authorization"] = f"Bearer {made.json()['token']}"
    started = api.post(f"{node_b}/api/v1/courses/{COURSE}/lessons/{LESSON}/attempts", timeout=30)
    assert started.status_code == 201, started.text
    submitted = api.post(
        f"{node_a}/api/v1/attempts/{started.json()['id']}/submit",
        json={"answers": [], "confirm_unanswered": True},
        timeout=30,
    )
    assert submitted.status_code == 200, submitted.text

    # ...but node B serves the rendering node A cached, as one node would until it expires.
    cached = instructor.get(f"{node_b}{dashboard}")
    assert cached.status_code == 200
    assert re.search(r'id="learners-total">\s*(\d+)\s*<', cached.text).group(1) == total
    fresh = instructor.get(f"{node_b}{dashboard}?sort=facility")  # not rendered before
    assert re.search(r'id="learners-total">\s*(\d+)\s*<', fresh.text).group(1) == str(
        int(total) + 1
    )


def _job_is_waiting(page: requests.Response) -> bool:
    """Whether the learner's settings page shows a fit not over yet (queued or running)."""
    assert page.status_code == 200, page.status_code
    return 'id="memory-job" data-job-running="1"' in page.text


def test_a_job_asked_for_on_one_node_is_run_by_the_worker_and_shown_by_the_other(nodes, deployment):
    node_a, node_b = nodes
    learner = Browser()
    assert learner.login(node_a, LEARNER).status_code == 302
    token = learner.csrf_token(f"{node_a}/review/settings")
    asked = learner.post(f"{node_a}/review/settings/fit", {"csrf_token": token})
    assert asked.status_code == 302
    # Neither node runs it: it waits in the shared queue, and node B sees it waiting.
    assert _job_is_waiting(learner.get(f"{node_b}/review/settings"))

    # A worker of the same deployment (database, Redis, queue) runs it.
    done = subprocess.run(  # noqa: S603  (our own console script)
        [str(VENV_BIN / "quizapp"), "worker", "--burst"],
        env=deployment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert deployment["JOBS_QUEUE"] in done.stdout + done.stderr, done.stderr  # the nodes' queue
    for node in (node_b, node_a):
        page = learner.get(f"{node}/review/settings")
        assert not _job_is_waiting(page)
        assert "The last fit failed" not in page.text
