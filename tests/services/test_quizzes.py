"""Quiz attempts at the service level: layout, drawing, grading once under concurrency."""

import threading

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, AnswerChoice, Attempt
from quizapp.models.types import utcnow
from quizapp.services import catalog, quiz_submission, quizzes
from quizapp.services.question_store import question_dict


@pytest.fixture
def lesson(bundled_course):
    return catalog.find_lesson(db.session, "curso-flask", "clase-3-que-es-flask")


def test_an_attempt_has_no_flashcards_and_a_fixed_layout(lesson, make_user):
    user = make_user()
    attempt = quizzes.start_attempt(db.session, user.id, lesson, utcnow(), seed=42)
    quiz_submission.submit_attempt(db.session, attempt, {}, utcnow())
    again = quizzes.start_attempt(db.session, user.id, lesson, utcnow(), seed=42)
    assert [a.question_id for a in attempt.answers] == [a.question_id for a in again.answers]
    assert [a.display_order for a in attempt.answers] == [a.display_order for a in again.answers]
    assert all(a.question.type != "flashcard" for a in attempt.answers)
    assert again.number == 2


def test_quiz_size_draws_that_many_questions(lesson, make_user):
    attempt = quizzes.start_attempt(db.session, make_user().id, lesson, utcnow(), size=5)
    assert attempt.question_count == 5
    assert len({a.question_id for a in attempt.answers}) == 5


def test_submitting_stores_scores_and_selected_choices(lesson, make_user):
    user = make_user()
    attempt = quizzes.start_attempt(db.session, user.id, lesson, utcnow(), seed=1)
    responses = {a.id: 0 for a in attempt.answers if a.question.type == "single_choice"}
    outcome = quiz_submission.submit_attempt(db.session, attempt, responses, utcnow())
    db.session.commit()
    assert outcome.newly_submitted
    chosen = db.session.scalars(sa.select(AnswerChoice)).all()
    assert len(chosen) == len(responses)
    assert attempt.score == pytest.approx(
        sum(a.score for a in attempt.answers) / len(attempt.answers)
    )


def test_concurrent_submissions_grade_once(app, lesson, make_user):
    user = make_user()
    attempt = quizzes.start_attempt(db.session, user.id, lesson, utcnow(), seed=7)
    attempt_id, question_count = attempt.id, attempt.question_count
    # Outside a request SQLite transactions begin IMMEDIATE (they hold the write lock), so
    # the test's own session must not start one while the threads run.
    db.session.commit()
    outcomes: list[bool] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        barrier.wait()
        with app.app_context():
            mine = db.session.get(Attempt, attempt_id)
            outcome = quiz_submission.submit_attempt(db.session, mine, {}, utcnow())
            db.session.commit()
            outcomes.append(outcome.newly_submitted)
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(True) == 1
    graded = db.session.scalar(
        sa.select(sa.func.count(Answer.id)).where(
            Answer.attempt_id == attempt_id, Answer.answered_at.is_not(None)
        )
    )
    assert graded == question_count


def test_the_shown_open_attempt_is_the_open_attempt_as_rows(lesson, make_user):
    """quizzes.shown_open_attempt (the quiz page's GET) reads what open_attempt loads."""
    user_id, lesson_id = make_user().id, lesson.id
    assert quizzes.shown_open_attempt(db.session, user_id, lesson_id) is None
    started = quizzes.start_attempt(db.session, user_id, lesson, utcnow(), seed=5)
    quiz_submission.save_answers(
        db.session,
        started,
        {a.id: 0 for a in started.answers if a.question.type == "single_choice"},
        utcnow(),
    )
    db.session.commit()
    db.session.expunge_all()
    loaded = quizzes.open_attempt(db.session, user_id, lesson_id)
    shown = quizzes.shown_open_attempt(db.session, user_id, lesson_id)
    columns = ("id", "user_id", "lesson_id", "preview", "started_at", "question_count")
    assert [getattr(shown, c) for c in columns] == [getattr(loaded, c) for c in columns]
    assert not shown.is_submitted
    assert [(a.id, a.display_order, a.response) for a in shown.answers] == [
        (a.id, a.display_order, a.response) for a in loaded.answers
    ]
    assert any(a.response is not None for a in shown.answers)
    assert [question_dict(a.question) for a in shown.answers] == [
        question_dict(a.question) for a in loaded.answers
    ]
    assert [
        (a.question.id, a.question.content_hash, a.question.version) for a in shown.answers
    ] == [(a.question.id, a.question.content_hash, a.question.version) for a in loaded.answers]
    quiz_submission.submit_attempt(db.session, loaded, {}, utcnow())
    db.session.commit()
    assert quizzes.shown_open_attempt(db.session, user_id, lesson_id) is None


def test_a_second_start_while_one_is_open_returns_the_open_attempt(lesson, make_user):
    user = make_user()
    first = quizzes.start_attempt(db.session, user.id, lesson, utcnow(), seed=1)
    second = quizzes.start_attempt(db.session, user.id, lesson, utcnow(), seed=2)
    assert second.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1
