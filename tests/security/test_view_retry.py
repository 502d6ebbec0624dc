"""The retry of a view whose database connection dropped (quizapp.QuizApp), in-process:
a view that loses its connection on a statement runs again on a fresh one, up to
VIEW_RUNS times; one whose COMMIT's answer was lost is never run again; either way what
is not run again answers 503 and says why in the log. /healthz, which reports the
database instead of failing, asks again too. (The real thing, connections killed under a
running server, is tests/security/test_database_restart.py.)"""

import logging

import pytest
import sqlalchemy as sa

from quizapp import VIEW_RUNS
from quizapp.core import health


class ServerEnded(Exception):
    sqlstate = "57P01"  # admin_shutdown: what pg_terminate_backend makes the server send


def _lost(statement: str | None, orig: Exception | None = None) -> sa.exc.DBAPIError:
    return sa.exc.OperationalError(
        statement,
        {},
        orig or Exception("server closed the connection"),
        connection_invalidated=True,
    )


@pytest.fixture
def flaky_view(app):
    """A view that fails with the errors queued in `failures`, then answers "done"; the
    list `runs` counts its runs."""
    state = {"failures": [], "runs": 0}

    def view():
        state["runs"] += 1
        if state["failures"]:
            raise state["failures"].pop(0)
        return "done"

    app.add_url_rule("/test-flaky", "test_flaky", view)
    return state


@pytest.mark.parametrize("losses", range(VIEW_RUNS))
def test_a_view_that_lost_its_connection_runs_again_until_it_succeeds(client, flaky_view, losses):
    flaky_view["failures"] = [_lost("SELECT 1") for _ in range(losses)]
    response = client.get("/test-flaky")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "done")
    assert flaky_view["runs"] == losses + 1


def test_a_connection_lost_on_every_run_answers_503(client, flaky_view, caplog):
    flaky_view["failures"] = [_lost("SELECT 1") for _ in range(VIEW_RUNS + 1)]
    with caplog.at_level(logging.WARNING):
        response = client.get("/test-flaky")
    assert response.status_code == 503
    assert flaky_view["runs"] == VIEW_RUNS
    assert f"lost on each of {VIEW_RUNS} runs" in caplog.text


def test_a_commit_whose_answer_was_lost_is_not_run_again(client, flaky_view, caplog):
    flaky_view["failures"] = [_lost(None)]  # SQLAlchemy gives a failed COMMIT no statement
    with caplog.at_level(logging.WARNING):
        response = client.get("/test-flaky")
    assert response.status_code == 503
    assert flaky_view["runs"] == 1
    assert "lost at COMMIT" in caplog.text


def test_a_commit_the_server_ended_runs_again(client, flaky_view):
    """The server ending the session rolled the transaction back: nothing was saved."""
    flaky_view["failures"] = [_lost(None, ServerEnded("terminating connection"))]
    assert client.get("/test-flaky").status_code == 200
    assert flaky_view["runs"] == 2


def test_healthz_asks_again_when_the_connection_is_lost_under_its_probe(client, monkeypatch):
    """Seen in the restart test: a kill landing on the health probe made it answer
    "unreachable" (503) while the database was up."""
    probe = health._read_only_setting
    failures = [_lost("SHOW transaction_read_only")]

    def killed_once():
        if failures:
            raise failures.pop()
        return probe()

    monkeypatch.setattr(health, "_read_only_setting", killed_once)
    response = client.get("/healthz")
    assert (response.status_code, response.json["database"]) == (200, "ok")
    assert failures == []


def test_healthz_still_reports_a_database_lost_twice(client, monkeypatch):
    def always_lost():
        raise _lost("SHOW transaction_read_only")

    monkeypatch.setattr(health, "_read_only_setting", always_lost)
    response = client.get("/healthz")
    assert (response.status_code, response.json["database"]) == (503, "unreachable")
