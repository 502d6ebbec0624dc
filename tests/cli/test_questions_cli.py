"""`quizapp questions import` and `quizapp questions export`."""

import zipfile

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question

GIFT = """\
// [id:cli-capital]
::Capital::¿Capital de Francia? {=París ~Roma ~Madrid}

Escribe un ensayo sobre Flask. {}

¿Dos más dos? {=4 ~%50%3 ~5}
"""


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question))


def test_yaml_export_then_import_round_trips(runner, bundled_course, tmp_path):
    target = tmp_path / "curso-flask.yaml"
    result = runner.invoke(
        args=[
            "questions",
            "export",
            "--course",
            "curso-flask",
            "--format",
            "yaml",
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    total = _count()
    result = runner.invoke(args=["questions", "import", str(target), "--course", "curso-flask"])
    assert result.exit_code == 0, result.output
    assert f"0 created, 0 updated, {total} unchanged" in result.output
    assert _count() == total


def test_gift_import_into_a_lesson_reports_unsupported_and_updates_on_reimport(
    runner, bundled_course, tmp_path
):
    source = tmp_path / "extra.gift"
    source.write_text(GIFT, encoding="utf-8")
    args = ["questions", "import", str(source), "--course", "curso-flask", "--lesson", "2"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output  # the essay imports too (issue #17)
    assert f"{source}:6: partial credit on a single-answer choice" in result.output
    source.write_text(GIFT.replace("Madrid", "Lisboa"), encoding="utf-8")
    total = _count()
    result = runner.invoke(args=args)
    assert "0 created, 1 updated" in result.output
    assert _count() == total


def test_a_bad_file_exits_1_with_file_line_messages_and_writes_nothing(
    runner, bundled_course, tmp_path
):
    source = tmp_path / "bad.yaml"
    source.write_text(
        "lesson: 1\nquestions:\n  - id: ok-one\n    type: true_false\n"
        "    prompt: Sí\n    answer: true\n  - id: bad\n    type: numeric\n"
        "    prompt: ¿?\n",
        encoding="utf-8",
    )
    before = _count()
    result = runner.invoke(args=["questions", "import", str(source), "--course", "curso-flask"])
    assert result.exit_code == 1
    assert f"{source}:7: " in result.output
    assert _count() == before


def test_unknown_course_or_lesson_is_an_error(runner, bundled_course, tmp_path):
    source = tmp_path / "extra.gift"
    source.write_text(GIFT, encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(source), "--course", "nope"])
    assert result.exit_code == 1
    result = runner.invoke(
        args=["questions", "import", str(source), "--course", "curso-flask", "--lesson", "99"]
    )
    assert result.exit_code == 1


def test_apkg_export_writes_a_genanki_package(runner, bundled_course, tmp_path):
    target = tmp_path / "curso.apkg"
    result = runner.invoke(
        args=[
            "questions",
            "export",
            "--course",
            "curso-flask",
            "--format",
            "apkg",
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as package:
        names = package.namelist()
    assert "collection.anki2" in names
    assert "media" in names


def test_csv_and_gift_exports_write_text(runner, bundled_course, tmp_path):
    for fmt, marker in (("csv", "#separator:tab"), ("gift", "$CATEGORY: curso-flask/")):
        target = tmp_path / f"out.{fmt}"
        result = runner.invoke(
            args=[
                "questions",
                "export",
                "--course",
                "curso-flask",
                "--format",
                fmt,
                "-o",
                str(target),
            ]
        )
        assert result.exit_code == 0, result.output
        assert marker in target.read_text(encoding="utf-8")
