"""SQL statements per use case: a quiz submission, the quiz page and the due queue run a
small number of statements that does not grow with the number of questions or cards."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Card, Lesson, Question, ReviewLog
from quizapp.models.types import utcnow
from quizapp.services import catalog, progress, quiz_reviews, quiz_submission, quizzes
from quizapp.services.deck import insert_missing_cards
from tests.api.conftest import Api, all_right
from tests.conftest import PASSWORD, csrf_token_from
from tests.quiz_answers import open_quiz, quiz_post, take_quiz

COURSE = "curso-flask"
LESSON = "clase-3-que-es-flask"
QUIZ = f"/courses/{COURSE}/{LESSON}/quiz"
# One read before the first write (quiz_submission.attempt_lesson: the lesson, with the
# learner's schedule and the facts the statistics need), then only writes: 7 for grading
# and storing (the claim, two shapes of answer UPDATE, the choices' INSERT (an open
# attempt has none to read), the cards' upsert … RETURNING (the existing cards and the
# new ones), the cards' UPDATE, the logs' INSERT), plus the maintained statistics
# (course_statistics.record_submission): four upserts (learner activity included),
# whatever the size; a first attempt's item sums and choice counts come from the answers
# just graded, not read back.
SUBMISSION_BUDGET = 12
# Through the API: the token with its user (one statement), the attempt with its answers
# and questions (one), its lesson with the course (whose slug the result shows) and the
# learner's role there (staff see every part), the submission, and the result built
# before the commit instead of reading everything back after it (the learner's overrides
# only when a review option waits for the close date).
API_SUBMISSION_BUDGET = 13


@pytest.fixture
def lesson(bundled_course) -> Lesson:
    return catalog.find_lesson(db.session, COURSE, LESSON)


def _set_quiz_size(lesson: Lesson, size: int) -> None:
    lesson.quiz_size = size
    db.session.commit()


# --- submitting a quiz ---------------------------------------------------------------------


def test_a_ten_question_submission_runs_a_bounded_number_of_statements(
    lesson, make_user, count_queries
):
    user_id, lesson_id = make_user().id, lesson.id
    assert len(quizzes.quiz_questions(db.session, lesson)) >= 10
    attempt = quizzes.start_attempt(db.session, user_id, lesson, utcnow(), size=10, seed=3)
    # Two of the questions were met before (their cards exist), eight are new.
    for answer in attempt.answers[:2]:
        quiz_reviews.record_quiz_answers(db.session, user_id, [(answer.question_id, True)], NOW)
    # Single-choice questions answered, the others left blank.
    responses = {a.id: 0 for a in attempt.answers if a.question.type == "single_choice"}
    assert 0 < len(responses) < 10
    db.session.commit()
    db.session.expunge_all()
    attempt = quizzes.open_attempt(db.session, user_id, lesson_id)  # as the quiz page does
    with count_queries:
        outcome = quiz_submission.submit_attempt(db.session, attempt, responses, utcnow())
    db.session.commit()
    assert outcome.newly_submitted
    assert len(count_queries) <= SUBMISSION_BUDGET, count_queries.report()
    # The ten questions' cards, besides the lesson's flashcards (added when it started).
    cards = db.session.scalars(
        sa.select(Card).join(Card.question).where(Question.type != "flashcard")
    ).all()
    assert len(cards) == 10
    assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 12
    assert sorted(card.reps for card in cards) == [1] * 8 + [2, 2]
    # A blank answer's response stays SQL NULL (not the JSON text "null").
    blank = db.session.scalar(
        sa.select(sa.func.count(Answer.id)).where(sa.text("answers.response IS NULL"))
    )
    assert blank == 10 - len(responses)


def test_an_api_submission_runs_a_bounded_number_of_statements(
    client, make_user, bundled_course, token_for, count_queries, enrol
):
    user = make_user()
    enrol(user)
    api = Api(client, token_for(user), user)
    started = api.post(f"/courses/{COURSE}/lessons/{LESSON}/attempts").get_json()
    body = all_right(started)
    with count_queries:
        response = api.post(f"/attempts/{started['id']}/submit", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(count_queries) <= API_SUBMISSION_BUDGET, count_queries.report()
    assert api.get(f"/attempts/{started['id']}").get_json() == response.get_json()


def test_the_quiz_post_does_not_grow_with_the_quiz(client, auth, make_user, lesson, count_queries):
    counts = []
    for size in (5, 15):
        _set_quiz_size(lesson, size)
        auth.login(make_user().email)
        attempt_id, token = open_quiz(client, QUIZ)
        data = quiz_post(attempt_id, token, wrong={0})
        with count_queries:
            response = client.post(QUIZ, data=data)
        assert response.headers["Location"] == f"/attempts/{attempt_id}"
        counts.append(len(count_queries))
        auth.logout()
    assert counts[0] == counts[1], counts


# --- the quiz page ---------------------------------------------------------------------------


# The quiz page: the user, the lesson with its course and the learner's role in it, and the
# open attempt with its answers and their questions in one (quizzes.open_attempt).
QUIZ_PAGE_BUDGET = 3


def test_the_quiz_page_reads_the_open_attempt_in_one_statement(
    client, auth, make_user, lesson, count_queries
):
    auth.login(make_user().email)
    attempt_id, _token = open_quiz(client, QUIZ)
    with count_queries:
        response = client.get(QUIZ)
    assert response.status_code == 200
    assert f'value="{attempt_id}"' in response.get_data(as_text=True)
    assert len(count_queries) <= QUIZ_PAGE_BUDGET, count_queries.report()


@pytest.mark.parametrize("step", ["start", "show"])
def test_starting_and_showing_the_quiz_do_not_grow_with_the_quiz(
    client, auth, make_user, lesson, count_queries, step
):
    """ "Take the quiz" (the POST that starts the attempt and adds the lesson's flashcards)
    and the quiz page that shows it again, each in a constant number of statements."""
    counts = []
    for size in (5, 15):
        _set_quiz_size(lesson, size)
        auth.login(make_user().email)
        token = csrf_token_from(client.get(QUIZ).get_data(as_text=True))
        if step == "start":
            with count_queries:
                response = client.post(f"{QUIZ}/new", data={"csrf_token": token})
            assert response.status_code == 302
        else:
            client.post(f"{QUIZ}/new", data={"csrf_token": token})
            with count_queries:
                response = client.get(QUIZ)
            assert response.status_code == 200
            assert response.get_data(as_text=True).count('name="attempt_id"') == 1
        counts.append(len(count_queries))
        auth.logout()
    attempts = db.session.scalars(sa.select(Attempt).order_by(Attempt.id)).all()
    assert [a.question_count for a in attempts] == [5, 15]
    assert counts[0] == counts[1], counts


# --- the lesson page and the dashboard ---------------------------------------------------------


def _submit_quizzes(client, lessons: list[Lesson]) -> None:
    for item in lessons:
        quiz = f"/courses/{COURSE}/{item.slug}/quiz"
        take_quiz(client, quiz)


def _course_lessons() -> list[Lesson]:
    course = catalog.find_course(db.session, COURSE)
    return sorted(course.lessons, key=lambda item: item.number)


@pytest.mark.parametrize("path", [f"/courses/{COURSE}/{LESSON}", "/dashboard"])
def test_learner_pages_do_not_grow_with_the_learners_history(
    client, auth, make_user, bundled_course, count_queries, path
):
    lessons = _course_lessons()
    counts = []
    for taken in (lessons[:1], lessons):
        auth.login(make_user().email)
        _submit_quizzes(client, taken)
        client.get(path)
        with count_queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts.append(len(count_queries))
        auth.logout()
    assert counts[0] == counts[1], counts


# The lesson page: the user, the lesson with its course and the learner's role in it
# (catalog.find_lesson_and_role), and the learner's rules, history and the quiz's question
# count in one (quizzes.learner_lesson).
LESSON_PAGE_BUDGET = 3


def test_the_lesson_page_reads_the_learners_quiz_in_one_statement(
    client, auth, make_user, bundled_course, count_queries
):
    auth.login(make_user().email)
    take_quiz(client, QUIZ)
    # The quiz's start page (no attempt open) looks for the open attempt first.
    for path, more in ((f"/courses/{COURSE}/{LESSON}", 0), (QUIZ, 1)):
        client.get(path)
        with count_queries:
            response = client.get(path)
        assert response.status_code == 200, path
        assert "Best score" in response.get_data(as_text=True)
        assert len(count_queries) <= LESSON_PAGE_BUDGET + more, count_queries.report()


# --- the due queue -------------------------------------------------------------------------------


@pytest.fixture
def token_for(client, make_user):
    def issue(user) -> str:
        response = client.post(
            "/api/v1/tokens", json={"email": user.email, "password": PASSWORD, "name": "tests"}
        )
        assert response.status_code == 201
        return response.get_json()["token"]

    return issue


def _give_due_cards(user, count: int) -> None:
    """`count` new cards, due now, from questions of every lesson of the course."""
    rows = db.session.execute(
        sa.select(Question.id, Question.lesson_id).order_by(Question.lesson_id, Question.id)
    ).all()
    by_lesson: dict[int, list[int]] = {}
    for question_id, lesson_id in rows:
        by_lesson.setdefault(lesson_id, []).append(question_id)
    # Round robin over the lessons, so the cards come from several lessons.
    interleaved = [q for group in zip(*by_lesson.values(), strict=False) for q in group]
    question_ids = interleaved[:count]
    assert len(question_ids) == count
    insert_missing_cards(db.session, user.id, question_ids, utcnow())
    db.session.commit()


def _study_half(user) -> None:
    """Half of the learner's cards become due reviews (studied before), half stay new."""
    ids = db.session.scalars(sa.select(Card.id).where(Card.user_id == user.id)).all()
    db.session.execute(
        sa.update(Card)
        .where(Card.id.in_(ids[::2]))
        .values(
            reps=1,
            state=2,
            step=None,
            stability=3.0,
            difficulty=5.0,
            last_review=utcnow() - timedelta(days=3),
        )
    )
    db.session.commit()


# The due queue's statement (services.due_cards.queue): the learner's figures joined to the
# due reviews and the new cards after them; plus the API token with its user (one
# statement, accounts.token_and_user), or the page's user. 3 each on main.
DUE_QUEUE_API_BUDGET = 2
# The page shows one card: when a review is due, no new cards are read.
REVIEW_PAGE_BUDGET = 2


def test_the_due_queue_api_does_not_grow_with_the_queue(
    client, make_user, bundled_course, token_for, count_queries
):
    counts = []
    for size in (3, 20):
        user = make_user()
        _give_due_cards(user, size)
        _study_half(user)
        api = Api(client, token_for(user), user)
        api.get("/review/due?limit=100")
        with count_queries:
            response = api.get("/review/due?limit=100")
        assert response.status_code == 200
        body = response.get_json()
        assert len(body["cards"]) == size
        assert (body["review_count"], body["new_count"]) == ((size + 1) // 2, size // 2)
        assert len({card["lesson"]["slug"] for card in body["cards"]}) == min(size, 3)
        counts.append(len(count_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= DUE_QUEUE_API_BUDGET, count_queries.report()


def test_the_review_page_does_not_grow_with_the_queue(
    client, auth, make_user, bundled_course, count_queries
):
    counts = []
    for size in (3, 20):
        user = make_user()
        _give_due_cards(user, size)
        _study_half(user)
        auth.login(user.email)
        client.get("/review")
        with count_queries:
            response = client.get("/review")
        assert response.status_code == 200
        badge = re.search(r'id="review-due-count">([^<]*)<', response.get_data(as_text=True))
        assert re.search(rf"\b{(size + 1) // 2}\b", badge.group(1)), badge.group(1)
        counts.append(len(count_queries))
        auth.logout()
    assert counts[0] == counts[1], counts
    assert counts[0] <= REVIEW_PAGE_BUDGET, count_queries.report()


# A rating through the API: the token with its user, the card with the learner's schedule,
# the card's UPDATE, the log's INSERT and the learner activity's upsert; the answer is
# serialised from what was written, not read back after the commit.
RATING_BUDGET = 5


def test_a_rating_runs_a_bounded_number_of_statements(
    client, make_user, bundled_course, token_for, count_queries
):
    user = make_user()
    _give_due_cards(user, 4)
    api = Api(client, token_for(user), user)
    card_ids = [card["card"]["id"] for card in api.get("/review/due").get_json()["cards"]]
    api.post(f"/review/{card_ids[0]}", json={"rating": 3})
    with count_queries:
        response = api.post(f"/review/{card_ids[1]}", json={"rating": 3, "expected_reps": 0})
    assert response.status_code == 200
    assert response.get_json()["card"]["reps"] == 1
    assert len(count_queries) <= RATING_BUDGET, count_queries.report()
    stored = db.session.get(Card, card_ids[1])
    assert (stored.reps, stored.due) == (
        1,
        datetime.fromisoformat(response.get_json()["card"]["due"]),
    )


# --- the batched quiz reviews behave as one review per answer -------------------------------


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _card_row(card: Card) -> tuple:
    return (
        card.question_id,
        card.state,
        card.step,
        card.stability,
        card.difficulty,
        card.due,
        card.last_review,
        card.reps,
        card.lapses,
    )


def _stored_cards(user_id: int) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(Card).where(Card.user_id == user_id).order_by(Card.question_id)
    )
    return [_card_row(card) for card in rows]


def _stored_logs(user_id: int) -> list[tuple]:
    rows = db.session.execute(
        sa.select(Card.question_id, ReviewLog.rating, ReviewLog.source, ReviewLog.reviewed_at)
        .join(Card, Card.id == ReviewLog.card_id)
        .where(ReviewLog.user_id == user_id)
        .order_by(ReviewLog.id)
    ).all()
    return [tuple(row) for row in rows]


def test_a_batch_stores_what_one_review_per_answer_stores(lesson, make_user):
    ids = [question.id for question in quizzes.quiz_questions(db.session, lesson)[:6]]
    outcomes = [(question_id, index % 3 != 0) for index, question_id in enumerate(ids)]
    one_by_one, batched = make_user(), make_user()
    for user in (one_by_one, batched):  # a card met before, reviewed once already
        quiz_reviews.record_quiz_answers(
            db.session, user.id, [(ids[0], True)], NOW, enable_fuzzing=False
        )
    later = NOW + timedelta(days=2)
    expected = [
        quiz_reviews.record_quiz_answers(
            db.session, one_by_one.id, [(q, ok)], later, enable_fuzzing=False
        )[0]
        for q, ok in outcomes
    ]
    cards = quiz_reviews.record_quiz_answers(
        db.session, batched.id, outcomes, later, enable_fuzzing=False
    )
    assert [card.question_id for card in cards] == ids
    assert [_card_row(card) for card in cards] == [_card_row(card) for card in expected]
    db.session.commit()
    assert _stored_cards(batched.id) == _stored_cards(one_by_one.id)
    assert _stored_logs(batched.id) == _stored_logs(one_by_one.id)
    assert cards[0].reps == 2


def test_a_question_answered_twice_is_reviewed_twice(lesson, make_user):
    first, second = (question.id for question in quizzes.quiz_questions(db.session, lesson)[:2])
    user = make_user()
    outcomes = [(first, True), (second, True), (first, False)]
    cards = quiz_reviews.record_quiz_answers(
        db.session, user.id, outcomes, NOW, enable_fuzzing=False
    )
    assert cards[0] is cards[2]
    assert (cards[2].reps, cards[1].reps) == (2, 1)
    assert [(q, rating) for q, rating, _source, _at in _stored_logs(user.id)] == [
        (first, 3),
        (second, 3),
        (first, 1),
    ]


def test_a_card_reviewed_meanwhile_is_reviewed_again_from_its_new_state(lesson, make_user):
    ids = [question.id for question in quizzes.quiz_questions(db.session, lesson)[:3]]
    user = make_user()
    cards = quiz_reviews.record_quiz_answers(
        db.session, user.id, [(q, True) for q in ids], NOW, enable_fuzzing=False
    )
    # Another request reviewed the second card since: the reviews start from its new state.
    db.session.execute(
        sa.update(Card)
        .where(Card.id == cards[1].id)
        .values(reps=Card.reps + 1)
        .execution_options(synchronize_session=False)
    )
    later = NOW + timedelta(days=1)
    again = quiz_reviews.record_quiz_answers(
        db.session, user.id, [(q, False) for q in ids], later, enable_fuzzing=False
    )
    db.session.commit()
    assert [card.reps for card in again] == [2, 3, 2]
    assert [row[7] for row in _stored_cards(user.id)] == [2, 3, 2]
    assert len(_stored_logs(user.id)) == 6


def _add_questions(lesson: Lesson, count: int) -> list[int]:
    """`count` flashcards in one INSERT, for a learner with a very large deck."""
    db.session.execute(
        sa.insert(Question),
        [
            {
                "course_id": lesson.course_id,
                "lesson_id": lesson.id,
                "external_id": f"bulk-{number}",
                "type": "flashcard",
                "prompt_md": f"Tarjeta {number}",
                "tags": [],
                "data": {"back": "Dorso"},
                "content_hash": f"bulk-{number}",
            }
            for number in range(count)
        ],
    )
    return list(
        db.session.scalars(sa.select(Question.id).where(Question.external_id.like("bulk-%")))
    )


def test_the_due_queue_is_the_same_statements_for_5000_cards_as_for_5(
    lesson, make_user, count_queries
):
    from quizapp.services.review_queue import review_queue

    question_ids = _add_questions(lesson, 5000)
    small, large = make_user(), make_user()
    now = utcnow()
    insert_missing_cards(db.session, small.id, question_ids[:5], now)
    insert_missing_cards(db.session, large.id, question_ids, now)
    db.session.commit()
    counts = []
    for user in (small, large):
        review_queue(db.session, user.id, now)  # warm the identity map the same way
        db.session.rollback()
        with count_queries:
            queue = review_queue(db.session, user.id, now, limit=20)
        assert queue.cards
        counts.append(len(count_queries))
    assert counts[0] == counts[1], counts


def test_the_due_queue_reads_cards_through_the_user_due_index(app, bundled_course):
    indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes("cards")}
    assert "ix_cards_user_due" in indexes
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner picks by table size; the index is there (above)
    plan = db.session.execute(
        sa.text(
            "EXPLAIN QUERY PLAN SELECT id FROM cards WHERE user_id = 1 AND due <= '2030-01-01' "
            "ORDER BY due LIMIT 20"
        )
    ).all()
    assert any("ix_cards_user_due" in str(row) for row in plan), plan


def test_the_learner_lesson_table_counts_questions_per_lesson_from_the_index(app):
    """The mastery denominator is counted per listed lesson from the lesson index, which
    holds the type: grouping the questions table read every question of the site."""
    indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes("questions")}
    assert "ix_questions_lesson_active_type" in indexes
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner picks by table size; the index is there (above)
    compiled = progress._ENGAGED_LESSONS.compile(dialect=db.engine.dialect)
    values = compiled.construct_params({"user_id": 1})
    plan = [
        row[-1]
        for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled.string}",
            tuple(values[name] for name in compiled.positiontup),
        )
    ]
    assert not [step for step in plan if step.startswith("SCAN questions")], plan
    assert any("COVERING INDEX ix_questions_lesson_active_type" in step for step in plan), plan


def test_a_card_the_session_holds_shows_its_quiz_review(lesson, make_user):
    question_id = quizzes.quiz_questions(db.session, lesson)[0].id
    user = make_user()
    insert_missing_cards(db.session, user.id, [question_id], NOW)
    held = db.session.scalar(sa.select(Card).where(Card.user_id == user.id))
    (reviewed,) = quiz_reviews.record_quiz_answers(
        db.session, user.id, [(question_id, True)], NOW, enable_fuzzing=False
    )
    assert (held.id, held.reps, held.due, held.last_review) == (
        reviewed.id,
        1,
        reviewed.due,
        NOW,
    )


def test_the_due_queue_statement_is_short_enough_for_psycopgs_cache():
    """psycopg converts a statement's placeholders again on every execution beyond 4096
    characters (it keeps the shorter ones): the whole queue's statement stays under it."""
    from psycopg import _queries
    from sqlalchemy.dialects.postgresql import psycopg as pg_dialect

    from quizapp.services.due_cards import _queue_statement

    compiled = _queue_statement(False).compile(dialect=pg_dialect.dialect())
    assert len(str(compiled)) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    assert len(compiled.params) <= _queries.MAX_CACHED_STATEMENT_PARAMS


def test_the_due_queue_is_planned_without_its_values(make_user, bundled_course):
    """PostgreSQL keeps a prepared statement's generic plan only while it costs no more
    than the plans made for each execution's values. The queue's parameters are read
    through subqueries (due_cards._Unseen), so a plan made with the values is the generic
    one and the statement is planned once per connection, not on every page (where a
    limit of 1 and today's few review logs made a plan for the values look cheaper)."""
    from sqlalchemy.dialects.postgresql import psycopg as pg_dialect

    from quizapp.services.due_cards import _queue_statement

    compiled = str(_queue_statement(False).compile(dialect=pg_dialect.dialect()))
    placeholders = re.findall(r"%\(\w+\)s", compiled)
    assert placeholders
    assert len(re.findall(r"\(SELECT %\(\w+\)s::[A-Z ]+\)", compiled)) == len(placeholders)
    if db.engine.dialect.name != "postgresql":
        return  # only PostgreSQL plans with the values (above: what it is sent)
    user = make_user()
    _give_due_cards(user, 6)
    _study_half(user)
    values = {
        "user_id": user.id,
        "limit": 1,
        "day_start": datetime(2001, 2, 3, 4, 5),
        "moment": datetime(2031, 4, 5, 6, 7),
    }
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN {compiled}", values)
    plan = "\n".join(row[0] for row in rows)
    assert "= $" in plan  # the planner saw placeholders...
    for value in ("2001-02-03", "2031-04-05", f"user_id = {user.id})"):
        assert value not in plan, plan  # ... and none of the values
