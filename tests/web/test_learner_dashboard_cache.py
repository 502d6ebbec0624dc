"""The learner dashboard's kept figures (dashboard/figures_cache.learner_figures) never
show stale data: each kind of change shows on the next load — a submission, a rating and
its undo, a suspension, a course or lesson edit, a retired question, a group membership
that brings an override, the desired retention, the language — and so does the passage
of time alone (the next UTC day, a card's mastery lapsing within the day, scores shown
when a quiz closes). Each test loads the page once before the change, so the copy it
made is there to be (wrongly) reused if the key or its span of time missed the change."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.quiz_rules import QuizRules
from quizapp.extensions import db
from quizapp.models import Card
from quizapp.services import course_groups, memberships, progress, quiz_overrides
from tests.conftest import csrf_token_from
from tests.factories import add_attempt, add_card, questions_of, questions_of_type
from tests.web.test_dashboard import text_of

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"CLOCK": NOW, "REVIEW_FUZZING": False}


@pytest.fixture
def learner(client, login_as, deck_course):
    return login_as("learner")


def dashboard(client, **headers) -> str:
    response = client.get("/dashboard", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def due_today(html: str) -> int:
    return int(re.search(r'id="due-today">\s*(\d+)\s*<', html)[1])


def lesson_row(html: str, number: int) -> str:
    row = re.search(rf'<th scope="row">\s*<a[^>]*>{number}\. .*?</tr>', html, re.S)[0]
    return text_of(row).strip()


def flashcard(user, due: datetime = NOW, **fields) -> Card:
    question = questions_of_type(db.session, "flashcard", 1, "mazo")[0]
    card = add_card(db.session, user, question, due=due, **fields)
    db.session.commit()
    return card


def rate(client, card: Card, rating: str = "3"):
    page = client.get("/review").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "reps": str(card.reps), "rating": rating}
    assert client.post(f"/review/{card.id}/rate", data=data).status_code == 302


def test_a_submission_shows_on_the_next_load(client, learner, deck_course):
    lesson = deck_course.lessons[0]
    first, second = questions_of(db.session, lesson)[:2]
    add_attempt(db.session, learner, lesson, {first: 1.0, second: 1.0}, NOW - timedelta(hours=1))
    db.session.commit()
    assert lesson_row(dashboard(client), 1).startswith("1. Clase 1 1 100 %")

    add_attempt(db.session, learner, lesson, {first: 0.0, second: 0.0}, NOW, number=2)
    db.session.commit()

    assert "1. Clase 1 2 100 % 100 % 0 %" in lesson_row(dashboard(client), 1)


def test_a_regraded_score_shows_on_the_next_load(client, learner, deck_course):
    lesson = deck_course.lessons[0]
    attempt = add_attempt(
        db.session, learner, lesson, {questions_of(db.session, lesson)[0]: 0.0}, NOW
    )
    db.session.commit()
    assert "1. Clase 1 1 0 % 0 % 0 %" in lesson_row(dashboard(client), 1)

    attempt.score = 1.0  # as a regrade against a new key or a hand grade writes it
    db.session.commit()

    assert "1. Clase 1 1 100 % 100 % 100 %" in lesson_row(dashboard(client), 1)


def test_a_rating_and_its_undo_show_on_the_next_load(client, learner):
    card = flashcard(learner, due=NOW - timedelta(hours=1), state=1, stability=None)
    assert due_today(dashboard(client)) == 1

    rate(client, card, "4")  # Easy: due in days
    assert due_today(dashboard(client)) == 0

    page = client.get("/review").get_data(as_text=True)
    assert (
        client.post("/review/undo", data={"csrf_token": csrf_token_from(page)}).status_code == 302
    )
    assert due_today(dashboard(client)) == 1


def test_a_suspension_shows_on_the_next_load(client, learner):
    card = flashcard(learner)
    assert due_today(dashboard(client)) == 1

    page = client.get("/review").get_data(as_text=True)
    suspend = client.post(f"/review/{card.id}/suspend", data={"csrf_token": csrf_token_from(page)})
    assert suspend.status_code == 302

    assert due_today(dashboard(client)) == 0


def test_course_and_lesson_edits_show_on_the_next_load(client, learner, deck_course):
    flashcard(learner)
    assert "1. Clase 1" in dashboard(client)

    deck_course.lessons[0].title = "Renamed lesson"
    db.session.commit()
    assert "1. Renamed lesson" in dashboard(client)

    deck_course.title = "Renamed course"
    db.session.commit()
    assert "<caption>Renamed course</caption>" in dashboard(client)


def test_a_retired_question_shows_on_the_next_load(client, learner, deck_course):
    flashcard(learner)
    html = dashboard(client)
    total = int(re.search(r"of (\d+) questions", lesson_row(html, 1))[1])

    questions_of_type(db.session, "flashcard", 1, "mazo")[-1].retired_at = NOW
    db.session.commit()

    assert f"of {total - 1} questions" in lesson_row(dashboard(client), 1)


def test_a_group_membership_that_brings_an_override_shows_on_the_next_load(
    client, learner, deck_course
):
    """The lesson's scores show once the quiz has closed; the group's override closes it
    later, so joining the group hides them again."""
    lesson = deck_course.lessons[0]
    lesson.set_quiz_rules(
        QuizRules(closes=NOW - timedelta(hours=1), review={"score": "after_close"})
    )
    memberships.set_member(db.session, deck_course, learner, "learner", NOW)
    group = course_groups.create_group(db.session, deck_course, "Extra time")
    quiz_overrides.set_override(
        db.session, lesson, group_id=group.id, closes=NOW + timedelta(days=2)
    )
    add_attempt(db.session, learner, lesson, {questions_of(db.session, lesson)[0]: 1.0}, NOW)
    db.session.commit()
    assert "hidden by the review options" not in lesson_row(dashboard(client), 1)

    course_groups.set_learner_group(db.session, deck_course, learner.id, group.id)
    db.session.commit()

    assert "hidden by the review options" in lesson_row(dashboard(client), 1)


def test_the_desired_retention_shows_on_the_next_load(client, learner):
    flashcard(
        learner, due=NOW + timedelta(days=5), stability=10.5, last_review=NOW - timedelta(days=10)
    )
    assert re.search(r"\(1 of \d+ questions\)", lesson_row(dashboard(client), 1))

    learner.desired_retention = 0.97  # the card's recall (about 0.9) no longer suffices
    db.session.commit()

    assert re.search(r"\(0 of \d+ questions\)", lesson_row(dashboard(client), 1))


def test_the_language_shows_on_the_next_load(client, learner):
    flashcard(learner)
    assert "Cards due today" in dashboard(client)
    spanish = dashboard(client, **{"Accept-Language": "es"})
    assert "Cards due today" not in spanish
    assert "Tarjetas" in spanish


# The passage of time ------------------------------------------------------------------


def test_the_next_day_shows_without_any_change(app, client, learner):
    flashcard(learner, due=NOW + timedelta(days=1))
    assert due_today(dashboard(client)) == 0

    app.config["CLOCK"] = NOW + timedelta(days=1)

    assert due_today(dashboard(client)) == 1


def test_a_mastery_lapsing_within_the_day_shows_without_any_change(app, client, learner):
    """At the default retention (0.9) a card stays mastered while its whole elapsed days
    are at most its stability: 10.5 days of stability lapse on the 11th day."""
    lapses = NOW + timedelta(hours=2)
    flashcard(
        learner,
        due=NOW + timedelta(days=5),
        stability=10.5,
        last_review=lapses - timedelta(days=11),
    )
    assert re.search(r"\(1 of \d+ questions\)", lesson_row(dashboard(client), 1))

    app.config["CLOCK"] = lapses - timedelta(minutes=1)
    assert re.search(r"\(1 of \d+ questions\)", lesson_row(dashboard(client), 1))
    app.config["CLOCK"] = lapses

    assert re.search(r"\(0 of \d+ questions\)", lesson_row(dashboard(client), 1))


def test_scores_shown_when_the_quiz_closes_show_without_any_change(
    app, client, learner, deck_course
):
    lesson = deck_course.lessons[0]
    closes = NOW + timedelta(hours=2)
    lesson.set_quiz_rules(QuizRules(closes=closes, review={"score": "after_close"}))
    add_attempt(db.session, learner, lesson, {questions_of(db.session, lesson)[0]: 1.0}, NOW)
    db.session.commit()
    assert "hidden by the review options" in lesson_row(dashboard(client), 1)

    app.config["CLOCK"] = closes

    assert "hidden by the review options" not in lesson_row(dashboard(client), 1)


def test_an_earlier_clock_does_not_reuse_a_later_copy(app, client, learner):
    flashcard(learner, due=NOW + timedelta(hours=1))
    app.config["CLOCK"] = NOW + timedelta(days=1)
    assert due_today(dashboard(client)) == 1

    app.config["CLOCK"] = NOW - timedelta(days=1)

    assert due_today(dashboard(client)) == 0


# The mechanism ------------------------------------------------------------------------


def test_mastery_lapses_when_fsrs_says_it_does(app):
    last_review = NOW - timedelta(days=3, hours=5)
    for stability in (0.3, 1.0, 2.5, 10.5, 37.0, 365.0):
        for retention in (0.8, 0.9, 0.97):
            lapse = progress.mastery_lapses_at(stability, last_review, retention)
            before = lapse - timedelta(microseconds=1)
            assert progress.card_retrievability(stability, last_review, before) >= retention
            assert progress.card_retrievability(stability, last_review, lapse) < retention


def test_the_first_lapse_is_the_earliest_of_the_cards(app):
    cards = [
        (stability, NOW - timedelta(hours=hours))
        for stability, hours in [(4.0, 3), (3.2, 1), (9.0, 200), (3.0, 30), (50.0, 5)]
    ]
    expected = min(progress.mastery_lapses_at(s, at, 0.9) for s, at in cards)
    assert progress.first_mastery_lapse(cards, 0.9) == expected


def test_a_repeated_load_reads_the_learner_rows_in_one_statement(client, learner, count_queries):
    """The user, then the digest of every row the figures come from: the figures
    themselves (eight statements) are not read again."""
    flashcard(learner)
    dashboard(client)
    db.session.expire_all()
    with count_queries:
        dashboard(client)
    assert len(count_queries) <= 2
