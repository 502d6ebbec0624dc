"""The page and the API never give the key away: the values a learner sees and sends are
places in the attempt's own shuffled order, so blind strategies ("always the first value",
"pair item i with option i") score at chance level over many fresh attempts."""

from collections import Counter
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from quizapp.domain.quiz_layout import review_layout
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question
from quizapp.services.question_store import question_dict
from tests.api.conftest import Api
from tests.conftest import PASSWORD, csrf_token_from
from tests.quiz_answers import start_quiz

COURSE = "curso-flask"
LESSONS = ("clase-1-introduccion", "clase-3-que-es-flask")
ATTEMPTS_PER_LESSON = 8
CHANCE_BOUND = 0.6  # chance is at most 1/3 here (3+ options); the leak scored 1.0


class _FormValues(HTMLParser):
    """Each field's values in page order: radios/checkboxes, and each select's options."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name") or ""
        if tag == "input" and attributes.get("type") in ("radio", "checkbox"):
            self.values.setdefault(name, []).append(attributes.get("value") or "")
        elif tag == "input" and attributes.get("type", "text") == "text":
            self.values[name] = ["1"]  # a text or number blank: any answer
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            self.values[self._select].append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _blind_web_post(page: str) -> dict[str, object]:
    """First value of every choice field, option "i" for matching row i, anything for text."""
    parser = _FormValues()
    parser.feed(page)
    data: dict[str, object] = {"csrf_token": csrf_token_from(page)}
    for name, values in parser.values.items():
        offered = [value for value in values if value]
        if not name.startswith("q") or not offered:
            continue
        prefix, _sep, row = name.partition("_")
        data[name] = row if row.isdigit() and row in offered else offered[0]
    return data


def _mean_scores(user_id: int) -> dict[str, float]:
    rows = db.session.execute(
        sa.select(Question.type, sa.func.avg(Answer.score), sa.func.count(Answer.id))
        .join(Answer.question)
        .join(Answer.attempt)
        .where(Attempt.user_id == user_id, Attempt.submitted_at.is_not(None))
        .group_by(Question.type)
    ).all()
    return {kind: float(mean) for kind, mean, count in rows if count}


def _assert_chance_level(user_id: int) -> None:
    means = _mean_scores(user_id)
    for kind in ("single_choice", "matching"):
        assert kind in means, f"no {kind} answered: the test measured nothing"
        assert means[kind] < CHANCE_BOUND, f"{kind}: blind answers scored {means[kind]:.0%}"


def _web_attempt(client, lesson: str) -> None:
    quiz = f"/courses/{COURSE}/{lesson}/quiz"
    page = start_quiz(client, quiz).get_data(as_text=True)
    data = _blind_web_post(page)
    data["attempt_id"] = page.split('name="attempt_id" type="hidden" value="')[1].split('"')[0]
    assert client.post(quiz, data=data).status_code == 302


def test_blind_answers_on_the_web_form_score_at_chance(client, auth, make_user, bundled_course):
    user = make_user()
    auth.login(user.email)
    for lesson in LESSONS:
        for _ in range(ATTEMPTS_PER_LESSON):
            _web_attempt(client, lesson)
    _assert_chance_level(user.id)


def _blind_api_response(question: dict):
    if question["type"] == "single_choice":
        return question["options"][0]["position"]
    if question["type"] == "multiple_response":
        return [question["options"][0]["position"]]
    if question["type"] == "matching":
        return {str(item["position"]): item["position"] for item in question["items"]}
    return None


def _learner_api(client, make_user) -> Api:
    user = make_user()
    issued = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    return Api(client, issued.get_json()["token"], user)


def test_blind_answers_on_the_api_score_at_chance(client, make_user, bundled_course):
    api = _learner_api(client, make_user)
    for lesson in LESSONS:
        for _ in range(ATTEMPTS_PER_LESSON):
            started = api.post(f"/courses/{COURSE}/lessons/{lesson}/attempts")
            assert started.status_code == 201
            attempt = started.get_json()
            answers = [
                {"answer_id": item["answer_id"], "response": _blind_api_response(item["question"])}
                for item in attempt["questions"]
            ]
            body = {"answers": answers, "confirm_unanswered": True}  # other types stay blank
            submitted = api.post(f"/attempts/{attempt['id']}/submit", json=body)
            assert submitted.status_code == 200
    _assert_chance_level(api.user.id)


def test_the_learners_question_list_is_not_in_authored_order(client, make_user, bundled_course):
    api = _learner_api(client, make_user)
    firsts_right = []
    for _ in range(10):
        listed = api.get(f"/courses/{COURSE}/lessons/{LESSONS[0]}/questions").get_json()
        for question in listed["questions"]:
            if question["type"] == "single_choice":
                row = db.session.scalar(
                    sa.select(Question).where(Question.external_id == question["id"])
                )
                choices = question_dict(row)["choices"]
                right = next(c["text"] for c in choices if c.get("correct"))
                firsts_right.append(question["options"][0]["text"] == right)
    assert firsts_right
    assert sum(firsts_right) / len(firsts_right) < CHANCE_BOUND


@pytest.mark.parametrize("key", ["one secret", "another secret"])
def test_a_review_cards_order_depends_on_the_secret_key(key):
    question = {"type": "single_choice", "choices": [{"text": str(i)} for i in range(4)]}
    firsts = [review_layout(question, card_id, 0, key)[0] for card_id in range(200)]
    assert sum(pos == 0 for pos in firsts) / len(firsts) < CHANCE_BOUND
    assert firsts != [review_layout(question, card_id, 0, key + "!")[0] for card_id in range(200)]


def test_a_review_cards_orders_are_drawn_evenly_and_change_with_each_review():
    """Every order of three options equally often (over card ids and review counts), for a
    first blank and for the last of a cloze that uses up the hash's first digest (the
    shuffle's number is extended by hashing again); the next review reshuffles."""
    three = {"type": "single_choice", "choices": [{"text": str(i)} for i in range(3)]}
    blanks = [{"options": list("abcdefghij")}] * 12 + [{"options": list("xyz")}]
    many = {"type": "cloze", "blanks": blanks}
    draws = [(card_id, reps) for card_id in range(1500) for reps in range(4)]
    orders = Counter(tuple(review_layout(three, c, r, "key")) for c, r in draws)
    last_blank = Counter(tuple(review_layout(many, c, r, "key")[-1]) for c, r in draws)
    for counted in (orders, last_blank):
        assert len(counted) == 6
        assert all(abs(n / len(draws) - 1 / 6) < 0.03 for n in counted.values()), counted
    assert all(review_layout(many, c, 0, "k") != review_layout(many, c, 1, "k") for c in range(200))
