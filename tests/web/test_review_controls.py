"""Review controls through the test client: undo, suspend, bury, "I don't know", the card
browser's search and bulk actions, and the leech threshold setting; on factories-built
content (the `deck_course` fixture)."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, ReviewLog
from quizapp.services import deck
from tests.conftest import csrf_token_from
from tests.factories import questions_of_type

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"CLOCK": NOW, "REVIEW_FUZZING": False}


@pytest.fixture
def learner(client, login_as, deck_course):
    return login_as("learner")


def cards_of(user, type_name: str, count: int = 2) -> list[Card]:
    questions = questions_of_type(db.session, type_name, 1, "mazo")[:count]
    cards = [deck.ensure_card(db.session, user.id, q.id, NOW) for q in questions]
    db.session.commit()
    return cards


def page_of(response) -> str:
    return response.get_data(as_text=True)


def post(client, path: str, page: str, **data):
    return client.post(path, data={"csrf_token": csrf_token_from(page), **data})


def test_the_card_page_offers_undo_bury_suspend_and_shows_the_undo_key(client, learner):
    (card,) = cards_of(learner, "flashcard", 1)
    page = page_of(client.get("/review"))
    assert 'action="/review/undo"' in page
    assert f'action="/review/{card.id}/suspend"' in page
    assert f'action="/review/{card.id}/bury"' in page
    assert "<kbd>u</kbd>" in page
    assert "Ctrl+Z" in page


def test_undo_puts_the_rated_card_back(client, learner):
    card, _other = cards_of(learner, "flashcard")
    page = page_of(client.get("/review"))
    rated = post(client, f"/review/{card.id}/rate", page, reps="0", rating="3")
    assert rated.status_code == 302
    page = page_of(client.get("/review"))
    undone = post(client, "/review/undo", page)
    assert undone.status_code == 302
    assert "Rating undone" in page_of(client.get(undone.headers["Location"]))
    db.session.refresh(card)
    assert (card.reps, card.last_review) == (0, None)
    assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 0
    again = post(client, "/review/undo", page)
    assert "Nothing to undo" in page_of(client.get(again.headers["Location"]))


def test_a_suspended_card_leaves_the_queue_and_the_browser_unsuspends_it(client, learner):
    card, other = cards_of(learner, "flashcard")
    page = page_of(client.get("/review"))
    assert post(client, f"/review/{card.id}/suspend", page).status_code == 302
    page = page_of(client.get("/review"))
    assert f"/review/{card.id}/rate" not in page
    assert f"/review/{other.id}/rate" in page

    browser = page_of(client.get("/review/cards?state=suspended"))
    assert f'data-card-id="{card.id}"' in browser
    assert f'data-card-id="{other.id}"' not in browser
    done = post(
        client, "/review/cards?state=suspended", browser, action="unsuspend", cards=str(card.id)
    )
    assert done.status_code == 302
    assert "1 card changed" in page_of(client.get(done.headers["Location"]))
    db.session.refresh(card)
    assert card.suspended_at is None


def test_a_buried_card_is_back_the_next_day(client, learner):
    card, _other = cards_of(learner, "flashcard")
    page = page_of(client.get("/review"))
    assert post(client, f"/review/{card.id}/bury", page).status_code == 302
    assert f"/review/{card.id}/rate" not in page_of(client.get("/review"))
    client.application.config["CLOCK"] = NOW + timedelta(days=1)
    assert f"/review/{card.id}/rate" in page_of(client.get("/review"))


def test_i_dont_know_rates_again_and_shows_the_right_answer(client, learner):
    (card,) = cards_of(learner, "single_choice", 1)
    page = page_of(client.get("/review"))
    assert f'formaction="/review/{card.id}/dont-know"' in page
    response = post(client, f"/review/{card.id}/dont-know", page, reps="0")
    assert response.status_code == 200
    result = page_of(response)
    assert "I don&#39;t know" in result or "I don't know" in result
    assert 'id="review-rated"' in result
    db.session.refresh(card)
    assert card.reps == 1
    assert db.session.scalar(sa.select(ReviewLog.rating)) == 1


def test_the_browser_searches_by_text_and_refuses_a_bulk_post_without_the_token(client, learner):
    card, other = cards_of(learner, "flashcard")
    word = max(card.question.prompt_md.split(), key=len)
    page = page_of(client.get("/review/cards", query_string={"q": word}))
    assert f'data-card-id="{card.id}"' in page
    refused = client.post("/review/cards", data={"action": "reset", "cards": str(card.id)})
    assert refused.status_code == 400
    bad = post(client, "/review/cards", page, action="delete", cards=str(card.id))
    assert bad.status_code == 400
    assert page_of(client.get("/review/cards?due_before=not-a-date")).count("data-card-id") == 2


def test_the_bulk_actions_touch_only_the_learners_cards(client, learner, make_user):
    stranger_card = cards_of(make_user(), "flashcard", 1)[0]
    page = page_of(client.get("/review/cards"))
    post(client, "/review/cards", page, action="suspend", cards=str(stranger_card.id))
    db.session.refresh(stranger_card)
    assert stranger_card.suspended_at is None


def test_settings_save_the_leech_threshold(client, learner):
    page = page_of(client.get("/review/settings"))
    assert 'name="leech_threshold"' in page
    assert 'value="8"' in page
    saved = post(
        client,
        "/review/settings",
        page,
        retention_percent="90",
        daily_new_limit="20",
        leech_threshold="5",
    )
    assert saved.status_code == 302
    db.session.refresh(learner)
    assert learner.leech_threshold == 5
    refused = post(
        client,
        "/review/settings",
        page,
        retention_percent="90",
        daily_new_limit="20",
        leech_threshold="0",
    )
    assert refused.status_code == 200
    db.session.refresh(learner)
    assert learner.leech_threshold == 5
