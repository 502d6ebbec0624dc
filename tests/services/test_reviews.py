"""Review use cases: cards entering the deck, FSRS reviews (quiz answers too), the queue.

On factories-built content (make_deck_course): each lesson has three single-choice
questions whose first choice is right, one question of each other gradable type and three
flashcards."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest
import sqlalchemy as sa

from quizapp.domain.memory_simulation import DEMO_LEARNER_PARAMETERS
from quizapp.extensions import db
from quizapp.models import Card, Lesson, MemoryParameters, Question, ReviewLog
from quizapp.services import deck, quiz_reviews, ratings, review_queue, review_settings
from tests.factories import lesson_by_number, make_deck_course, questions_of_type

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def logs_of(card: Card) -> list[ReviewLog]:
    return list(
        db.session.scalars(
            sa.select(ReviewLog).where(ReviewLog.card_id == card.id).order_by(ReviewLog.id)
        )
    )


def studied_card(user, q: Question, due: datetime) -> Card:
    """A card reviewed before and now due at `due` (placed directly: ordering tests)."""
    card = deck.ensure_card(db.session, user.id, q.id, NOW)
    card.state, card.step, card.stability, card.difficulty = 2, None, 5.0, 5.0
    card.last_review, card.due, card.reps = due - timedelta(days=5), due, 3
    db.session.flush()
    return card


COURSE = "mazo"


@pytest.fixture
def learner(make_user, deck_course):
    return make_user()


def of_type(type_name: str, lesson_number: int = 1) -> list[Question]:
    return questions_of_type(db.session, type_name, lesson_number, COURSE)


def lesson(number: int) -> Lesson:
    return lesson_by_number(db.session, number, COURSE)


def test_replaying_ratings_through_the_service_matches_fsrs(learner):
    q = of_type("flashcard")[0]
    card = deck.ensure_card(db.session, learner.id, q.id, NOW)
    direct_card = fsrs.Card(card_id=1, due=NOW)
    direct = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False)
    now = NOW
    for rating in (3, 3, 1, 3, 2, 4, 1, 3):
        now = max(now, card.due)
        card = ratings.rate_card(db.session, learner.id, card.id, rating, now, enable_fuzzing=False)
        direct_card, _log = direct.review_card(direct_card, fsrs.Rating(rating), now)
        assert card.due == direct_card.due
        assert card.state == int(direct_card.state)
        assert card.step == direct_card.step
        assert card.stability == pytest.approx(direct_card.stability)
        assert card.difficulty == pytest.approx(direct_card.difficulty)
    assert card.reps == 8
    assert [log.rating for log in logs_of(card)] == [3, 3, 1, 3, 2, 4, 1, 3]


@pytest.mark.parametrize("owner", ["learner", "course"])
def test_replaying_ratings_with_fitted_parameters_matches_fsrs(learner, owner):
    """Adopted parameters (the learner's own, or the course's) change nothing but the
    parameters: every state is what fsrs's own scheduler computes with them."""
    q = of_type("flashcard")[0]
    fitted = list(DEMO_LEARNER_PARAMETERS)
    owner_column = {"user_id": learner.id} if owner == "learner" else {"course_id": q.course_id}
    db.session.add(MemoryParameters(parameters=fitted, adopted=True, **owner_column))
    card = deck.ensure_card(db.session, learner.id, q.id, NOW)
    direct_card = fsrs.Card(card_id=1, due=NOW)
    direct = fsrs.Scheduler(parameters=fitted, desired_retention=0.9, enable_fuzzing=False)
    default_card = fsrs.Card(card_id=2, due=NOW)
    defaults = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False)
    now = NOW
    for rating in (3, 3, 1, 3, 2, 4, 1, 3):
        now = max(now, card.due)
        card = ratings.rate_card(db.session, learner.id, card.id, rating, now, enable_fuzzing=False)
        direct_card, _log = direct.review_card(direct_card, fsrs.Rating(rating), now)
        default_card, _log = defaults.review_card(default_card, fsrs.Rating(rating), now)
        assert card.due == direct_card.due
        assert (card.state, card.step) == (int(direct_card.state), direct_card.step)
        assert card.stability == pytest.approx(direct_card.stability)
        assert card.difficulty == pytest.approx(direct_card.difficulty)
    # Not the defaults' schedule: the parameters made a difference.
    assert card.stability != pytest.approx(default_card.stability)
    previews = review_queue.rating_previews(db.session, card, card.due)
    expected = {
        rating: direct.review_card(direct_card, fsrs.Rating(rating), card.due)[0].due - card.due
        for rating in (1, 2, 3, 4)
    }
    assert previews == expected


def test_each_card_is_scheduled_with_its_own_courses_parameters(learner):
    """A learner with cards in two courses, one with fitted parameters: rating, previews
    and the queue's previews use the parameters of the card's own course."""
    make_deck_course(db.session, slug="otro")
    other = questions_of_type(db.session, "flashcard", 1, "otro")[0]
    other_card = deck.ensure_card(db.session, learner.id, other.id, NOW)  # the older card
    q = of_type("flashcard")[0]
    fitted = list(DEMO_LEARNER_PARAMETERS)
    db.session.add(MemoryParameters(parameters=fitted, adopted=True, course_id=q.course_id))
    card = deck.ensure_card(db.session, learner.id, q.id, NOW)
    fitted_first = fsrs.Scheduler(parameters=fitted, enable_fuzzing=False)
    default_first = fsrs.Scheduler(enable_fuzzing=False)

    def expected_previews(scheduler) -> dict:
        new = fsrs.Card(card_id=1, due=NOW)
        return {
            r: scheduler.review_card(new, fsrs.Rating(r), NOW)[0].due - NOW for r in (1, 2, 3, 4)
        }

    assert expected_previews(fitted_first) != expected_previews(default_first)
    queue = review_queue.review_queue(db.session, learner.id, NOW)
    assert queue.current.card.id == other_card.id
    assert queue.current.previews == expected_previews(default_first)
    scoped = review_queue.find_scope(db.session, COURSE)
    first_here = review_queue.review_queue(db.session, learner.id, NOW, scoped).current
    assert first_here.card.question.lesson.course.slug == COURSE
    assert first_here.previews == expected_previews(fitted_first)
    rated = ratings.rate_card(db.session, learner.id, card.id, 4, NOW, enable_fuzzing=False)
    other_rated = ratings.rate_card(
        db.session, learner.id, other_card.id, 4, NOW, enable_fuzzing=False
    )
    easy = fsrs.Rating.Easy
    assert rated.stability == pytest.approx(
        fitted_first.review_card(fsrs.Card(card_id=1, due=NOW), easy, NOW)[0].stability
    )
    assert other_rated.stability == pytest.approx(
        default_first.review_card(fsrs.Card(card_id=1, due=NOW), easy, NOW)[0].stability
    )


def test_the_learners_desired_retention_drives_the_schedule(learner):
    q = of_type("flashcard")[0]
    learner.desired_retention = 0.8
    card = deck.ensure_card(db.session, learner.id, q.id, NOW)
    card = ratings.rate_card(db.session, learner.id, card.id, 4, NOW, enable_fuzzing=False)
    direct = fsrs.Scheduler(desired_retention=0.8, enable_fuzzing=False)
    expected, _log = direct.review_card(fsrs.Card(card_id=1, due=NOW), fsrs.Rating.Easy, NOW)
    assert card.due == expected.due


def test_a_right_quiz_answer_creates_the_card_rated_good(learner):
    q = of_type("single_choice")[0]
    card = quiz_reviews.record_quiz_answers(db.session, learner.id, [(q.id, True)], NOW)[0]
    assert (card.user_id, card.question_id, card.reps) == (learner.id, q.id, 1)
    assert card.state == fsrs.State.Learning
    assert card.due == NOW + timedelta(minutes=10)
    assert [(log.rating, log.source, log.reviewed_at) for log in logs_of(card)] == [
        (3, "quiz", NOW)
    ]


def test_a_wrong_quiz_answer_updates_the_existing_card_rated_again(learner):
    q = of_type("single_choice")[0]
    first = quiz_reviews.record_quiz_answers(db.session, learner.id, [(q.id, True)], NOW)[0]
    later = NOW + timedelta(days=1)
    card = quiz_reviews.record_quiz_answers(db.session, learner.id, [(q.id, False)], later)[0]
    assert card.id == first.id
    assert card.reps == 2
    assert card.last_review == later
    assert card.due == later + timedelta(minutes=1)
    assert [log.rating for log in logs_of(card)] == [3, 1]
    assert db.session.scalar(sa.select(sa.func.count(Card.id))) == 1


def test_opening_a_lesson_adds_its_flashcards_once(learner):
    added = deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW)
    again = deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW)
    cards = db.session.scalars(sa.select(Card).where(Card.user_id == learner.id)).all()
    assert added == len(of_type("flashcard")) == 3
    assert again == 0
    assert {card.question.type for card in cards} == {"flashcard"}
    assert all(card.reps == 0 and card.due == NOW for card in cards)


def test_the_queue_shows_the_most_overdue_card_first(learner):
    a, b, c = of_type("single_choice")[:3]
    studied_card(learner, a, NOW - timedelta(hours=1))
    studied_card(learner, b, NOW - timedelta(days=3))
    studied_card(learner, c, NOW - timedelta(days=1))
    studied_card(learner, of_type("true_false")[0], NOW + timedelta(hours=1))  # not due
    queue = review_queue.review_queue(db.session, learner.id, NOW)
    assert [card.question_id for card in queue.cards] == [b.id, c.id, a.id]
    assert (queue.review_count, queue.new_count, queue.total) == (3, 0, 3)
    assert queue.current.card.question_id == b.id
    assert set(queue.current.previews) == {1, 2, 3, 4}


def test_due_reviews_come_before_new_cards(learner):
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW - timedelta(days=9))
    studied = studied_card(learner, of_type("single_choice")[0], NOW - timedelta(hours=1))
    queue = review_queue.review_queue(db.session, learner.id, NOW)
    assert queue.cards[0].id == studied.id
    assert (queue.review_count, queue.new_count) == (1, 3)


def test_the_queue_lists_up_to_its_limit_the_reviews_then_the_new_cards_in_order(learner):
    """The reviews and the new cards come from one statement (due_cards.queue), each
    part in its own order and limit."""
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW - timedelta(days=9))
    picks = of_type("single_choice")[:3]
    ago = (1, 5, 3)
    studied = [
        studied_card(learner, q, NOW - timedelta(hours=h)) for q, h in zip(picks, ago, strict=True)
    ]
    reviews = [studied[1].id, studied[2].id, studied[0].id]
    full = review_queue.review_queue(db.session, learner.id, NOW)
    new = [card.id for card in full.cards[3:]]
    assert [card.id for card in full.cards[:3]] == reviews
    assert new == sorted(new)
    assert len(new) == full.new_count == 3
    for limit in range(1, 8):
        queue = review_queue.review_queue(db.session, learner.id, NOW, limit=limit)
        assert [card.id for card in queue.cards] == (reviews + new)[:limit], limit
        assert (queue.review_count, queue.new_count) == (3, 3)
        assert queue.current.card.id == reviews[0]
    listed = review_queue.review_queue(db.session, learner.id, NOW, with_current=False)
    assert (listed.cards, listed.current) == (full.cards, None)  # the API's list: no previews
    scope = review_queue.find_scope(db.session, COURSE, lesson(1).slug)
    scoped = review_queue.review_queue(db.session, learner.id, NOW, scope, limit=4)
    in_lesson = [card.id for card in full.cards if card.question.lesson.id == lesson(1).id]
    assert [card.id for card in scoped.cards] == in_lesson[:4]


def test_new_cards_are_limited_per_day(learner):
    learner.daily_new_limit = 2
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW)
    queue = review_queue.review_queue(db.session, learner.id, NOW)
    assert (queue.new_count, len(queue.cards)) == (2, 2)
    ratings.rate_card(db.session, learner.id, queue.cards[0].id, 3, NOW)
    assert review_queue.review_queue(db.session, learner.id, NOW).new_count == 1
    second = review_queue.review_queue(db.session, learner.id, NOW).cards[0]
    ratings.rate_card(db.session, learner.id, second.id, 3, NOW)
    later_today = review_queue.review_queue(db.session, learner.id, NOW + timedelta(hours=3))
    assert later_today.new_count == 0
    assert later_today.review_count == 2  # the two learning cards are due again
    tomorrow = review_queue.review_queue(db.session, learner.id, NOW + timedelta(days=1))
    assert tomorrow.new_count == 1  # only one new card is left


def test_a_limit_lowered_below_todays_new_cards_shows_no_new_card(learner):
    """Today's allowance below zero (the limit lowered after studying) is none: the new
    cards' part of the queue's statement is limited by it, and SQLite would read a
    negative LIMIT as no limit."""
    learner.daily_new_limit = 2
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW)
    for card in review_queue.review_queue(db.session, learner.id, NOW).cards:
        ratings.rate_card(db.session, learner.id, card.id, 4, NOW)  # Easy: days away
    learner.daily_new_limit = 1
    queue = review_queue.review_queue(db.session, learner.id, NOW)
    assert (queue.review_count, queue.new_count, queue.cards) == (0, 0, [])
    learner.daily_new_limit = 0
    assert review_queue.review_queue(db.session, learner.id, NOW).cards == []


def test_cards_met_in_a_quiz_do_not_use_up_the_new_card_limit(learner):
    learner.daily_new_limit = 1
    for q in of_type("single_choice")[:3]:
        quiz_reviews.record_quiz_answers(db.session, learner.id, [(q.id, True)], NOW)
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW)
    assert review_queue.new_cards_introduced_today(db.session, learner.id, NOW) == 0
    assert review_queue.review_queue(db.session, learner.id, NOW).new_count == 1


def test_the_queue_can_be_limited_to_one_lesson(learner):
    one = studied_card(learner, of_type("single_choice")[0], NOW - timedelta(days=2))
    studied_card(learner, of_type("single_choice", 2)[0], NOW - timedelta(days=5))
    scope = review_queue.find_scope(db.session, COURSE, lesson(1).slug)
    queue = review_queue.review_queue(db.session, learner.id, NOW, scope)
    assert [card.id for card in queue.cards] == [one.id]
    course_scope = review_queue.find_scope(db.session, COURSE)
    assert review_queue.review_queue(db.session, learner.id, NOW, course_scope).review_count == 2
    assert review_queue.find_scope(db.session, COURSE, "no-such-lesson") is None
    assert review_queue.find_scope(db.session, "no-such-course") is None


def test_retired_questions_leave_the_queue(learner):
    q = of_type("single_choice")[0]
    studied_card(learner, q, NOW - timedelta(days=1))
    q.retired_at = NOW
    db.session.flush()
    assert review_queue.review_queue(db.session, learner.id, NOW).total == 0


def test_rating_another_learners_card_is_not_found(learner, make_user):
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    other = make_user()
    with pytest.raises(ratings.CardNotFound):
        ratings.rate_card(db.session, other.id, card.id, 3, NOW)
    with pytest.raises(ratings.CardNotFound):
        ratings.rate_card(db.session, learner.id, 999_999, 3, NOW)
    assert card.reps == 0


@pytest.mark.parametrize("rating", [0, 5, -1, None, "3"])
def test_a_rating_outside_one_to_four_is_refused(learner, rating):
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    with pytest.raises(ratings.InvalidRating):
        ratings.rate_card(db.session, learner.id, card.id, rating, NOW)


def test_a_replayed_rating_is_not_counted_twice(learner):
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    ratings.rate_card(db.session, learner.id, card.id, 3, NOW, expected_reps=0)
    with pytest.raises(ratings.StaleReview):
        ratings.rate_card(db.session, learner.id, card.id, 3, NOW, expected_reps=0)
    assert card.reps == 1
    assert len(logs_of(card)) == 1


def test_forgetting_a_graduated_card_counts_a_lapse(learner):
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    card = ratings.rate_card(db.session, learner.id, card.id, 4, NOW, enable_fuzzing=False)
    card = ratings.rate_card(db.session, learner.id, card.id, 1, card.due, enable_fuzzing=False)
    assert (card.lapses, card.state) == (1, fsrs.State.Relearning)


def test_a_wrong_answer_in_review_is_rated_again(learner):
    q = of_type("single_choice")[0]
    card = deck.ensure_card(db.session, learner.id, q.id, NOW)
    wrong = 1  # choice 0 is the right one
    outcome = ratings.answer_card(db.session, learner.id, card.id, wrong, NOW, expected_reps=0)
    assert outcome.rated
    assert not outcome.grade.correct
    assert [log.rating for log in logs_of(card)] == [1]
    assert outcome.card.due == NOW + timedelta(minutes=1)


def test_a_right_answer_in_review_waits_for_the_learners_rating(learner):
    q = of_type("single_choice")[0]
    card = deck.ensure_card(db.session, learner.id, q.id, NOW)
    outcome = ratings.answer_card(db.session, learner.id, card.id, 0, NOW, expected_reps=0)
    assert outcome.grade.correct
    assert not outcome.rated
    assert set(outcome.previews) == {1, 2, 3, 4}
    assert logs_of(card) == []
    assert card.reps == 0


def test_flashcards_are_rated_not_answered(learner):
    card = deck.ensure_card(db.session, learner.id, of_type("flashcard")[0].id, NOW)
    with pytest.raises(ratings.ReviewError):
        ratings.answer_card(db.session, learner.id, card.id, "anything", NOW)


def test_the_summary_counts_this_sittings_ratings_and_the_next_due_card(learner):
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW)
    choice, true_false = (
        of_type("single_choice")[0],
        of_type("true_false")[0],
    )
    earlier = deck.ensure_card(db.session, learner.id, choice.id, NOW)
    ratings.rate_card(db.session, learner.id, earlier.id, 3, NOW - timedelta(hours=2))
    quiz_reviews.record_quiz_answers(db.session, learner.id, [(true_false.id, True)], NOW)
    first, second, third = review_queue.review_queue(db.session, learner.id, NOW).cards[:3]
    ratings.rate_card(db.session, learner.id, first.id, 1, NOW, enable_fuzzing=False)
    ratings.rate_card(db.session, learner.id, second.id, 3, NOW, enable_fuzzing=False)
    ratings.rate_card(db.session, learner.id, third.id, 3, NOW, enable_fuzzing=False)
    summary = review_queue.session_summary(db.session, learner.id, NOW - timedelta(minutes=5), NOW)
    assert (summary.reviewed, summary.remembered, summary.ratings) == (3, 2, {1: 1, 3: 2})
    assert summary.next_due == NOW + timedelta(minutes=1)


def test_the_next_due_date_is_tomorrow_when_the_new_card_limit_holds_cards_back(learner):
    learner.daily_new_limit = 0
    deck.ensure_lesson_flashcards(db.session, learner.id, lesson(1).id, NOW)
    assert review_queue.review_queue(db.session, learner.id, NOW).total == 0
    assert review_queue.next_due(db.session, learner.id, NOW) == datetime(2025, 3, 4, tzinfo=UTC)


def test_there_is_no_next_due_date_without_cards(learner):
    assert review_queue.next_due(db.session, learner.id, NOW) is None


def test_review_settings_are_stored(learner):
    review_settings.update_review_settings(db.session, learner.id, 0.85, 10)
    assert (learner.desired_retention, learner.daily_new_limit) == (0.85, 10)


@pytest.mark.parametrize(("retention", "limit"), [(0.79, 10), (0.98, 10), (0.9, -1), (0.9, 10_000)])
def test_review_settings_out_of_range_are_refused(learner, retention, limit):
    with pytest.raises(ValueError, match="between"):
        review_settings.update_review_settings(db.session, learner.id, retention, limit)
