"""Essays graded by hand through the API: the learner's submission is pending (word limit
and descriptions checked), staff list and grade it, the learner reads grade and comment."""

import copy
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from quizapp.services import regrading
from quizapp.services.question_store import apply_question, question_dict
from tests.api.conftest import Api
from tests.factories import make_course, make_essay_course

COURSE = "ensayos"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def course(app):
    course = make_essay_course(db.session, slug=COURSE)
    db.session.commit()
    return course


@pytest.fixture
def learner(api_as, enrol, course):
    api = api_as("learner")
    enrol(api.user, COURSE)
    return api


@pytest.fixture
def assistant(api_as, enrol, course):
    api = api_as("learner")
    enrol(api.user, COURSE, role="assistant")
    return api


def _start(api: Api) -> dict:
    response = api.post(f"/courses/{COURSE}/lessons/clase-1/attempts")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _answers(started: dict, essay: str) -> list[dict]:
    out = []
    for item in started["questions"]:
        kind = item["question"]["type"]
        if kind == "single_choice":
            right = next(o for o in item["question"]["options"] if o["text"] == "Un microframework")
            out.append({"answer_id": item["answer_id"], "response": right["position"]})
        elif kind == "essay":
            out.append({"answer_id": item["answer_id"], "response": essay})
    return out


def test_the_attempt_shows_descriptions_and_the_essay_limit_never_the_notes(learner):
    started = _start(learner)
    kinds = [item["question"]["type"] for item in started["questions"]]
    assert sorted(kinds) == ["description", "description", "essay", "single_choice"]
    essay = next(i["question"] for i in started["questions"] if i["question"]["type"] == "essay")
    assert (essay["max_words"], essay["response_template"]) == (20, "Flask es")
    assert "grader_notes" not in essay


def test_an_essay_over_its_limit_or_an_answer_to_a_description_is_refused(learner):
    started = _start(learner)
    too_long = learner.post(
        f"/attempts/{started['id']}/submit",
        json={"answers": _answers(started, " ".join(["palabra"] * 21))},
    )
    assert too_long.status_code == 422
    assert "the answer has 21 words; the limit is 20" in too_long.get_json()["error"]["message"]
    description = next(i for i in started["questions"] if i["question"]["type"] == "description")
    answered = learner.post(
        f"/attempts/{started['id']}/submit",
        json={"answers": [{"answer_id": description["answer_id"], "response": "x"}]},
    )
    assert answered.status_code == 422
    assert "takes no answer" in answered.get_json()["error"]["message"]
    assert learner.get(f"/attempts/{started['id']}").status_code == 409  # nothing stored


def test_pending_then_graded_by_an_assistant_then_read_by_the_learner(learner, assistant):
    started = _start(learner)
    result = learner.post(
        f"/attempts/{started['id']}/submit", json={"answers": _answers(started, "Es pequeño.")}
    ).get_json()
    assert (result["grading"], result["pending_answers"], result["score"]) == ("pending", 1, 0.5)
    essay = next(a for a in result["answers"] if a["question"]["type"] == "essay")
    assert (essay["grading"], essay["score"]) == ("pending", None)
    described = [a["grading"] for a in result["answers"] if a["question"]["type"] == "description"]
    assert described == ["none", "none"]

    queue = assistant.get(f"/courses/{COURSE}/grading").get_json()["answers"]
    assert [(q["answer_id"], q["response"]) for q in queue] == [(essay["answer_id"], "Es pequeño.")]
    assert queue[0]["question"]["grader_notes"] == "Núcleo pequeño y extensiones."
    assert assistant.get(f"/courses/{COURSE}/grading?lesson=clase-1").get_json()["answers"]
    assert assistant.get(f"/courses/{COURSE}/grading?question=l1-q1").get_json()["answers"] == []
    assert assistant.get(f"/courses/{COURSE}/grading?lesson=nada").status_code == 404

    bad = assistant.post(f"/courses/{COURSE}/grading/{essay['answer_id']}", json={"score": 2})
    assert bad.status_code == 422
    given = assistant.post(
        f"/courses/{COURSE}/grading/{essay['answer_id']}",
        json={"score": 1, "comment": "Muy bien."},
    ).get_json()
    assert given["attempt"] == {
        "id": started["id"],
        "score": 1.0,
        "pending_answers": 0,
        "grading": "complete",
    }
    assert assistant.get(f"/courses/{COURSE}/grading").get_json()["answers"] == []

    final = learner.get(f"/attempts/{started['id']}").get_json()
    graded = next(a for a in final["answers"] if a["question"]["type"] == "essay")
    assert (final["grading"], final["score"]) == ("complete", 1.0)
    assert (graded["grading"], graded["score"], graded["comment"]) == ("by_hand", 1.0, "Muy bien.")


def test_learners_may_not_grade_and_a_choice_answer_is_not_gradable(learner, assistant):
    started = _start(learner)
    result = learner.post(
        f"/attempts/{started['id']}/submit", json={"answers": _answers(started, "Es pequeño.")}
    ).get_json()
    essay = next(a for a in result["answers"] if a["question"]["type"] == "essay")
    choice = next(a for a in result["answers"] if a["question"]["type"] == "single_choice")
    assert learner.get(f"/courses/{COURSE}/grading").status_code == 403
    url = f"/courses/{COURSE}/grading/{essay['answer_id']}"
    assert learner.post(url, json={"score": 1}).status_code == 403
    choice_url = f"/courses/{COURSE}/grading/{choice['answer_id']}"
    assert assistant.post(choice_url, json={"score": 1}).status_code == 404


def test_the_attempts_result_hides_the_hand_grade_as_the_review_options_say(
    learner, assistant, course
):
    """GET /attempts/<id> is built like the submit's answer: with the score and feedback
    review options on "never", neither the grade nor the grader's comment reaches the
    learner (before this, the GET showed both whatever the options said)."""
    lesson = course.lessons[0]
    lesson.set_quiz_rules(
        replace(lesson.quiz_rules, review={"score": "never", "feedback": "never"})
    )
    db.session.commit()
    started = _start(learner)
    learner.post(f"/attempts/{started['id']}/submit", json={"answers": _answers(started, "Sí.")})
    essay_id = next(
        i["answer_id"] for i in started["questions"] if i["question"]["type"] == "essay"
    )
    assistant.post(f"/courses/{COURSE}/grading/{essay_id}", json={"score": 1, "comment": "Bien."})

    final = learner.get(f"/attempts/{started['id']}").get_json()
    graded = next(a for a in final["answers"] if a["answer_id"] == essay_id)
    assert final["score"] is None
    assert (graded["score"], graded["comment"], graded["feedback"]) == (None, None, [])
    assert final["shown"]["score"] is False


def test_the_attempts_result_carries_its_regrade_log(api_as, enrol, make_user):
    """After an instructor regrades a question, GET /attempts/<id> lists old → new scores
    (the results page's log), and none of it while the review options hide the score."""
    course = make_course(db.session, slug="rekey", questions_per_lesson=1)
    db.session.commit()
    learner = api_as("learner")
    enrol(learner.user, "rekey")
    started = learner.post("/courses/rekey/lessons/clase-1/attempts").get_json()
    (item,) = started["questions"]
    wrong = next(o for o in item["question"]["options"] if o["text"] == "Choice 1")
    answer = {"answer_id": item["answer_id"], "response": wrong["position"]}
    learner.post(f"/attempts/{started['id']}/submit", json={"answers": [answer]})
    row = db.session.scalar(sa.select(Question).where(Question.external_id == "l1-q1"))
    rekeyed = copy.deepcopy(question_dict(row))
    for position, choice in enumerate(rekeyed["choices"]):
        choice["correct"] = position == 1
    apply_question(row, rekeyed)
    regrading.apply_regrade(db.session, row, row.version, make_user("instructor").id, NOW)
    db.session.commit()

    result = learner.get(f"/attempts/{started['id']}").get_json()
    assert result["score"] == 1.0
    assert [
        (e["answer_id"], e["old_score"], e["new_score"], e["old_attempt_score"])
        for e in result["regrades"]
    ] == [(item["answer_id"], 0.0, 1.0, 0.0)]
    lesson = course.lessons[0]
    lesson.set_quiz_rules(replace(lesson.quiz_rules, review={"score": "never"}))
    db.session.commit()
    assert learner.get(f"/attempts/{started['id']}").get_json()["regrades"] == []
