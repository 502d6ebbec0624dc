"""`quizapp questions draft`: a lesson's drafts written as a bank file that validates."""

import yaml

from quizapp.drafts.cli import draft_command


def test_draft_writes_a_bank_that_questions_validate_accepts(runner, bundled_course, tmp_path):
    target = tmp_path / "drafts-3.yaml"
    result = runner.invoke(
        draft_command, ["--course", "curso-flask", "--lesson", "3", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "draft(s) for lesson 3 (clase-3-que-es-flask)" in result.output
    bank = yaml.safe_load(target.read_text("utf-8"))
    assert bank["lesson"] == 3
    assert bank["questions"]
    assert all(q["id"].startswith("draft-3-") for q in bank["questions"])
    validated = runner.invoke(args=["questions", "validate", str(target)])
    assert validated.exit_code == 0, validated.output
    assert f"{len(bank['questions'])} question(s): valid" in validated.output


def test_drafts_already_in_the_bank_are_not_written_again(runner, bundled_course, tmp_path):
    first = tmp_path / "first.yaml"
    runner.invoke(
        draft_command,
        ["--course", "curso-flask", "--lesson", "clase-3-que-es-flask", "-o", str(first)],
    )
    imported = runner.invoke(args=["questions", "import", str(first), "--course", "curso-flask"])
    assert imported.exit_code == 0, imported.output
    second = tmp_path / "second.yaml"
    result = runner.invoke(
        draft_command, ["--course", "curso-flask", "--lesson", "3", "-o", str(second)]
    )
    assert result.exit_code == 0, result.output
    assert "0 draft(s)" in result.output
    assert yaml.safe_load(second.read_text("utf-8"))["questions"] == []


def test_an_unknown_lesson_is_an_error(runner, bundled_course, tmp_path):
    result = runner.invoke(
        draft_command, ["--course", "curso-flask", "--lesson", "9", "-o", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code != 0
    assert "no lesson '9' in course 'curso-flask'" in result.output


def test_the_command_is_attached_to_the_questions_group(runner):
    result = runner.invoke(args=["questions", "draft", "--help"])
    assert result.exit_code == 0, result.output
    assert "--lesson" in result.output
