"""Reverse flashcards: a flashcard with `reverse: true` gives each learner a second card,
shown back to front and scheduled on its own; quiz answers only review the front card."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from quizapp.domain.formats.bank import parse_bank
from quizapp.domain.questions.registry import normalise_question, validate_question
from quizapp.extensions import db
from quizapp.models import Card
from quizapp.services import deck, ratings, review_queue
from quizapp.services.question_store import card_question, question_dict
from tests.factories import lesson_by_number, questions_of_type

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def reversible(make_user, deck_course):
    lesson = lesson_by_number(db.session, 1, deck_course.slug)
    question = questions_of_type(db.session, "flashcard", 1, deck_course.slug)[0]
    question.data = {**(question.data or {}), "reverse": True}
    db.session.flush()
    return lesson, question, make_user()


def cards_of(user, question) -> list[Card]:
    return list(
        db.session.scalars(
            sa.select(Card)
            .where(Card.user_id == user.id, Card.question_id == question.id)
            .order_by(Card.reverse)
        )
    )


def test_a_reverse_flashcard_joins_the_deck_as_two_cards(reversible):
    lesson, question, learner = reversible
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson.id, NOW)
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson.id, NOW)  # idempotent
    front, back = cards_of(learner, question)
    assert (front.reverse, back.reverse) == (False, True)
    shown = card_question(back)
    original = question_dict(question)
    assert (shown["prompt"], shown["back"]) == (original["back"], original["prompt"])
    assert card_question(front) == original


def test_each_side_is_scheduled_on_its_own(reversible):
    lesson, question, learner = reversible
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson.id, NOW)
    front, back = cards_of(learner, question)
    ratings.rate_card(db.session, learner.id, back.id, 1, NOW, enable_fuzzing=False)
    db.session.refresh(front)
    assert (back.reps, front.reps) == (1, 0)
    # The queue shows the reverse card back to front.
    # The queue shows the reverse card (due again, studied: first) back to front.
    queue = review_queue.review_queue(db.session, learner.id, NOW.replace(hour=10))
    assert {front.id, back.id} <= {card.id for card in queue.cards}
    assert queue.current.card.id == back.id
    assert queue.current.question["prompt"] == question_dict(question)["back"]


def test_quiz_answers_review_the_front_card_only(reversible):
    from quizapp.services import quiz_reviews

    lesson, question, learner = reversible
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson.id, NOW)
    reviewed = quiz_reviews.record_quiz_answers(db.session, learner.id, [(question.id, True)], NOW)
    front, back = cards_of(learner, question)
    assert [card.id for card in reviewed] == [front.id]
    assert (front.reps, back.reps) == (1, 0)


def test_reverse_is_a_boolean_of_flashcards_and_round_trips_through_yaml():
    raw = {"id": "x", "type": "flashcard", "prompt": "Flask", "back": "a microframework"}
    assert "reverse" not in normalise_question(raw)
    both = normalise_question({**raw, "reverse": True})
    assert both["reverse"] is True
    assert validate_question({**raw, "reverse": "yes"})
    text = "lesson: 1\nquestions:\n  - id: x\n    type: flashcard\n    prompt: Flask\n"
    text += "    back: a microframework\n    reverse: true\n"
    bank = parse_bank(text, "bank.yaml")
    assert bank.errors == []
    (parsed,) = bank.questions
    assert parsed["reverse"] is True
