"""Moodle XML and Anki packages through the one import service: lessons from categories
(or a mapping), unsupported parts reported, refused files write nothing, Anki history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import current_app

from quizapp.extensions import db
from quizapp.models import Card, ReviewLog
from quizapp.services import ratings
from quizapp.services.anki_history import import_review_history
from quizapp.services.bank_import import apply_import
from tests.domain.test_anki_package import legacy_package
from tests.domain.test_moodle_xml import BILLION_LAUGHS, _conformance_folder
from tests.factories import (
    course_by_slug,
    lesson_by_number,
    plan_file,
    questions_by_external_id,
    row_count,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _media_dir() -> str:
    return current_app.config["MEDIA_DIR"]


def test_a_moodle_fixture_imports_into_the_chosen_lesson(bundled_course):
    data = (_conformance_folder() / "multichoice.xml").read_bytes()
    plan = plan_file(db.session, data, "multichoice.xml", 2)
    assert plan.errors == []
    assert plan.fmt == "moodle-xml"
    assert plan.created == ["greeting"]
    apply_import(db.session, plan, media_dir=_media_dir(), now=NOW)
    db.session.commit()
    question = questions_by_external_id(db.session, "greeting")["greeting"]
    assert question.type == "single_choice"
    assert question.lesson_id == lesson_by_number(db.session, 2).id
    assert [choice.is_correct for choice in question.choices] == [False, True, False, False]


def test_categories_map_to_lessons_by_name_or_by_the_mapping(bundled_course):
    data = (_conformance_folder() / "nested_categories_with_questions.xml").read_bytes()
    unmapped = plan_file(db.session, data, "nested.xml", None)
    assert any("names lesson 'Iota'" in error for error in unmapped.errors)
    mapping = {"Iota": "1", "Iota/Kappa": "2", "Lambda": "3", "Iota/Mu": "clase-3-que-es-flask"}
    plan = plan_file(db.session, data, "nested.xml", None, category_lessons=mapping)
    assert plan.errors == []
    lessons = {item.question["id"]: item.lesson_id for item in plan.items}
    assert lessons == {
        "iota-question": lesson_by_number(db.session, 1).id,
        "kappa-essay-question": lesson_by_number(db.session, 2).id,
        "kappa-question": lesson_by_number(db.session, 2).id,
        "lambda-question": lesson_by_number(db.session, 3).id,
        "mu-question": lesson_by_number(db.session, 3).id,
    }
    assert plan.unsupported == []  # Moodle essays import since issue #17


def test_a_hostile_xml_file_writes_nothing(bundled_course):
    before = row_count(db.session)
    plan = plan_file(db.session, BILLION_LAUGHS, "evil.xml", 1)
    assert plan.items == []
    assert plan.errors[0].startswith("evil.xml:2: refused:")
    assert row_count(db.session) == before


def test_an_anki_package_imports_and_a_damaged_one_is_refused(bundled_course):
    plan = plan_file(db.session, legacy_package(), "deck.apkg", 1)
    assert plan.errors == []
    assert plan.fmt == "apkg"
    assert len(plan.created) == 5
    apply_import(db.session, plan, media_dir=_media_dir(), now=NOW)
    db.session.commit()
    types = sorted(q.type for q in questions_by_external_id(db.session, "anki-").values())
    assert types == ["cloze", "cloze", "flashcard", "flashcard", "flashcard"]
    before = row_count(db.session)
    broken = plan_file(db.session, b"PK\x03\x04junk", "bad.apkg", 1)
    assert broken.errors == ["bad.apkg:1: not an Anki package (the file is not a zip archive)"]
    assert row_count(db.session) == before


def test_the_review_log_becomes_the_learners_fsrs_history(bundled_course, make_user):
    day = 24 * 3600 * 1000
    start = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp() * 1000)
    # The basic note's card (id 10): Again, Good a day later, Good four days later.
    revlog = [
        (start, 10, 1, 8000, 0),
        (start + day, 10, 3, 4000, 1),
        (start + 5 * day, 10, 3, 3000, 1),
    ]
    data = legacy_package(revlog=revlog)
    plan = plan_file(db.session, data, "deck.apkg", 1)
    apply_import(db.session, plan, media_dir=_media_dir(), now=NOW)
    learner = make_user("learner")
    result = import_review_history(db.session, learner.id, course_by_slug(db.session), data, NOW)
    db.session.commit()
    assert (result.cards, result.reviews) == (1, 3)
    card = db.session.scalar(sa.select(Card).where(Card.user_id == learner.id))
    assert card.reps == 3
    assert card.state == 2  # review
    assert card.due > datetime(2026, 11, 6, tzinfo=UTC)
    logs = db.session.scalars(
        sa.select(ReviewLog).where(ReviewLog.user_id == learner.id).order_by(ReviewLog.reviewed_at)
    ).all()
    assert [log.rating for log in logs] == [1, 3, 3]
    assert logs[0].reviewed_at == datetime(2026, 11, 1, tzinfo=UTC)
    again = import_review_history(db.session, learner.id, course_by_slug(db.session), data, NOW)
    assert (again.cards, again.kept) == (0, 1)


def test_imported_history_cannot_be_undone_from_the_review_page(bundled_course, make_user):
    start = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp() * 1000)
    data = legacy_package(revlog=[(start, 10, 3, 4000, 0)])
    plan = plan_file(db.session, data, "deck.apkg", 1)
    apply_import(db.session, plan, media_dir=_media_dir(), now=NOW)
    learner = make_user("learner")
    import_review_history(db.session, learner.id, course_by_slug(db.session), data, NOW)
    card = db.session.scalar(sa.select(Card).where(Card.user_id == learner.id))
    imported = ratings.snapshot(card)
    with pytest.raises(ratings.NothingToUndo):
        ratings.undo_last_rating(db.session, learner.id)
    # A rating made on the review page after the import is undone back to the imported
    # state, and no further.
    ratings.rate_card(db.session, learner.id, card.id, 3, NOW, enable_fuzzing=False)
    ratings.undo_last_rating(db.session, learner.id)
    assert ratings.snapshot(card) == imported
    with pytest.raises(ratings.NothingToUndo):
        ratings.undo_last_rating(db.session, learner.id)
    sources = db.session.scalars(sa.select(ReviewLog.source).where(ReviewLog.card_id == card.id))
    assert list(sources) == ["anki"]
