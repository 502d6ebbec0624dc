"""A real Anki collection: written by Anki itself (the official `anki` package, its Rust
backend), with notes of the three stock note types, an image and reviews made by Anki's
scheduler, exported as Anki 23.10+ writes a package (zstd `collection.anki21b`) and as a
legacy one. It imports as questions with their media, and its review log becomes the
learner's FSRS history: every reviewed card ends with Anki's number of reviews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from anki.collection import Collection, ExportAnkiPackageOptions
from flask import current_app

from quizapp.domain.formats.anki_notes import notes_to_questions
from quizapp.domain.formats.anki_package import open_package
from quizapp.extensions import db
from quizapp.models import Card, Lesson, Media, Question, ReviewLog
from quizapp.services.anki_history import import_review_history
from quizapp.services.bank_import import apply_import, plan_import
from tests.factories import make_course, make_learner
from tests.media_files import png

IMAGE = png(colour=(20, 90, 200))


def _anki_package(folder: Path, *, legacy: bool) -> tuple[bytes, dict[int, int]]:
    """The exported package and, by Anki card id, the reviews Anki counted."""
    collection = Collection(str(folder / "collection.anki2"))
    try:
        deck = collection.decks.id("Curso Flask")
        collection.media.write_data("logo.png", IMAGE)
        notes = [
            ("Basic", {"Front": '¿Qué es WSGI? <img src="logo.png">', "Back": "Una interfaz"}),
            ("Basic (and reversed card)", {"Front": "Flask", "Back": "micro-framework"}),
            ("Cloze", {"Text": "Flask usa {{c1::Jinja2}} y {{c2::Werkzeug}}", "Back Extra": ""}),
        ]
        for name, fields in notes:
            note = collection.new_note(collection.models.by_name(name))
            for field, value in fields.items():
                note[field] = value
            note.tags = ["web"]
            collection.add_note(note, deck)
        collection.decks.select(deck)
        for rating in (3, 1, 3, 4, 3):  # Good, Again, Good, Easy, Good: Anki picks the cards
            queued = collection.sched.get_queued_cards()
            card = collection.get_card(queued.cards[0].card.id)
            card.start_timer()
            collection.sched.answerCard(card, rating)
        reps = dict(collection.db.all("SELECT id, reps FROM cards"))
        out = folder / "curso.apkg"
        options = ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy
        )
        collection.export_anki_package(out_path=str(out), options=options, limit=None)
    finally:
        collection.close()
    return out.read_bytes(), reps


@pytest.fixture(params=[False, True], ids=["anki21b", "legacy"])
def package(request, tmp_path):
    return _anki_package(tmp_path, legacy=request.param)


def test_anki_writes_what_we_read(package, request):
    data, _ = package
    collection = open_package(data)
    legacy = request.node.callspec.id == "legacy"
    assert collection.source == ("collection.anki21" if legacy else "collection.anki21b")
    assert collection.media == {"logo.png": IMAGE}
    assert len(collection.notes) == 3
    assert len(collection.revlog) == 5


def test_a_real_collection_imports_with_its_media_and_the_review_history(app, package):
    data, reps = package
    course = make_course(db.session, slug="anki-real", questions_per_lesson=0)
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.course_id == course.id))
    plan = plan_import(db.session, course, lesson, data, "curso.apkg")
    assert plan.errors == []
    assert plan.unsupported == []
    reviewed_last = max(row["id"] for row in open_package(data).revlog) / 1000
    now = datetime.fromtimestamp(reviewed_last, UTC) + timedelta(days=1)
    apply_import(db.session, plan, media_dir=current_app.config["MEDIA_DIR"], now=now)
    questions = db.session.scalars(sa.select(Question).where(Question.course_id == course.id))
    by_type = sorted((q.type, q.tags) for q in questions)
    # Basic, Basic (and reversed card) twice, Cloze once per deletion: a question per card.
    assert by_type == [("cloze", ["web"])] * 2 + [("flashcard", ["web"])] * 3
    [stored] = db.session.scalars(sa.select(Media.name).where(Media.course_id == course.id))
    assert any(f"(media:{stored})" in q.prompt_md for q in db.session.scalars(sa.select(Question)))

    learner = make_learner(db.session, "anki@example.org")
    history = import_review_history(db.session, learner.id, course, data, now)
    db.session.commit()
    assert history.reviews == 5
    assert history.cards == sum(1 for count in reps.values() if count)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 5
    quizapp_reps = dict(
        db.session.execute(sa.select(Question.external_id, Card.reps).join(Card.question)).all()
    )
    card_of = notes_to_questions(open_package(data)).card_of  # question id → Anki card id
    assert {qid: reps[cid] for qid, cid in card_of.items() if reps[cid]} == quizapp_reps
