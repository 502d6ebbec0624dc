"""`quizapp questions draft`: write a lesson's draft questions to a YAML bank file."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from quizapp.extensions import db


@click.command("draft")
@click.option("--course", "course_slug", required=True, help="Course slug, e.g. curso-flask.")
@click.option("--lesson", "lesson_key", required=True, help="Lesson number or slug.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML file to write (the bank format; check it with `questions validate`).",
)
@with_appcontext
def draft_command(course_slug: str, lesson_key: str, output: Path) -> None:
    """Draft questions from a lesson's notes (bold terms, lists, comparisons, numbers),
    leaving out what the lesson already asks. Offline and rule-based: review the file."""
    from quizapp.services.catalog import find_lesson
    from quizapp.services.drafting import drafts_bank

    lesson = find_lesson(db.session, course_slug, lesson_key)
    if lesson is None:
        raise click.ClickException(f"no lesson {lesson_key!r} in course {course_slug!r}")
    text, drafts = drafts_bank(db.session, lesson)
    output.write_text(text, encoding="utf-8")
    click.echo(f"{output}: {len(drafts)} draft(s) for lesson {lesson.number} ({lesson.slug})")
