"""The app survives its database connections being killed (what a PostgreSQL restart or
failover does to them): a real server on PostgreSQL has every connection of its database
terminated with pg_terminate_backend, and the next requests succeed, because the pool
pings a connection before handing it out (pool_pre_ping) and replaces dead ones.

PostgreSQL only: tests/security/conftest.py leaves this module out without
TEST_DATABASE_URL, and CI runs a PostgreSQL pass."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

COURSE = "curso-flask"
TERMINATE = sa.text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


@pytest.fixture(scope="module")
def server(live_server_factory):
    with live_server_factory("postgresql", learners=4) as running:
        yield running


@pytest.fixture(scope="module")
def kill_connections(server):
    """Terminates every other connection to the server's database; returns how many."""
    engine = sa.create_engine(server.database_url, poolclass=sa.pool.NullPool)

    def kill() -> int:
        with engine.connect() as connection:
            killed = connection.execute(TERMINATE).scalar_one()
            connection.commit()
        return killed

    yield kill
    engine.dispose()


class Session:
    """A learner using the API: reads, and writes (a quiz started and submitted)."""

    def __init__(self, server, email: str):
        self.server = server
        self.token = server.token_for(email)
        status, body = server.call("GET", f"/api/v1/courses/{COURSE}/lessons", self.token)
        assert status == 200, body
        self.lessons = [lesson["slug"] for lesson in body["lessons"]]
        self.acknowledged: set[int] = set()  # attempts whose submission answered 200

    def round_trip(self, number: int) -> list[tuple[str, int]]:
        """Every kind of request once; returns (what, status) of each."""
        lesson = self.lessons[number % len(self.lessons)]
        seen = [("health", self.server.call("GET", "/healthz")[0])]
        seen.append(("page", self.server.call("GET", f"/courses/{COURSE}")[0]))
        seen.append(("progress", self.server.call("GET", "/api/v1/me/progress", self.token)[0]))
        path = f"/api/v1/courses/{COURSE}/lessons/{lesson}/attempts"
        status, started = self.server.call("POST", path, self.token)
        seen.append(("start", status))
        if status in (200, 201):
            answers = {"answers": []}  # unanswered questions score 0: still a write
            submit = f"/api/v1/attempts/{started['id']}/submit"
            seen.append(("submit", self.server.call("POST", submit, self.token, answers)[0]))
            if seen[-1][1] == 200:
                self.acknowledged.add(started["id"])
        return seen


def _failures(seen: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(what, status) for what, status in seen if status >= 400]


def test_requests_after_the_connections_are_killed_succeed(server, kill_connections):
    sessions = [Session(server, email) for email in server.learners[:2]]

    def busy_moment() -> list[tuple[str, int]]:
        """16 round trips, 8 at a time: every pooled connection of both workers is used."""
        with ThreadPoolExecutor(max_workers=8) as pool:
            trips = pool.map(lambda number: sessions[number % 2].round_trip(number), range(16))
            return [request for trip in trips for request in trip]

    assert _failures(busy_moment()) == []
    for _restart in range(2):
        # Kill them all while idle in the pools, then use them again.
        assert kill_connections() > 0, "the server held no connection to kill"
        assert _failures(busy_moment()) == [], server.log_tail()
    assert server.call("GET", "/healthz")[0] == 200


@pytest.fixture(scope="module")
def mid_run(server, kill_connections):
    """Six threads keep making requests while the connections are killed three times;
    returns (started at, what, status) of every request and when the last kill was."""
    sessions = [Session(server, email) for email in server.learners[2:4]]
    stop = threading.Event()
    results: list[tuple[float, str, int]] = []

    def keep_busy(index: int) -> None:
        number = 0
        while not stop.is_set():
            started_at = time.monotonic()
            for what, status in sessions[index % 2].round_trip(number):
                results.append((started_at, what, status))
            number += 1

    with ThreadPoolExecutor(max_workers=6) as pool:
        workers = [pool.submit(keep_busy, index) for index in range(6)]
        for _kill in range(3):
            time.sleep(0.7)
            kill_connections()
            last_kill = time.monotonic()
        time.sleep(2.0)
        stop.set()
        for worker in workers:
            worker.result(timeout=60)  # a dropped connection would raise here
    return results, last_kill, set().union(*(session.acknowledged for session in sessions))


def test_killing_the_connections_mid_run_loses_no_later_request(server, mid_run):
    """Every request that starts after the last kill succeeds, and the ones caught by a
    kill get an answer (a 5xx) instead of bringing a worker down."""
    results, last_kill, _acknowledged = mid_run
    later = [(what, status) for at, what, status in results if at > last_kill]
    assert len(later) >= 10, "too few requests after the last kill to tell"
    assert _failures(later) == [], server.log_tail()
    assert server.process.poll() is None, "the server died"
    assert server.call("GET", "/healthz")[0] == 200


def test_no_acknowledged_submission_is_lost(server, mid_run):
    _results, _last_kill, acknowledged = mid_run
    assert len(acknowledged) >= 10
    engine = sa.create_engine(server.database_url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        stored = set(
            connection.scalars(
                sa.text(
                    "SELECT id FROM attempts WHERE submitted_at IS NOT NULL AND id IN :ids"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": sorted(acknowledged)},
            )
        )
    engine.dispose()
    assert stored == acknowledged


def test_requests_caught_by_a_kill_are_retried(mid_run):
    results, _last_kill, _acknowledged = mid_run
    assert _failures([(what, status) for _at, what, status in results]) == []
