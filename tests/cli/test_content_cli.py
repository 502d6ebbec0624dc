"""The `quizapp` commands for content, validation and users."""

import json

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import DATA_DIR
from tests.factories import DECK_TYPES

BAD_BANK = """\
lesson: 1
questions:
  - id: dup
    type: single_choice
    prompt: Uno
    choices:
      - {text: A, correct: true}
      - {text: B}
  - id: dup
    type: true_false
    prompt: Dos
    answer: true
  - id: tipo-malo
    type: ranking
    prompt: Tres
  - id: sin-correcta
    type: single_choice
    prompt: Cuatro
    choices:
      - {text: A}
      - {text: B}
"""


def test_validate_names_every_problem_with_file_and_line(runner, tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(BAD_BANK, encoding="utf-8")
    result = runner.invoke(args=["questions", "validate", str(bank)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"{bank}:9:") and "dup" in line for line in lines)
    assert any(line.startswith(f"{bank}:14:") for line in lines)  # the bad type
    assert any(line.startswith(f"{bank}:16:") or line.startswith(f"{bank}:19:") for line in lines)


def test_validate_accepts_the_bundled_banks(runner, app):
    from pathlib import Path

    folder = Path(app.config["QUESTIONS_DIR"]) / "curso-flask"
    files = [str(path) for path in sorted(folder.glob("*.yaml"))]
    result = runner.invoke(args=["questions", "validate", *files])
    assert result.exit_code == 0, result.output


def test_content_load_and_list_json(runner):
    assert runner.invoke(args=["content", "load"]).exit_code == 0
    result = runner.invoke(args=["content", "list", "--json"])
    listing = json.loads(result.output)
    course = next(c for c in listing if c["slug"] == "curso-flask")
    assert [lesson["number"] for lesson in course["lessons"]] == [1, 2, 3]
    for lesson in course["lessons"]:
        assert sum(lesson["questions"].values()) >= 12
        assert set(lesson["questions"]) >= set(DECK_TYPES)


def test_content_load_of_the_seed_file(runner):
    result = runner.invoke(args=["content", "load", str(DATA_DIR / "seed_course.md")])
    assert result.exit_code == 0, result.output
    listing = json.loads(runner.invoke(args=["content", "list", "--json"]).output)
    assert [lesson["number"] for lesson in listing[0]["lessons"]] == [1, 2, 3]


def test_content_load_of_a_missing_path_fails(runner, tmp_path):
    result = runner.invoke(args=["content", "load", str(tmp_path / "nope.md")])
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_users_create_makes_staff(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "profe@example.org",
            "--role",
            "instructor",
            "--password",
            "una-clave-larga-123",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "profe@example.org"))
    assert user.role == "instructor"


def test_users_create_rejects_a_weak_password(runner):
    result = runner.invoke(args=["users", "create", "a@example.org", "--password", "short"])
    assert result.exit_code == 1
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_demo_creates_accounts_once(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0
    assert first.output.count("demo ") == 3
    second = runner.invoke(args=["demo"])
    assert "already exist" in second.output
