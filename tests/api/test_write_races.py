"""Two writes of the same thing interleaved at the worst moment: both requests have read
everything before either writes (on SQLite a request's reads run outside the write lock,
which its first write takes: quizapp.database; on PostgreSQL they are READ COMMITTED
statements). The write itself re-checks what was read, so the second request is refused
or answers what the first stored, and nothing is stored twice. Threads on the suite's
database (both CI passes). On SQLite, before, a POST took the write lock at its first
statement: the second request could not read until the first committed, and the pause
below would never be reached by both."""

import threading

import sqlalchemy as sa
from flask.testing import FlaskClient

from quizapp.domain.questions.registry import grade_response, is_gradable
from quizapp.extensions import db
from quizapp.models import Attempt, Card, Question, ReviewLog
from quizapp.models.types import utcnow
from quizapp.services import quiz_submission, ratings
from quizapp.services.deck import insert_missing_cards
from quizapp.services.question_store import question_dict
from tests.api.conftest import LESSON_PATH, all_right

PAUSE_SECONDS = 30  # the longest a request waits for the other to reach its first write


def _interleaved(app, monkeypatch, calls: list, *pause_before: tuple) -> list:
    """Runs each call (a function of a test client) in its own thread, every one paused
    just before its request's first write (at a function `pause_before` names, which the
    service calls once its reads are done) until all have got there; their responses."""
    barrier = threading.Barrier(len(calls), timeout=PAUSE_SECONDS)
    originals = [(module, name, getattr(module, name)) for module, name in pause_before]

    def pausing(writes):
        def paused(*args, **kwargs):
            barrier.wait()
            return writes(*args, **kwargs)

        return paused

    for module, name, writes in originals:
        monkeypatch.setattr(module, name, pausing(writes))
    responses: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call) -> None:
        try:
            responses[index] = call(FlaskClient(app, app.response_class))
        except BaseException as error:  # reported by the test thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=4 * PAUSE_SECONDS)
    for module, name, writes in originals:
        monkeypatch.setattr(module, name, writes)
    assert not errors, errors
    assert barrier.n_waiting == 0
    assert not barrier.broken, "a request could not read while the other was writing"
    return responses


def _headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_two_ratings_of_one_card_read_together_record_one(
    app, monkeypatch, issue_token, bundled_course
):
    user, token = issue_token()
    question_id = db.session.scalar(sa.select(sa.func.min(Question.id)))
    insert_missing_cards(db.session, user.id, [question_id], utcnow())
    db.session.commit()
    card_id = db.session.scalar(sa.select(Card.id).where(Card.user_id == user.id))

    def rate(client):
        return client.post(f"/api/v1/review/{card_id}", json={"rating": 3}, headers=_headers(token))

    responses = _interleaved(app, monkeypatch, [rate, rate], (ratings, "apply_review"))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409], [r.get_data(as_text=True) for r in responses]
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.get_json()["error"]["code"] == "stale_review"
    db.session.expire_all()
    assert db.session.get(Card, card_id).reps == 1
    logs = db.session.scalar(
        sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.card_id == card_id)
    )
    assert logs == 1


def test_two_submissions_of_one_attempt_read_together_grade_it_once(
    app, monkeypatch, client, issue_token, bundled_course, enrol
):
    user, token = issue_token()
    enrol(user)
    started = client.post(f"/api/v1{LESSON_PATH}/attempts", headers=_headers(token))
    assert started.status_code == 201, started.get_data(as_text=True)
    body = all_right(started.get_json())
    body["confirm_unanswered"] = True
    attempt_id = started.get_json()["id"]

    def submit(client):
        return client.post(
            f"/api/v1/attempts/{attempt_id}/submit", json=body, headers=_headers(token)
        )

    responses = _interleaved(
        app, monkeypatch, [submit, submit], (quiz_submission, "_claim_submission")
    )
    assert [response.status_code for response in responses] == [200, 200], [
        r.get_data(as_text=True) for r in responses
    ]
    results = [response.get_json() for response in responses]
    assert results[0]["score"] == results[1]["score"] == 1.0
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.submitted_at is not None
    # The answers counted as reviews once: one log per card, none twice.
    logs = db.session.execute(
        sa.select(ReviewLog.card_id, sa.func.count(ReviewLog.id))
        .join(Card, Card.id == ReviewLog.card_id)
        .where(Card.user_id == user.id, ReviewLog.source == "quiz")
        .group_by(ReviewLog.card_id)
    ).all()
    assert logs
    assert {count for _card, count in logs} == {1}


def test_an_autosave_read_before_a_submission_never_overwrites_what_it_graded(
    app, monkeypatch, client, issue_token, bundled_course, enrol
):
    """The autosave (every answer wrong) read the attempt open, and so did the submission
    (every answer right); whichever writes first, the answers stored are those graded."""
    user, token = issue_token()
    enrol(user)
    started = client.post(f"/api/v1{LESSON_PATH}/attempts", headers=_headers(token))
    assert started.status_code == 201, started.get_data(as_text=True)
    shown = started.get_json()
    right = {**all_right(shown), "confirm_unanswered": True}
    wrong = all_right(shown, wrong=frozenset(item["position"] for item in shown["questions"]))
    attempt_id = shown["id"]

    def save(client):
        return client.put(
            f"/api/v1/attempts/{attempt_id}/answers", json=wrong, headers=_headers(token)
        )

    def submit(client):
        return client.post(
            f"/api/v1/attempts/{attempt_id}/submit", json=right, headers=_headers(token)
        )

    saved, submitted = _interleaved(
        app,
        monkeypatch,
        [save, submit],
        (quiz_submission, "_submitted_meanwhile"),
        (quiz_submission, "_claim_submission"),
    )
    assert submitted.status_code == 200, submitted.get_data(as_text=True)
    assert submitted.get_json()["score"] == 1.0
    # Saved first (the submission then graded its own answers), or refused.
    assert saved.status_code in (200, 409), saved.get_data(as_text=True)
    if saved.status_code == 409:
        assert saved.get_json()["error"]["code"] == "already_submitted"
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score == 1.0
    graded = [answer for answer in attempt.answers if is_gradable(answer.question.type)]
    assert graded
    for answer in graded:
        assert answer.is_correct is True
        assert grade_response(question_dict(answer.question), answer.response).correct
