"""The `quizapp` command line: the Flask CLI of the app plus content, question and user
commands. Each command is a thin shell over a service.

Start-up is kept cheap (a command such as `questions import` is run in scripts, and the
benchmark times it with its start-up): the commands' services are imported inside the
commands, the other command modules load when their command is named (`LAZY_COMMANDS`),
and the app of a QuizApp command is built without the web app's blueprints, error pages
and template helpers (`create_app(web=False)`), which no command uses; Flask's own
`run`, `shell` and `routes` and the RQ `worker` get the whole app."""

import json
import sys
from datetime import datetime
from importlib import import_module
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo, with_appcontext

from quizapp import clock, create_app, register_migrations
from quizapp.domain.formats.registry import exportable, get_format, importable
from quizapp.drafts.cli import draft_command
from quizapp.extensions import db

content_cli = AppGroup("content", help="Load and list courses (Markdown notes + YAML banks).")
questions_cli = AppGroup("questions", help="Validate, import and export question banks.")
questions_cli.add_command(draft_command)
users_cli = AppGroup("users", help="Manage accounts.")
stats_cli = AppGroup("stats", help="The maintained course statistics of the dashboards.")


def _fail(errors: list[str]) -> None:
    for error in errors:
        click.echo(error, err=True)
    sys.exit(1)


@content_cli.command("load")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--owner", "owner_email", help="Email of an account to teach the loaded courses.")
def content_load(path: Path | None, owner_email: str | None) -> None:
    """Load a course folder, a folder of course folders, or one course Markdown file
    (default: the bundled questions/ folder). Idempotent; a bad file loads nothing.
    With --owner, that account becomes an instructor of every course loaded."""
    from quizapp.services.accounts import find_user_by_email
    from quizapp.services.catalog import find_course
    from quizapp.services.content_loader import ContentError, course_folders, load_path
    from quizapp.services.memberships import set_member

    owner = find_user_by_email(db.session, owner_email) if owner_email else None
    if owner_email and owner is None:
        _fail([f"error: no account {owner_email!r}"])

    path = path or Path(current_app.config["QUESTIONS_DIR"])
    targets = course_folders(path) if path.is_dir() else [path]
    if not targets:
        _fail([f"{path}:0: no course found (a course folder holds course.md)"])
    try:
        media_dir = current_app.config["MEDIA_DIR"]
        reports = [load_path(db.session, target, clock.now(), media_dir) for target in targets]
    except ContentError as error:
        db.session.rollback()
        _fail(error.errors)
    for report in reports if owner else []:
        set_member(
            db.session,
            find_course(db.session, report.course_slug),
            owner,
            "instructor",
            clock.now(),
        )
    db.session.commit()
    for report in reports:
        click.echo(
            f"{report.course_slug}: lessons +{report.lessons_created} ~{report.lessons_updated}; "
            f"questions +{report.questions_created} ~{report.questions_updated} "
            f"={report.questions_unchanged} retired {report.questions_retired}"
        )


@content_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def content_list(as_json: bool) -> None:
    """List courses, lessons and active question counts per type."""
    from quizapp.services.catalog import catalogue_listing

    listing = catalogue_listing(db.session)
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for course in listing:
        click.echo(f"{course['slug']}  {course['title']}")
        for lesson in course["lessons"]:
            total = sum(lesson["questions"].values())
            click.echo(f"  {lesson['number']:>3}  {lesson['slug']}  ({total} questions)")


@questions_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def questions_validate(files: tuple[Path, ...]) -> None:
    """Check YAML bank files; prints file:line: message per problem and exits 1 on any."""
    from quizapp.domain.formats.bank import check_banks, parse_bank

    banks = [parse_bank(path.read_text(encoding="utf-8"), str(path)) for path in files]
    errors = [error for bank in banks for error in bank.errors] + check_banks(banks)
    if errors:
        _fail([str(error) for error in errors])
    count = sum(len(bank.questions) for bank in banks)
    click.echo(f"{len(files)} file(s), {count} question(s): valid")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["learner", "instructor", "admin"]), default="learner")
@click.option("--password", help="Prompted for (hidden) when omitted.")
@click.option("--name", default="", help="Display name.")
def users_create(email: str, role: str, password: str | None, name: str) -> None:
    """Create an account, e.g. staff: quizapp users create ana@example.org --role instructor"""
    from quizapp.services.accounts import AccountError, create_user

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(db.session, email, password, role=role, display_name=name)
    except AccountError as error:
        db.session.rollback()
        _fail([f"error: {error}"])
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@users_cli.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Disable an account: it cannot log in, and its sessions and API tokens stop working."""
    from quizapp.services.accounts import disable_user, find_user_by_email

    user = find_user_by_email(db.session, email)
    if user is None:
        _fail([f"error: no account {email}"])
    disable_user(db.session, user, clock.now())
    db.session.commit()
    click.echo(f"disabled {user.email}; its sessions and API tokens no longer work")


@click.command("demo")
@click.option(
    "--simulate-days",
    type=click.IntRange(1, 3650),
    help="Give the demo learner this many days of reviews drawn from a simulated FSRS "
    "learner with non-default parameters (something for `quizapp fsrs optimize` to fit).",
)
@with_appcontext
def demo(simulate_days: int | None) -> None:
    """Create the demo accounts (printed once) and some learning history."""
    from quizapp.services.demo import create_demo

    created = create_demo(db.session, clock.now(), simulate_days=simulate_days or 0)
    db.session.commit()
    if not created:
        click.echo("demo accounts already exist")
    for email, password, role in created:
        click.echo(f"demo {role}: {email} / {password}")
    if simulate_days:
        click.echo(f"demo learner: {simulate_days} days of simulated reviews")


@stats_cli.command("rebuild")
@click.option("--course", "course_slug", help="Only this course (slug); default: every course.")
def stats_rebuild(course_slug: str | None) -> None:
    """Recompute the instructor dashboard's statistics from the answers (after a bulk
    load or a restore; submissions, regrades and membership changes keep them current)."""
    from quizapp.models import Course
    from quizapp.services import learner_activity
    from quizapp.services.catalog import find_course
    from quizapp.services.course_statistics import rebuild

    if course_slug:
        course = find_course(db.session, course_slug)
        if course is None:
            _fail([f"error: no course {course_slug!r}"])
        courses = [course]
    else:
        courses = list(db.session.scalars(sa.select(Course).order_by(Course.slug)))
    for course in courses:
        found = rebuild(db.session, course)
        active = learner_activity.rebuild(db.session, course)
        click.echo(
            f"{course.slug}: {sum(s.n for s in found.items.values())} analysed responses, "
            f"{len(found.items)} items, {len(found.completion)} lessons, "
            f"{active} users with activity"
        )
    db.session.commit()


# The console script's commands, each imported from its module when it is named.
LAZY_COMMANDS = {
    "content": "quizapp.cli:content_cli",
    "questions": "quizapp.cli:questions_cli",
    "users": "quizapp.cli:users_cli",
    "stats": "quizapp.cli:stats_cli",
    "demo": "quizapp.cli:demo",
    "courses": "quizapp.courses.cli:courses_cli",
    "fsrs": "quizapp.review.cli:fsrs_cli",
    "jobs": "quizapp.background:jobs_cli",
    "worker": "quizapp.background:worker",
}
# Commands that get the app without its web parts (the `db` commands too, and listing
# the commands for --help); any other (`run`, `shell`, `routes`, the RQ worker running
# jobs, a plugin's command) gets the whole app.
COMMAND_LINE_APP_COMMANDS = frozenset(set(LAZY_COMMANDS) - {"worker"} | {"db", None})


def _command(target: str) -> click.Command:
    module, _, name = target.partition(":")
    return getattr(import_module(module), name)


def register(app: Flask) -> None:
    """The commands on the web app's `app.cli` too (what `app.test_cli_runner()` runs)."""
    for name, target in LAZY_COMMANDS.items():
        app.cli.add_command(_command(target), name)


class QuizAppGroup(FlaskGroup):
    """FlaskGroup with `LAZY_COMMANDS`; the first command named picks the app (see
    `_create_app`). The commands run in the app's context through `with_appcontext`
    (AppGroup puts it on each of its commands), which loads the app when one runs, so
    `quizapp questions --help` loads none."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        ctx.ensure_object(ScriptInfo).data.setdefault("command", name)
        if name in LAZY_COMMANDS:
            return _command(LAZY_COMMANDS[name])
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})


def _create_app() -> Flask:
    context = click.get_current_context(silent=True)
    info = context.find_object(ScriptInfo) if context else None
    command = info.data.get("command") if info else None
    app = create_app(web=command not in COMMAND_LINE_APP_COMMANDS)
    if command not in LAZY_COMMANDS:
        register_migrations(app)  # `quizapp db ...`, whatever the config
    return app


main = QuizAppGroup(
    create_app=_create_app,
    help="QuizApp: courses, question banks, quizzes and flashcards.",
)


# --- questions import / export (instructor interchange) -----------------------------------


@questions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "course_slug", required=True, help="Slug of the course.")
@click.option("--lesson", "lesson_key", help="Lesson slug or number receiving every question.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([fmt.name for fmt in importable()]),
    help="Default: from the file's extension and first lines.",
)
@click.option(
    "--category",
    "categories",
    multiple=True,
    metavar="CATEGORY=LESSON",
    help="Put a file category (its path or last part) in a lesson (number, slug or title).",
)
@click.option(
    "--with-history",
    "history_for",
    metavar="EMAIL",
    help="Anki packages: the review log becomes this learner's FSRS history of the cards.",
)
def questions_import(
    file: Path,
    course_slug: str,
    lesson_key: str | None,
    fmt: str | None,
    categories: tuple[str, ...],
    history_for: str | None,
) -> None:
    """Import a question file (GIFT, YAML, Moodle XML, Anki CSV/TSV or .apkg…) into a course,
    keyed by question id (re-importing updates). Errors print as file:line: message;
    nothing is then written. Questions missing from the file are kept (only `content load`
    retires)."""
    from quizapp.services import catalog
    from quizapp.services.bank_import import apply_import, category_mapping, plan_import, summary

    course = catalog.find_course(db.session, course_slug)
    if course is None:
        _fail([f"error: no course {course_slug!r}"])
    lesson = None
    if lesson_key:
        lesson = catalog.find_lesson(db.session, course_slug, lesson_key)
        if lesson is None:
            _fail([f"error: course {course_slug!r} has no lesson {lesson_key!r}"])
    mapping, problems = category_mapping(list(categories))
    if problems:
        _fail([f"error: --category {problem}" for problem in problems])
    data = file.read_bytes()
    max_media_bytes = current_app.config["MEDIA_MAX_BYTES"]
    plan = plan_import(db.session, course, lesson, data, str(file), fmt, mapping, max_media_bytes)
    for item in plan.unsupported + plan.warnings:
        click.echo(f"warning: {item}", err=True)
    if not plan.ok:
        db.session.rollback()
        _fail(plan.errors)
    now = clock.now()
    apply_import(db.session, plan, media_dir=current_app.config["MEDIA_DIR"], now=now)
    history = _import_history(course, plan.fmt, data, history_for, now) if history_for else ""
    db.session.commit()
    click.echo(summary(plan) + history)


def _import_history(course, fmt: str, data: bytes, email: str, now: datetime) -> str:
    """Replay an Anki package's review log for one learner (same transaction as the import)."""
    from quizapp.services.accounts import find_user_by_email
    from quizapp.services.anki_history import import_review_history

    if fmt != "apkg":
        db.session.rollback()
        _fail(["error: --with-history reads an Anki package's review log (.apkg/.colpkg)"])
    learner = find_user_by_email(db.session, email)
    if learner is None:
        db.session.rollback()
        _fail([f"error: no user {email!r}"])
    result = import_review_history(db.session, learner.id, course, data, now)
    return (
        f"; history for {email}: {result.cards} cards, {result.reviews} reviews"
        f" ({result.kept} cards already reviewed here kept their own)"
    )


@questions_cli.command("export")
@click.option("--course", "course_slug", required=True, help="Slug of the course.")
@click.option(
    "--format", "fmt", required=True, type=click.Choice([fmt.name for fmt in exportable()])
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write ('-' for standard output, text formats only).",
)
def questions_export(course_slug: str, fmt: str, output: Path) -> None:
    """Export a course's active questions: YAML (one bank, lesson per question), GIFT
    ($CATEGORY: course/lesson), Anki text (CSV) or an Anki .apkg deck."""
    from quizapp.services import catalog
    from quizapp.services.bank_export import export_course_file

    course = catalog.find_course(db.session, course_slug)
    if course is None:
        _fail([f"error: no course {course_slug!r}"])
    export = export_course_file(db.session, course, fmt, current_app.config["MEDIA_DIR"])
    for question_id, reason in export.skipped:
        click.echo(f"warning: {question_id}: skipped: {reason}", err=True)
    if str(output) == "-" and not get_format(fmt).binary:
        click.echo(export.data.decode("utf-8"), nl=False)
        return
    output.write_bytes(export.data)
    click.echo(f"wrote {output} ({len(export.data)} bytes)")
