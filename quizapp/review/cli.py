"""`quizapp fsrs optimize`: fit FSRS parameters to learners' and courses' review logs."""

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from quizapp import clock
from quizapp.extensions import db
from quizapp.services import memory_optimizer
from quizapp.services.accounts import find_user_by_email
from quizapp.services.catalog import find_course

fsrs_cli = AppGroup("fsrs", help="FSRS memory models fitted to the review logs.")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _targets(user_email: str | None, course_slug: str | None, everyone: bool):
    if sum(bool(choice) for choice in (user_email, course_slug, everyone)) != 1:
        _fail("name one of --user EMAIL, --course SLUG or --all")
    if user_email:
        user = find_user_by_email(db.session, user_email)
        if user is None:
            _fail(f"no account {user_email!r}")
        return [memory_optimizer.learner_target(user)]
    if course_slug:
        course = find_course(db.session, course_slug)
        if course is None:
            _fail(f"no course {course_slug!r}")
        return [memory_optimizer.course_target(course)]
    return memory_optimizer.all_targets(db.session)


def describe(outcome) -> str:
    """One line per fit, e.g. "learner ana@x: adopted, log loss 0.41 → 0.36 on 80 reviews"."""
    name = f"{outcome.kind} {outcome.label}"
    if outcome.status in ("too_few", "failed"):
        return f"{name}: nothing fitted ({outcome.note})"
    verb = "adopted" if outcome.status == "adopted" else "kept the parameters in use"
    return (
        f"{name}: {verb}; log loss {outcome.log_loss_in_use:.3f} → {outcome.log_loss_fitted:.3f}, "
        f"RMSE(bins) {outcome.rmse_in_use:.3f} → {outcome.rmse_fitted:.3f} "
        f"on the last {outcome.held_out} of {outcome.reviews} reviews"
    )


@fsrs_cli.command("optimize")
@click.option("--user", "user_email", help="Fit one learner's parameters.")
@click.option("--course", "course_slug", help="Fit a course's parameters (all its learners).")
@click.option("--all", "everyone", is_flag=True, help="Every course, then every learner.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def optimize(user_email: str | None, course_slug: str | None, everyone: bool, as_json: bool):
    """Fit FSRS parameters from the review log (quiz answers included), judge them on the
    latest reviews against the parameters in use and adopt them only when better."""
    targets = _targets(user_email, course_slug, everyone)
    min_reviews = current_app.config["FSRS_MIN_REVIEWS"]
    outcomes = []
    # The bar goes to stderr so that --json prints JSON alone on stdout.
    with click.progressbar(targets, label="Fitting", file=sys.stderr, show_pos=True) as bar:
        for target in bar:
            outcome = memory_optimizer.fit_target(
                db.session, target, clock.now(), min_reviews=min_reviews
            )
            db.session.commit()  # each fit kept as soon as it is done
            outcomes.append(outcome)
    if as_json:
        click.echo(json.dumps([outcome.as_dict() for outcome in outcomes], indent=2))
        return
    for outcome in outcomes:
        click.echo(describe(outcome))
