"""The review page through the test client: answering, flipping, rating, keys, summary; on
factories-built content (the `deck_course` fixture: every deck type in each lesson)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, Question, ReviewLog, User
from quizapp.review import answer_parsing
from quizapp.services import deck, quiz_reviews
from quizapp.services.question_store import question_dict
from tests.conftest import csrf_token_from
from tests.factories import lesson_by_number
from tests.quiz_answers import _right_fields, _wrong_fields

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
COURSE = "mazo"


@pytest.fixture
def app_config():
    return {"CLOCK": NOW, "REVIEW_FUZZING": False}


@pytest.fixture
def learner(client, login_as, deck_course):
    return login_as("learner")


def question(external_id: str) -> Question:
    return db.session.scalar(sa.select(Question).where(Question.external_id == external_id))


def flashcards(user, lesson_number: int = 1) -> list[Card]:
    deck.ensure_lesson_flashcards(
        db.session, user.id, lesson_by_number(db.session, lesson_number, COURSE).id, NOW
    )
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(Card)
            .join(Question)
            .where(
                Card.user_id == user.id,
                Card.reps == 0,
                Question.lesson_id == lesson_by_number(db.session, lesson_number, COURSE).id,
            )
            .order_by(Card.id)
        )
    )


def objective_card(user, external_id: str = "l1-q1") -> Card:
    card = deck.ensure_card(db.session, user.id, question(external_id).id, NOW)
    db.session.commit()
    return card


def review_logs() -> list[ReviewLog]:
    return list(db.session.scalars(sa.select(ReviewLog).order_by(ReviewLog.id)))


def page_of(response) -> str:
    return response.get_data(as_text=True)


def rate(client, card: Card, rating, page: str, reps=None):
    return client.post(
        f"/review/{card.id}/rate",
        data={
            "csrf_token": csrf_token_from(page),
            "reps": card.reps if reps is None else reps,
            "rating": rating,
        },
    )


def _answer(client, card_id: int, page: str, reps: int, fields: dict):
    """Post an answer to a card from its review page, as the page's form does."""
    data = {"csrf_token": csrf_token_from(page), "reps": str(reps), **fields}
    return client.post(f"/review/{card_id}/answer", data=data)


def test_review_needs_a_login(client):
    response = client.get("/review")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_navigation_links_to_review(client, learner):
    assert 'href="/review"' in page_of(client.get("/"))


def test_a_flashcard_shows_its_front_flip_and_keyboard_hints(client, learner):
    flashcards(learner)
    page = page_of(client.get("/review"))
    assert "<details" in page
    assert "data-review-flip" in page
    assert "<kbd>Space</kbd>" in page
    for rating in "1234":
        assert f'data-rating="{rating}"' in page
        assert f"<kbd>{rating}</kbd>" in page
    assert 'id="review-keys"' in page
    assert 'src="/static/js/review.js"' in page
    assert "<script>" not in page
    assert "style=" not in page


def test_rating_buttons_show_the_next_interval(client, learner):
    flashcards(learner)
    page = page_of(client.get("/review"))
    buttons = dict(
        re.findall(r'data-rating="(\d)".*?class="review-interval">([^<]+)<', page, re.DOTALL)
    )
    assert buttons["1"] == "1 min"
    assert buttons["3"] == "10 min"
    assert buttons["4"].endswith(" d")


def test_a_full_review_answers_a_question_then_rates_a_flashcard(client, learner):
    learner.daily_new_limit = 1
    db.session.commit()
    objective = objective_card(learner)
    quiz_reviews.record_quiz_answers(db.session, learner.id, [(objective.question_id, True)], NOW)
    flashcard = flashcards(learner)[0]
    db.session.commit()
    client.application.config["CLOCK"] = NOW + timedelta(hours=1)

    page = page_of(client.get("/review"))  # the quiz card is overdue: it comes first
    assert f'action="/review/{objective.id}/answer"' in page
    assert 'name="answer"' in page
    q = question_dict(objective.question)
    right = _right_fields("answer", q, answer_parsing.answer_layout(q, objective.id, 1))
    answered = _answer(client, objective.id, page, 1, {**right, "duration_ms": "4200"})
    result = page_of(answered)
    assert answered.status_code == 200
    assert "text-success" in result
    assert 'data-rating="1"' not in result  # right: Hard, Good or Easy
    good = r'data-rating="3"\s+class="[^"]*btn-primary[^"]*"\s+data-rating-default autofocus'
    assert re.search(good, result)
    rated = rate(client, objective, 3, result, reps=1)
    assert rated.headers["Location"] == "/review"

    page = page_of(client.get("/review"))
    assert "data-review-flip" in page
    assert f'action="/review/{flashcard.id}/rate"' in page
    assert rate(client, flashcard, 4, page).status_code == 302

    summary = page_of(client.get("/review"))
    assert 'id="review-summary-count"' in summary
    assert "2 cards reviewed, 2 remembered" in summary
    assert 'id="review-next-due"' in summary
    logs = [(log.card_id, log.rating, log.source) for log in review_logs()]
    assert logs == [
        (objective.id, 3, "quiz"),
        (objective.id, 3, "review"),
        (flashcard.id, 4, "review"),
    ]
    assert review_logs()[1].duration_ms is None  # not sent with the rating


def test_a_wrong_answer_is_rated_again_and_shows_the_right_answer(client, learner):
    card = objective_card(learner)
    page = page_of(client.get("/review"))
    q = question_dict(card.question)
    wrong = _wrong_fields("answer", q, answer_parsing.answer_layout(q, card.id, 0))
    data = {"csrf_token": csrf_token_from(page), "reps": "0", **wrong}
    result = page_of(client.post(f"/review/{card.id}/answer", data=data))
    assert "text-danger" in result
    assert "Choice 0" in result  # the right answer
    assert "data-review-next" in result
    assert [log.rating for log in review_logs()] == [1]
    replay = client.post(f"/review/{card.id}/answer", data=data)
    assert replay.status_code == 302
    assert "already reviewed" in page_of(client.get(replay.headers["Location"]))
    assert len(review_logs()) == 1


@pytest.mark.parametrize(
    "external_id",
    [
        "l1-q1",
        "l1-multiple_response",
        "l1-true_false",
        "l1-short_answer",
        "l1-numeric",
        "l1-matching",
        "l1-cloze",
    ],
)
def test_each_objective_type_can_be_answered_in_review(client, learner, external_id):
    card = objective_card(learner, external_id)
    page = page_of(client.get("/review"))
    q = question_dict(card.question)
    right = _answer(
        client,
        card.id,
        page,
        0,
        _right_fields("answer", q, answer_parsing.answer_layout(q, card.id, 0)),
    )
    assert "text-success" in page_of(right)
    assert review_logs() == []
    wrong = _answer(
        client,
        card.id,
        page,
        0,
        _wrong_fields("answer", q, answer_parsing.answer_layout(q, card.id, 0)),
    )
    assert "text-success" not in page_of(wrong)
    assert [log.rating for log in review_logs()] == [1]


def test_an_empty_answer_is_asked_again_without_a_review(client, learner):
    card = objective_card(learner, "l1-short_answer")
    page = page_of(client.get("/review"))
    response = _answer(client, card.id, page, 0, {"answer": ""})
    assert response.status_code == 200
    assert "invalid-feedback" in page_of(response)
    assert review_logs() == []


def test_the_answer_forms_messages_follow_the_language_chosen_since(client, learner):
    """WTForms' own messages on the review page come from the per-worker catalog of each
    language (review.forms.ReviewedCardForm, as the quiz's forms), not the first one read."""
    card = objective_card(learner, "l1-q1")
    page = page_of(client.get("/review"))
    shown = {}
    for code in ("es", "en", "es"):
        client.post("/lang/" + code, data={"csrf_token": csrf_token_from(page), "next": "/review"})
        refused = _answer(client, card.id, page, 0, {"answer": "99"})
        assert refused.status_code == 200
        shown.setdefault(code, []).append(page_of(refused))
    assert all("Opción inválida." in page for page in shown["es"])
    assert "Not a valid choice." in shown["en"][0]
    assert "Opción inválida." not in shown["en"][0]
    assert review_logs() == []


def test_rating_another_learners_card_is_404(client, learner, make_user):
    other = make_user()
    card = flashcards(other)[0]
    page = page_of(client.get("/review"))
    assert rate(client, card, 3, page).status_code == 404
    theirs = objective_card(other)
    answered = _answer(client, theirs.id, page, 0, {"answer": "0"})
    assert answered.status_code == 404
    db.session.refresh(card)
    assert card.reps == 0


@pytest.mark.parametrize("rating", ["0", "5", "9", "abc", ""])
def test_a_bad_rating_is_a_400_page(client, learner, rating):
    card = flashcards(learner)[0]
    page = page_of(client.get("/review"))
    response = rate(client, card, rating, page)
    assert response.status_code == 400
    assert "<h1>400</h1>" in page_of(response)
    assert review_logs() == []


def test_a_rating_without_the_csrf_token_is_refused(client, learner):
    card = flashcards(learner)[0]
    response = client.post(f"/review/{card.id}/rate", data={"reps": "0", "rating": "3"})
    assert response.status_code == 400
    assert review_logs() == []


def test_a_double_posted_rating_counts_once(client, learner):
    card = flashcards(learner)[0]
    page = page_of(client.get("/review"))
    assert rate(client, card, 3, page, reps=0).status_code == 302
    again = rate(client, card, 3, page, reps=0)
    assert again.status_code == 302
    assert "already reviewed" in page_of(client.get(again.headers["Location"]))
    assert len(review_logs()) == 1
    db.session.refresh(card)
    assert card.reps == 1


def test_the_empty_queue_shows_the_summary_and_the_next_due_time(client, learner):
    card = flashcards(learner)[0]
    summary = page_of(
        client.get(f"/review?course=mazo&lesson={lesson_by_number(db.session, 2, COURSE).slug}")
    )
    assert "data-review" not in summary
    assert 'id="review-summary-title"' in summary
    page = page_of(client.get("/review"))
    rate(client, card, 1, page)
    for other in flashcards(learner):
        rate(client, other, 3, page_of(client.get("/review")))
    summary = page_of(client.get("/review"))
    assert "This session: 3 cards reviewed, 2 remembered." in summary
    assert "Next card due in 1 min" in summary


def test_the_summary_without_any_card_says_how_to_get_some(client, learner):
    page = page_of(client.get("/review"))
    assert "You have no cards yet" in page


def test_the_queue_can_show_one_lesson(client, learner):
    flashcards(learner, 1)
    lesson_2 = flashcards(learner, 2)[0]
    lesson_2_slug = lesson_by_number(db.session, 2, COURSE).slug
    page = page_of(client.get(f"/review?course=mazo&lesson={lesson_2_slug}"))
    action = f"/review/{lesson_2.id}/rate?course=mazo&amp;lesson={lesson_2_slug}"
    assert f'action="{action}"' in page
    assert "3 new" in page
    query = f"?course=mazo&lesson={lesson_2_slug}"
    response = client.post(
        f"/review/{lesson_2.id}/rate{query}",
        data={
            "csrf_token": csrf_token_from(page),
            "reps": "0",
            "rating": "3",
        },
    )
    assert response.headers["Location"] == f"/review{query}"
    assert client.get("/review?course=mazo&lesson=nope").status_code == 404
    assert client.get("/review?course=nope").status_code == 404


def test_settings_show_and_save_retention_and_the_new_card_limit(client, learner):
    page = page_of(client.get("/review/settings"))
    assert 'value="90"' in page
    assert 'value="20"' in page
    response = client.post(
        "/review/settings",
        data={
            "csrf_token": csrf_token_from(page),
            "retention_percent": "85",
            "daily_new_limit": "5",
        },
    )
    assert response.status_code == 302
    user = db.session.get(User, learner.id)
    db.session.refresh(user)
    assert (user.desired_retention, user.daily_new_limit) == (0.85, 5)


@pytest.mark.parametrize(
    ("retention", "limit"), [("99", "5"), ("79", "5"), ("90", "-1"), ("x", "5")]
)
def test_settings_out_of_range_are_explained_not_saved(client, learner, retention, limit):
    page = page_of(client.get("/review/settings"))
    response = client.post(
        "/review/settings",
        data={
            "csrf_token": csrf_token_from(page),
            "retention_percent": retention,
            "daily_new_limit": limit,
        },
    )
    assert response.status_code == 200
    assert "invalid-feedback" in page_of(response)
    db.session.refresh(learner)
    assert (learner.desired_retention, learner.daily_new_limit) == (0.9, 20)
