"""Twenty threads, two per learner for ten learners, take quizzes and review cards at once
through the JSON API of a real server (gunicorn, 2 workers × 4 threads) on a SQLite file
and, given TEST_DATABASE_URL, on PostgreSQL. No request fails, and afterwards the stored
answers and review logs add up exactly to what the server acknowledged: nothing lost,
nothing counted twice, even where a learner's two threads race for the same attempt or
the same card."""

import os
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from tests.factories import DECK_TYPES

COURSE = "curso-flask"
LEARNERS = 10
THREADS_PER_LEARNER = 2
RATINGS_PER_CARD = 3
STARTERS = 3  # learners whose tabs all start the same quiz at once
TABS = 6
BACKENDS = ["sqlite"]
if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
    BACKENDS.append("postgresql")


@dataclass
class Acknowledged:
    """What the server confirmed to one thread."""

    statuses: list[tuple[str, int]] = field(default_factory=list)
    # attempt id → number of questions, for every attempt this thread submitted (200).
    submitted: dict[int, int] = field(default_factory=dict)
    # attempt id → its questions that are review cards too (an essay or a description
    # is answered or read in the quiz but logs no quiz review).
    carded: dict[int, int] = field(default_factory=dict)
    scores: dict[int, set] = field(default_factory=lambda: defaultdict(set))
    reviews: int = 0  # 200 answers to POST /review/<card>
    race_wins: int = 0  # 200s in the race for the shared card
    shared_attempts: set[int] = field(default_factory=set)


def response_for(question: dict):
    """A well-formed response of the question's type (right or wrong does not matter)."""
    options = [option["position"] for option in question.get("options") or []]
    kind = question["type"]
    if kind == "single_choice":
        return options[0]
    if kind == "multiple_response":
        return options[:1]
    if kind == "true_false":
        return True
    if kind == "numeric":
        return "3,5"
    if kind == "matching":
        return options[: len(question["items"])]
    if kind == "cloze":
        return [
            (blank["options"] or [{"text": "x"}])[0]["text"] if blank.get("options") else "flask"
            for blank in question["blanks"]
        ]
    return "flask"


class Learner:
    """One learner's two threads: their own lesson each, a lesson and a card they share."""

    def __init__(self, server, email: str, lessons: list[str]):
        self.server = server
        self.email = email
        self.lessons = lessons
        self.shared_start = threading.Barrier(THREADS_PER_LEARNER, timeout=30)
        self.shared_card = threading.Barrier(THREADS_PER_LEARNER, timeout=30)
        self.race_card: dict | None = None

    def call(self, seen: Acknowledged, label: str, *args, **kwargs):
        status, body = self.server.call(*args, **kwargs)
        seen.statuses.append((label, status))
        return status, body

    def quiz(self, seen: Acknowledged, token: str, lesson: str) -> dict:
        path = f"/api/v1/courses/{COURSE}/lessons/{lesson}/attempts"
        status, started = self.call(seen, "start", "POST", path, token)
        assert status in (200, 201), (status, started)
        return started

    def submit(self, seen: Acknowledged, token: str, started: dict) -> None:
        body = {
            "answers": [
                {"answer_id": item["answer_id"], "response": response_for(item["question"])}
                for item in started["questions"]
                if item["question"]["type"] != "description"  # a text to read, not to answer
            ]
        }
        status, result = self.call(
            seen, "submit", "POST", f"/api/v1/attempts/{started['id']}/submit", token, body
        )
        if status == 200:
            seen.submitted[started["id"]] = len(started["questions"])
            seen.carded[started["id"]] = sum(
                item["question"]["type"] in DECK_TYPES for item in started["questions"]
            )
            seen.scores[started["id"]].add(result["score"])

    def rate(self, seen: Acknowledged, token: str, card: dict, label: str = "rate") -> int:
        body = {"rating": 3, "expected_reps": card["reps"]}
        status, result = self.call(seen, label, "POST", f"/api/v1/review/{card['id']}", token, body)
        if status == 200:
            card.update(result["card"])
        return status

    def due_cards(self, seen: Acknowledged, token: str, lesson: str) -> list[dict]:
        path = f"/api/v1/review/due?course={COURSE}&lesson={lesson}"
        status, due = self.call(seen, "due", "GET", path, token)
        assert status == 200, due
        return [item["card"] for item in due["cards"] if item["lesson"]["slug"] == lesson]

    def run(self, thread: int) -> Acknowledged:
        seen = Acknowledged()
        token = self.server.token_for(self.email)
        own = self.lessons[thread]
        # Its own lesson: a quiz, the same submission replayed, then a retake.
        started = self.quiz(seen, token, own)
        self.submit(seen, token, started)
        self.submit(seen, token, started)
        self.submit(seen, token, self.quiz(seen, token, own))
        # The shared lesson: both threads start (and submit) it at the same moment.
        self.shared_start.wait()
        shared = self.quiz(seen, token, self.lessons[2])
        seen.shared_attempts.add(shared["id"])
        self.submit(seen, token, shared)
        # Reviews of its own lesson's new flashcards, each rated a few times.
        for card in self.due_cards(seen, token, own):
            for _round in range(RATINGS_PER_CARD):
                seen.reviews += self.rate(seen, token, card) == 200
        # The race: both threads rate one card of the shared lesson with the same reps.
        if thread == 0:
            self.race_card = self.due_cards(seen, token, self.lessons[2])[0]
        self.shared_card.wait()
        won = self.rate(seen, token, dict(self.race_card), label="race") == 200
        seen.reviews += won
        seen.race_wins += won
        return seen


def _lesson_slugs(server) -> list[str]:
    token = server.token_for(server.learners[0])
    status, body = server.call("GET", f"/api/v1/courses/{COURSE}/lessons", token)
    assert status == 200, body
    return [lesson["slug"] for lesson in body["lessons"]][:3]


def _stored_counts(server) -> dict[str, dict]:
    engine = sa.create_engine(server.database_url)
    per_user = {
        "answered": """SELECT u.email, count(*) FROM answers a JOIN attempts t
                       ON t.id = a.attempt_id JOIN users u ON u.id = t.user_id
                       WHERE a.answered_at IS NOT NULL GROUP BY u.email""",
        "submitted": """SELECT u.email, count(*) FROM attempts t JOIN users u
                        ON u.id = t.user_id WHERE t.submitted_at IS NOT NULL GROUP BY u.email""",
        "review logs": """SELECT u.email, count(*) FROM review_logs r JOIN users u
                          ON u.id = r.user_id WHERE r.source = 'review' GROUP BY u.email""",
        "quiz logs": """SELECT u.email, count(*) FROM review_logs r JOIN users u
                        ON u.id = r.user_id WHERE r.source = 'quiz' GROUP BY u.email""",
        # Each card's reps counts its reviews: a card whose log disagrees lost or gained one.
        "cards out of step": """SELECT u.email, count(*) FROM cards c JOIN users u
                                ON u.id = c.user_id WHERE c.reps <> (SELECT count(*)
                                FROM review_logs r WHERE r.card_id = c.id) GROUP BY u.email""",
    }
    try:
        with engine.connect() as connection:
            return {
                name: dict(connection.execute(sa.text(query)).all())
                for name, query in per_user.items()
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, live_server_factory):
    # Ten learners for the load, a few more for the race to start an attempt.
    with live_server_factory(request.param, learners=LEARNERS + STARTERS) as running:
        yield running


def test_concurrent_learners_lose_nothing_and_count_nothing_twice(server):
    lessons = _lesson_slugs(server)
    learners = [Learner(server, email, lessons) for email in server.learners[:LEARNERS]]
    jobs = [(learner, thread) for learner in learners for thread in range(2)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {pool.submit(learner.run, thread): learner for learner, thread in jobs}
        outcomes = defaultdict(list)
        for future, learner in futures.items():
            outcomes[learner.email].append(future.result(timeout=120))
    stored = _stored_counts(server)
    log = server.log_tail()

    statuses = Counter(status for seen in _all(outcomes) for _label, status in seen.statuses)
    assert not [s for s in statuses if s >= 500], f"{statuses}\n{log}"
    unexpected = {
        (label, status)
        for seen in _all(outcomes)
        for label, status in seen.statuses
        if status not in (200, 201) and not (label == "race" and status == 409)
    }
    assert unexpected == set(), statuses

    expected = defaultdict(dict)
    for email, seen_by_threads in outcomes.items():
        submitted = {k: v for seen in seen_by_threads for k, v in seen.submitted.items()}
        expected["submitted"][email] = len(submitted)
        expected["answered"][email] = sum(submitted.values())
        carded = {k: v for seen in seen_by_threads for k, v in seen.carded.items()}
        expected["quiz logs"][email] = sum(carded.values())
        expected["review logs"][email] = sum(seen.reviews for seen in seen_by_threads)
        # Exactly one of the two threads won the race for the same card and reps.
        assert sum(seen.race_wins for seen in seen_by_threads) == 1, email
        # A replayed or concurrent submission returns the one stored result.
        scores = defaultdict(set)
        for seen in seen_by_threads:
            for attempt, values in seen.scores.items():
                scores[attempt] |= values
        assert all(len(values) == 1 for values in scores.values()), scores
    for name, per_learner in expected.items():
        assert stored[name] == per_learner, name
    assert stored["cards out of step"] == {}
    # Each learner: 2 own lessons × 2 attempts, plus the shared lesson's attempt(s); each
    # thread rated at least one flashcard of its lesson a few times, plus the race.
    assert all(count >= 5 for count in expected["submitted"].values())
    assert all(count >= 2 * RATINGS_PER_CARD + 1 for count in expected["review logs"].values())


def _all(outcomes):
    return [seen for seen_by_threads in outcomes.values() for seen in seen_by_threads]


def test_simultaneous_starts_of_a_quiz_open_one_attempt(server, request):
    """Several tabs (or a double click) starting the same quiz at once share one attempt."""
    lesson = _lesson_slugs(server)[0]
    path = f"/api/v1/courses/{COURSE}/lessons/{lesson}/attempts"
    problems = []
    for email in server.learners[LEARNERS:]:
        token = server.token_for(email)
        together = threading.Barrier(TABS, timeout=30)

        def start(token=token, together=together):
            together.wait()
            return server.call("POST", path, token)

        with ThreadPoolExecutor(max_workers=TABS) as pool:
            answers = list(pool.map(lambda _tab: start(), range(TABS)))
        assert all(status in (200, 201) for status, _body in answers), answers
        ids = {body["id"] for _status, body in answers}
        numbers = sorted(body["number"] for _status, body in answers)
        if len(ids) != 1:
            problems.append(f"{email}: {len(ids)} attempts opened, numbered {numbers}")
    assert problems == []
