"""Review controls: undo restores the card and its log exactly, the leech rule, suspend and
bury keep cards out of the due queue, "I don't know", reset, and the card browser; on
factories-built content (the `deck_course` fixture)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.domain.scheduling import becomes_leech
from quizapp.extensions import db
from quizapp.models import Card, Question, ReviewLog
from quizapp.services import (
    card_browser,
    card_controls,
    deck,
    quiz_reviews,
    ratings,
    review_queue,
    review_settings,
)
from tests.factories import questions_of_type

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
AGAIN, GOOD = 1, 3


def card_columns(card: Card) -> dict:
    db.session.refresh(card)
    return {column: getattr(card, column) for column in ratings.UNDONE_COLUMNS}


def log_rows(user_id: int) -> list[tuple]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                ReviewLog.id,
                ReviewLog.card_id,
                ReviewLog.rating,
                ReviewLog.reviewed_at,
                ReviewLog.source,
                ReviewLog.undo_state,
            )
            .where(ReviewLog.user_id == user_id)
            .order_by(ReviewLog.id)
        )
    ]


def graduated(user, question: Question, lapses: int = 0) -> Card:
    """A card in the review state, due now, that has lapsed `lapses` times already."""
    card = deck.ensure_card(db.session, user.id, question.id, NOW)
    card.state, card.step, card.stability, card.difficulty = 2, None, 10.0, 5.0
    card.last_review, card.due, card.reps, card.lapses = NOW - timedelta(days=10), NOW, 5, lapses
    db.session.flush()
    return card


COURSE = "mazo"


@pytest.fixture
def learner(make_user, deck_course):
    return make_user()


def of_type(type_name: str, lesson_number: int = 1) -> list[Question]:
    return questions_of_type(db.session, type_name, lesson_number, COURSE)


# --- undo ----------------------------------------------------------------------------------

# A step is a rating of one of two cards (card index, rating) or None: undo.
steps = st.lists(st.one_of(st.none(), st.tuples(st.integers(0, 1), st.integers(1, 4))), max_size=12)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(sequence=steps)
def test_undo_restores_each_card_and_the_log_exactly(make_user, deck_course, sequence):
    user = make_user()
    cards = [deck.ensure_card(db.session, user.id, q.id, NOW) for q in of_type("flashcard")[:2]]
    history = []  # (card index, its columns before, the log before), newest last
    now = NOW
    for step in sequence:
        now += timedelta(minutes=7)
        if step is None:
            if not history:
                with pytest.raises(ratings.NothingToUndo):
                    ratings.undo_last_rating(db.session, user.id)
                continue
            index, columns, logs = history.pop()
            undone = ratings.undo_last_rating(db.session, user.id)
            assert undone.id == cards[index].id
            assert card_columns(cards[index]) == columns
            assert log_rows(user.id) == logs
            continue
        index, rating = step
        history.append((index, card_columns(cards[index]), log_rows(user.id)))
        now = max(now, cards[index].due)
        ratings.rate_card(db.session, user.id, cards[index].id, rating, now, enable_fuzzing=False)
    db.session.rollback()


def test_a_rating_cannot_be_undone_once_a_quiz_reviewed_the_card(learner):
    q = of_type("single_choice")[0]
    card = deck.ensure_card(db.session, learner.id, q.id, NOW)
    ratings.rate_card(db.session, learner.id, card.id, GOOD, NOW)
    quiz_reviews.record_quiz_answers(db.session, learner.id, [(q.id, True)], NOW + timedelta(1))
    with pytest.raises(ratings.NothingToUndo):
        ratings.undo_last_rating(db.session, learner.id)
    assert card.reps == 2


def test_a_reset_card_cannot_have_its_old_ratings_undone(learner):
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    ratings.rate_card(db.session, learner.id, card.id, GOOD, NOW)
    card_controls.reset_cards(db.session, learner.id, [card.id], NOW + timedelta(days=1))
    ratings.rate_card(db.session, learner.id, card.id, GOOD, NOW + timedelta(days=1))
    ratings.undo_last_rating(db.session, learner.id)  # the rating after the reset
    with pytest.raises(ratings.NothingToUndo):
        ratings.undo_last_rating(db.session, learner.id)


def test_undo_touches_only_the_learners_own_ratings(learner, make_user):
    other = make_user()
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    ratings.rate_card(db.session, learner.id, card.id, GOOD, NOW)
    with pytest.raises(ratings.NothingToUndo):
        ratings.undo_last_rating(db.session, other.id)
    assert card.reps == 1


# --- leeches -------------------------------------------------------------------------------


def test_the_leech_rule_tags_at_the_threshold_then_every_half_threshold():
    tagged = [lapses for lapses in range(1, 20) if becomes_leech(lapses, 8)]
    assert tagged == [8, 12, 16]
    assert [n for n in range(1, 6) if becomes_leech(n, 1)] == [1, 2, 3, 4, 5]


def test_the_eighth_lapse_tags_the_card_a_leech_and_suspends_it(learner):
    card = graduated(learner, of_type("flashcard")[0], lapses=6)
    ratings.rate_card(db.session, learner.id, card.id, AGAIN, NOW)
    assert (card.lapses, card.leech, card.suspended_at) == (7, False, None)
    graduated(learner, card.question, lapses=7)
    ratings.rate_card(db.session, learner.id, card.id, AGAIN, NOW)
    assert (card.lapses, card.leech, card.suspended_at) == (8, True, NOW)
    queued = review_queue.review_queue(db.session, learner.id, NOW).cards
    assert card.id not in [queued_card.id for queued_card in queued]


def test_the_leech_threshold_is_a_review_setting(learner):
    review_settings.update_review_settings(db.session, learner.id, 0.9, 20, leech_threshold=2)
    card = graduated(learner, of_type("flashcard")[0], lapses=1)
    ratings.rate_card(db.session, learner.id, card.id, AGAIN, NOW)
    assert card.leech
    assert card.suspended_at is not None
    with pytest.raises(ValueError, match="leech threshold"):
        review_settings.update_review_settings(db.session, learner.id, 0.9, 20, leech_threshold=0)


def test_quiz_answers_that_lapse_a_card_count_towards_the_leech_rule(learner):
    q = of_type("single_choice")[0]
    graduated(learner, q, lapses=7)
    (reviewed,) = quiz_reviews.record_quiz_answers(db.session, learner.id, [(q.id, False)], NOW)
    db.session.commit()
    card = db.session.get(Card, reviewed.id)
    assert (card.lapses, card.leech, card.suspended_at) == (8, True, NOW)


# --- suspend, bury, reset ------------------------------------------------------------------


def test_suspended_and_buried_cards_stay_out_of_the_due_queue(learner):
    first, second, third = (
        deck.ensure_card(db.session, learner.id, q.id, NOW) for q in of_type("flashcard")[:3]
    )
    card_controls.suspend_cards(db.session, learner.id, [first.id], NOW)
    card_controls.bury_card(db.session, learner.id, second.id, NOW)

    def queued(at) -> set[int]:
        return {card.id for card in review_queue.review_queue(db.session, learner.id, at).cards}

    now_queued = queued(NOW)
    assert [first.id in now_queued, second.id in now_queued, third.id in now_queued] == [
        False,
        False,
        True,
    ]
    tomorrow = NOW.replace(hour=0) + timedelta(days=1)
    assert second.buried_until == tomorrow
    assert second.id in queued(tomorrow)
    assert first.id not in queued(tomorrow)
    card_controls.unsuspend_cards(db.session, learner.id, [first.id])
    assert first.id in queued(NOW)


def test_a_buried_card_makes_tomorrow_the_next_due_time(learner):
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    card_controls.bury_card(db.session, learner.id, card.id, NOW)
    later = NOW + timedelta(hours=1)
    assert review_queue.next_due(db.session, learner.id, later) == NOW.replace(hour=0) + timedelta(
        days=1
    )


def test_controls_change_only_the_learners_own_cards(learner, make_user):
    other = make_user()
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    assert card_controls.suspend_cards(db.session, other.id, [card.id], NOW) == 0
    assert card_controls.reset_cards(db.session, other.id, [card.id], NOW) == 0
    assert card_controls.suspend_cards(db.session, learner.id, [card.id], NOW) == 1
    assert card_controls.suspend_cards(db.session, learner.id, [card.id], NOW) == 0  # already


def test_reset_makes_a_card_new_and_keeps_its_history(learner):
    card = graduated(learner, of_type("flashcard")[0], lapses=8)
    card.leech = True
    ratings.rate_card(db.session, learner.id, card.id, GOOD, NOW)
    card_controls.reset_cards(db.session, learner.id, [card.id], NOW + timedelta(days=1))
    db.session.refresh(card)
    assert (card.reps, card.lapses, card.leech, card.stability, card.last_review) == (
        0,
        0,
        False,
        None,
        None,
    )
    assert card_browser.card_state(card) == "new"
    assert db.session.scalar(sa.select(sa.func.count()).where(ReviewLog.card_id == card.id)) == 1


def test_i_dont_know_rates_an_objective_card_again_and_shows_the_answer(learner):
    card = graduated(learner, of_type("single_choice")[0])
    outcome = ratings.give_up_card(db.session, learner.id, card.id, NOW, expected_reps=5)
    assert (outcome.rated, outcome.grade.correct) == (True, False)
    assert outcome.grade.right_answer
    assert (card.reps, card.lapses) == (6, 1)
    flashcard = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    with pytest.raises(ratings.ReviewError):
        ratings.give_up_card(db.session, learner.id, flashcard.id, NOW)


# --- the card browser ----------------------------------------------------------------------


def test_the_browser_finds_cards_by_text_state_lesson_and_due_date(learner, make_user):
    flash_a, flash_b = of_type("flashcard")[:2]
    a = deck.ensure_card(db.session, learner.id, flash_a.id, NOW)
    b = graduated(learner, flash_b)
    b.due = NOW + timedelta(days=30)
    deck.ensure_card(db.session, make_user().id, flash_a.id, NOW)  # someone else's
    card_controls.suspend_cards(db.session, learner.id, [a.id], NOW)

    def found(**query):
        page = card_browser.find_cards(db.session, learner.id, card_browser.CardQuery(**query))
        return [card.id for card in page.cards]

    assert sorted(found()) == sorted([a.id, b.id])
    words = flash_b.prompt_md.split()
    assert b.id in found(text=max(words, key=len).upper())
    assert found(text="no card has this text 987") == []
    assert found(state="suspended") == [a.id]
    assert found(state="review") == [b.id]
    assert found(due_before=date(2025, 3, 3)) == [a.id]
    assert found(lesson_id=flash_a.lesson_id, sort="lapses") == [a.id, b.id] or set(
        found(lesson_id=flash_a.lesson_id)
    ) == {a.id, b.id}
    assert found(lesson_id=-1) == []


def test_the_browser_lists_only_lessons_with_the_learners_cards(learner):
    q = of_type("flashcard", 2)[0]
    deck.ensure_card(db.session, learner.id, q.id, NOW)
    assert [lesson.id for lesson in card_browser.learner_lessons(db.session, learner.id)] == [
        q.lesson_id
    ]
