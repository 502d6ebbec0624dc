"""`quizapp questions import/export` with Moodle XML and Anki packages."""

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, Question, ReviewLog
from tests.domain.test_anki_package import legacy_package
from tests.domain.test_moodle_xml import BILLION_LAUGHS, _conformance_folder


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question))


def test_moodle_categories_go_to_the_mapped_lessons(runner, bundled_course):
    source = _conformance_folder() / "nested_categories_with_questions.xml"
    args = ["questions", "import", str(source), "--course", "curso-flask"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "names lesson 'Iota', which the course does not have" in result.output
    mapped = [
        *args,
        "--category",
        "Iota=1",
        "--category",
        "Kappa=2",
        "--category",
        "Iota/Kappa/Lambda=2",
    ]
    result = runner.invoke(args=[*mapped, "--category", "Mu=clase-3-que-es-flask"])
    assert result.exit_code == 0, result.output
    assert "5 created, 0 updated, 0 unchanged, 0 unsupported" in result.output  # and the essay


def test_a_refused_xml_file_exits_non_zero_and_writes_nothing(runner, bundled_course, tmp_path):
    source = tmp_path / "evil.xml"
    source.write_bytes(BILLION_LAUGHS)
    before = _count()
    result = runner.invoke(
        args=["questions", "import", str(source), "--course", "curso-flask", "--lesson", "1"]
    )
    assert result.exit_code == 1
    assert f"{source}:2: refused:" in result.output
    assert _count() == before


def test_moodle_export_then_import_changes_nothing(runner, bundled_course, tmp_path):
    target = tmp_path / "curso.xml"
    args = ["questions", "export", "--course", "curso-flask", "--format", "moodle-xml"]
    result = runner.invoke(args=[*args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    cards = db.session.scalar(
        sa.select(sa.func.count()).select_from(Question).where(Question.type == "flashcard")
    )
    assert result.output.count("Moodle has no flashcard type") == cards
    total = _count()
    result = runner.invoke(args=["questions", "import", str(target), "--course", "curso-flask"])
    assert result.exit_code == 0, result.output
    assert f"0 created, 0 updated, {total - cards} unchanged" in result.output
    assert _count() == total


def test_an_anki_package_with_the_learners_history(runner, bundled_course, make_user, tmp_path):
    learner = make_user("learner", email="anki@example.org")
    source = tmp_path / "deck.apkg"
    source.write_bytes(legacy_package(revlog=[(1_700_000_000_000, 10, 3, 5000, 0)]))
    args = ["questions", "import", str(source), "--course", "curso-flask", "--lesson", "1"]
    result = runner.invoke(args=[*args, "--with-history", "anki@example.org"])
    assert result.exit_code == 0, result.output
    assert "5 created" in result.output
    assert "history for anki@example.org: 1 cards, 1 reviews" in result.output
    card = db.session.scalar(sa.select(Card).where(Card.user_id == learner.id))
    assert card.reps == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 1


def test_history_is_only_for_anki_packages(runner, bundled_course, make_user):
    make_user("learner", email="anki@example.org")
    source = _conformance_folder() / "truefalse.xml"
    args = ["questions", "import", str(source), "--course", "curso-flask", "--lesson", "1"]
    before = _count()
    result = runner.invoke(args=[*args, "--with-history", "anki@example.org"])
    assert result.exit_code == 1
    assert "--with-history reads an Anki package" in result.output
    assert _count() == before
