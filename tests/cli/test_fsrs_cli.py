"""`quizapp fsrs optimize` and `quizapp demo --simulate-days`: a simulated learner's log
is fitted better than the defaults, figures as text or JSON, a bad name exits 1."""

import json

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Course
from tests.services.test_memory_optimizer import simulated_learner


@pytest.fixture
def course(bundled_course):
    return db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))


def test_the_optimize_command_prints_json_figures(make_user, course, runner, app):
    learner = simulated_learner(make_user, course)
    app.config["FSRS_MIN_REVIEWS"] = 200
    result = runner.invoke(args=["fsrs", "optimize", "--user", learner.email, "--json"])
    assert result.exit_code == 0, result.output
    (figures,) = json.loads(result.stdout)
    assert figures["kind"] == "learner"
    assert figures["status"] == "adopted"
    assert figures["log_loss_fitted"] < figures["log_loss_in_use"]
    text = runner.invoke(args=["fsrs", "optimize", "--all"])
    assert text.exit_code == 0, text.output
    assert f"learner {learner.email}: kept the parameters in use" in text.stdout
    assert "course curso-flask: adopted" in text.stdout


def test_the_optimize_command_refuses_unknown_names(runner, app):
    result = runner.invoke(args=["fsrs", "optimize", "--user", "nobody@example.org"])
    assert result.exit_code == 1
    assert "no account" in result.stderr
    assert runner.invoke(args=["fsrs", "optimize"]).exit_code == 1


def test_demo_simulate_days_gives_the_demo_learner_a_history_worth_fitting(
    runner, app, bundled_course
):
    result = runner.invoke(args=["demo", "--simulate-days", "180"])
    assert result.exit_code == 0, result.output
    app.config["FSRS_MIN_REVIEWS"] = 200
    fitted = runner.invoke(args=["fsrs", "optimize", "--user", "learner@quizapp.test", "--json"])
    (figures,) = json.loads(fitted.stdout)
    assert figures["reviews"] >= 200
    assert figures["status"] == "adopted"
    assert figures["log_loss_fitted"] < figures["log_loss_in_use"]
