"""A learner over the API: token → courses → lessons → attempt → submit → due cards →
review → progress, and the guarantees on the way (idempotent submit, no answers leaked)."""

from datetime import timedelta

import sqlalchemy as sa

from quizapp.api.answer_schemas import RESPONSE_BY_TYPE
from quizapp.domain.quiz_layout import matching_options
from quizapp.extensions import db
from quizapp.models import Answer, AnswerChoice, Attempt, Card, Lesson, QuizOverride, ReviewLog
from quizapp.models.types import utcnow
from quizapp.services.question_store import question_dict
from tests.api.conftest import COURSE, LESSON, LESSON_PATH, all_right, wrong_response

# Submitting with every question blank, as confirmed (SPEC §12's blank rule).
BLANK = {"answers": [], "confirm_unanswered": True}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_learner_walks_from_token_to_progress(learner_api):
    api = learner_api

    courses = api.get("/courses")
    assert courses.status_code == 200
    assert [c["slug"] for c in courses.get_json()["courses"]] == [COURSE]

    lessons = api.get(f"/courses/{COURSE}/lessons").get_json()["lessons"]
    assert [lesson["number"] for lesson in lessons] == [1, 2, 3]
    assert LESSON in [lesson["slug"] for lesson in lessons]
    listed = next(lesson for lesson in lessons if lesson["slug"] == LESSON)

    questions = api.get(f"{LESSON_PATH}/questions")
    assert questions.status_code == 200
    assert len(questions.get_json()["questions"]) == 18

    started = api.post(f"{LESSON_PATH}/attempts")
    assert started.status_code == 201
    attempt = started.get_json()
    assert attempt["submitted"] is False
    assert len(attempt["questions"]) == 15  # every gradable question (flashcards are not)
    # The lesson listing counts what the quiz asks, and the flashcards apart.
    assert (listed["question_count"], listed["flashcard_count"]) == (15, 3)

    result = api.post(f"/attempts/{attempt['id']}/submit", json=all_right(attempt))
    assert result.status_code == 200
    graded = result.get_json()
    assert graded["score"] == 1.0
    assert all(answer["correct"] for answer in graded["answers"])
    assert all(answer["right_answer"] for answer in graded["answers"])

    due = api.get("/review/due")
    assert due.status_code == 200
    cards = due.get_json()["cards"]
    assert cards, "the lesson's flashcards joined the deck when the attempt started"
    first = cards[0]
    assert first["question"]["type"] == "flashcard"
    assert first["question"]["back"]

    rated = api.post(f"/review/{first['card']['id']}", json={"rating": 3})
    assert rated.status_code == 200
    assert rated.get_json()["card"]["reps"] == first["card"]["reps"] + 1

    progress = api.get("/me/progress")
    assert progress.status_code == 200
    body = progress.get_json()
    lesson = next(item for item in body["lessons"] if item["lesson"]["slug"] == LESSON)
    assert lesson["attempts"] == 1
    assert lesson["best_score"] == 1.0
    assert body["streak"] == 1
    assert len(body["forecast"]) == 14


def test_learners_get_questions_without_their_answers(learner_api):
    questions = learner_api.get(f"{LESSON_PATH}/questions").get_json()["questions"]
    text = str(questions)
    for secret in (
        "correct",
        "weight",
        "answers",
        "right_answer",
        "definition",
        "feedback",
        "explanation",
        "back",
    ):
        assert f"'{secret}'" not in text
    choice = next(q for q in questions if q["type"] == "single_choice")
    assert [option["position"] for option in choice["options"]] == [0, 1, 2, 3]
    assert set(choice["options"][0]) == {"position", "text"}


def test_staff_get_the_answer_key(staff_api):
    questions = staff_api.get(f"{LESSON_PATH}/questions").get_json()["questions"]
    choice = next(q for q in questions if q["type"] == "single_choice")
    assert choice["right_answer"]
    assert any(c.get("correct") for c in choice["definition"]["choices"])


def test_an_attempt_lists_shuffled_options_by_their_place_not_the_authored_one(learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    stored = db.session.get(Attempt, attempt["id"])
    for item, answer in zip(attempt["questions"], stored.answers, strict=True):
        assert item["answer_id"] == answer.id
        if "options" in item["question"]:
            options = item["question"]["options"]
            assert [option["position"] for option in options] == list(range(len(options)))
            question = question_dict(answer.question)
            texts = (
                [c["text"] for c in question["choices"]]
                if question.get("choices")
                else matching_options(question)
            )
            assert [option["text"] for option in options] == [
                texts[pos] for pos in answer.display_order
            ]


def test_starting_again_returns_the_open_attempt(learner_api):
    first = learner_api.post(f"{LESSON_PATH}/attempts")
    again = learner_api.post(f"{LESSON_PATH}/attempts")
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]


def test_submitting_twice_returns_the_same_result_and_stores_one_set_of_answers(learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    body = all_right(attempt, wrong=frozenset({0, 1}))
    first = learner_api.post(f"/attempts/{attempt['id']}/submit", json=body)
    counts = (_count(ReviewLog), _count(AnswerChoice), _count(Card))
    second = learner_api.post(f"/attempts/{attempt['id']}/submit", json=all_right(attempt))
    assert first.status_code == second.status_code == 200
    assert second.get_json() == first.get_json()
    # The first answer was built in the submitting transaction; it is what is stored.
    assert learner_api.get(f"/attempts/{attempt['id']}").get_json() == first.get_json()
    assert first.get_json()["score"] < 1.0
    assert (_count(ReviewLog), _count(AnswerChoice), _count(Card)) == counts
    answered = db.session.scalar(
        sa.select(sa.func.count(Answer.id)).where(
            Answer.attempt_id == attempt["id"], Answer.answered_at.is_not(None)
        )
    )
    assert answered == len(attempt["questions"])


def test_unanswered_questions_need_a_confirmation_and_score_zero(learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    asked = learner_api.post(f"/attempts/{attempt['id']}/submit", json={"answers": []})
    assert asked.status_code == 409
    assert asked.get_json()["error"]["code"] == "unanswered"
    assert "question(s) 1, 2, 3" in asked.get_json()["error"]["message"]
    assert db.session.get(Attempt, attempt["id"]).submitted_at is None
    result = learner_api.post(
        f"/attempts/{attempt['id']}/submit", json={"answers": [], "confirm_unanswered": True}
    )
    assert result.status_code == 200
    assert result.get_json()["score"] == 0.0
    assert not any(answer["answered"] for answer in result.get_json()["answers"])


def test_another_learners_attempt_is_not_found(learner_api, api_as):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    other = api_as("learner")
    response = other.post(f"/attempts/{attempt['id']}/submit", json={"answers": []})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert db.session.get(Attempt, attempt["id"]).submitted_at is None


def test_an_answer_of_the_wrong_shape_is_refused(learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    item = next(q for q in attempt["questions"] if q["question"]["type"] == "true_false")
    response = learner_api.post(
        f"/attempts/{attempt['id']}/submit",
        json={"answers": [{"answer_id": item["answer_id"], "response": "yes"}]},
    )
    assert response.status_code == 422
    assert "true_false" in response.get_json()["error"]["message"]
    assert db.session.get(Attempt, attempt["id"]).submitted_at is None


def test_a_response_of_no_type_at_all_names_its_questions_type(learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    item = next(q for q in attempt["questions"] if q["question"]["type"] == "single_choice")
    response = learner_api.post(
        f"/attempts/{attempt['id']}/submit",
        json={"answers": [{"answer_id": item["answer_id"], "response": {"nested": [1]}}]},
    )
    assert response.status_code == 422
    message = response.get_json()["error"]["message"]
    assert message.startswith("answers[0].response (single_choice): ")
    assert db.session.get(Attempt, attempt["id"]).submitted_at is None


def test_a_replayed_submission_with_a_response_of_no_type_is_refused(learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    submitted = learner_api.post(f"/attempts/{attempt['id']}/submit", json=BLANK)
    assert submitted.status_code == 200
    item = attempt["questions"][0]
    response = learner_api.post(
        f"/attempts/{attempt['id']}/submit",
        json={"answers": [{"answer_id": item["answer_id"], "response": {"nested": [1]}}]},
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["message"].startswith("answers[0].response: ")


def test_the_document_shows_every_types_response_shape(client):
    document = client.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/attempts/{attempt_id}/submit"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    shapes = schema["properties"]["answers"]["items"]["properties"]["response"]["anyOf"]
    assert len(shapes) == len(RESPONSE_BY_TYPE) + 1  # and null, unanswered


def test_an_answer_to_a_question_outside_the_attempt_is_refused(learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    response = learner_api.post(
        f"/attempts/{attempt['id']}/submit", json={"answers": [{"answer_id": 999999}]}
    )
    assert response.status_code == 422


def _due_objective_card(api, app):
    """Submit a quiz, then move the clock two days on so its cards are due."""
    attempt = api.post(f"{LESSON_PATH}/attempts").get_json()
    api.post(f"/attempts/{attempt['id']}/submit", json=all_right(attempt))
    app.config["CLOCK"] = utcnow() + timedelta(days=2)
    cards = api.get("/review/due?limit=100").get_json()["cards"]
    return next(c for c in cards if c["question"]["type"] == "true_false")


def test_a_wrong_review_answer_is_rated_again(learner_api, app):
    due = _due_objective_card(learner_api, app)
    card = db.session.get(Card, due["card"]["id"])
    question = question_dict(card.question)
    response = learner_api.post(
        f"/review/{due['card']['id']}", json={"rating": 4, "response": wrong_response(question)}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["rating"] == 1
    assert body["grade"]["correct"] is False


def test_a_right_review_answer_takes_the_learners_rating(learner_api, app):
    due = _due_objective_card(learner_api, app)
    card = db.session.get(Card, due["card"]["id"])
    answer = question_dict(card.question)["answer"]
    response = learner_api.post(
        f"/review/{due['card']['id']}", json={"rating": 4, "response": answer}
    )
    assert response.status_code == 200
    assert response.get_json()["rating"] == 4
    assert response.get_json()["grade"]["correct"] is True


def test_a_stale_review_is_a_conflict(learner_api, app):
    due = _due_objective_card(learner_api, app)
    card_id = due["card"]["id"]
    reps = due["card"]["reps"]
    assert (
        learner_api.post(
            f"/review/{card_id}", json={"rating": 3, "expected_reps": reps}
        ).status_code
        == 200
    )
    again = learner_api.post(f"/review/{card_id}", json={"rating": 3, "expected_reps": reps})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "stale_review"


def test_another_learners_card_is_not_found(learner_api, api_as):
    learner_api.post(f"{LESSON_PATH}/attempts")
    card_id = learner_api.get("/review/due").get_json()["cards"][0]["card"]["id"]
    response = api_as("learner").post(f"/review/{card_id}", json={"rating": 3})
    assert response.status_code == 404


def test_a_flashcard_cannot_be_answered(learner_api):
    learner_api.post(f"{LESSON_PATH}/attempts")
    card = learner_api.get("/review/due").get_json()["cards"][0]
    response = learner_api.post(
        f"/review/{card['card']['id']}", json={"rating": 3, "response": "anything"}
    )
    assert response.status_code == 422


def test_the_due_list_can_be_scoped_to_a_lesson(learner_api):
    learner_api.post(f"{LESSON_PATH}/attempts")
    lesson3 = learner_api.get(f"/review/due?course={COURSE}&lesson={LESSON}").get_json()
    assert {card["lesson"]["slug"] for card in lesson3["cards"]} == {LESSON}
    assert learner_api.get("/review/due?course=no-such-course").status_code == 404
    assert learner_api.get("/review/due?lesson=x").status_code == 422
    assert learner_api.get("/review/due?limit=abc").status_code == 422


def test_quiz_rules_set_over_the_api_limit_the_learner(learner_api, staff_api):
    rules = {"attempts": 1, "time_limit": 20, "grading": "last", "review": {"answers": "never"}}
    put = staff_api.put(f"{LESSON_PATH}/quiz", json=rules)
    assert put.status_code == 200, put.get_data(as_text=True)
    assert put.get_json()["attempts"] == 1
    lessons = learner_api.get(f"/courses/{COURSE}/lessons").get_json()["lessons"]
    shown = next(item["quiz"] for item in lessons if item["slug"] == LESSON)
    assert (shown["attempts"], shown["time_limit"], shown["grading"]) == (1, 20, "last")
    assert shown["review"]["answers"] == "never"
    assert shown["review"]["score"] == "immediate"

    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    learner_api.post(f"/attempts/{attempt['id']}/submit", json=BLANK)
    again = learner_api.post(f"{LESSON_PATH}/attempts")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "no_attempts_left"
    progress = learner_api.get("/me/progress").get_json()
    lesson = next(item for item in progress["lessons"] if item["lesson"]["slug"] == LESSON)
    assert lesson["grade"] == lesson["last_score"]


def test_a_closed_or_unopened_quiz_answers_409(learner_api, staff_api):
    for rules, code in (
        ({"closes": "2000-01-01T00:00:00+00:00"}, "quiz_closed"),
        ({"opens": "2999-01-01T00:00:00+01:00"}, "quiz_not_open"),
    ):
        assert staff_api.put(f"{LESSON_PATH}/quiz", json=rules).status_code == 200
        refused = learner_api.post(f"{LESSON_PATH}/attempts")
        assert refused.status_code == 409
        assert refused.get_json()["error"]["code"] == code
    assert _count(Attempt) == 0


def test_bad_quiz_rules_are_refused_with_nothing_changed(staff_api, learner_api):
    for body in (
        {"closes": "next friday"},
        {"opens": "2026-12-08T10:00:00+00:00", "closes": "2026-12-01T10:00:00+00:00"},
        {"attempts": 0},
        {"grading": "best"},
    ):
        assert staff_api.put(f"{LESSON_PATH}/quiz", json=body).status_code == 422, body
    lessons = learner_api.get(f"/courses/{COURSE}/lessons").get_json()["lessons"]
    shown = next(item["quiz"] for item in lessons if item["slug"] == LESSON)
    assert shown["closes"] is None
    assert shown["attempts"] is None


def test_staff_starting_a_quiz_preview_it(staff_api):
    started = staff_api.post(f"{LESSON_PATH}/attempts")
    assert started.status_code == 201
    assert _count(Card) == 0  # a preview adds no flashcards to the deck
    staff_api.post(f"/attempts/{started.get_json()['id']}/submit", json=BLANK)
    assert _count(ReviewLog) == 0
    assert db.session.scalar(sa.select(Attempt.preview)) is True


def _closed_an_hour_ago_scores_after_close(learner_id: int, learner_closes) -> None:
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == LESSON))
    lesson.quiz_closes = utcnow() - timedelta(hours=1)
    lesson.quiz_review = {"score": "after_close"}
    db.session.add(QuizOverride(lesson_id=lesson.id, user_id=learner_id, closes=learner_closes))
    db.session.commit()


def test_a_later_close_date_override_hides_the_submitted_score_until_it(learner_api):
    _closed_an_hour_ago_scores_after_close(learner_api.user.id, utcnow() + timedelta(days=1))
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    result = learner_api.post(f"/attempts/{attempt['id']}/submit", json=all_right(attempt))
    assert result.status_code == 200, result.get_json()
    assert (result.get_json()["score"], result.get_json()["shown"]["score"]) == (None, False)
    again = learner_api.get(f"/attempts/{attempt['id']}").get_json()
    assert again["shown"]["score"] is False
