"""Two requests racing to start the same learner's attempt (a double click, two tabs, a
retrying client): one attempt, one 201, and every other request a 200 with that attempt,
as the API documents. Threads on the suite's database: on PostgreSQL the requests really
overlap (the loser meets the one-open-attempt index); SQLite serialises the writers."""

import threading

import sqlalchemy as sa
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Attempt
from tests.api.conftest import LESSON_PATH

ROUNDS = 4
RACERS = 4


def _race(app, token: str) -> list[tuple[int, int]]:
    barrier = threading.Barrier(RACERS)
    results: list[tuple[int, int]] = []
    lock = threading.Lock()

    def start():
        client = FlaskClient(app, app.response_class)
        barrier.wait()
        response = client.post(
            f"/api/v1{LESSON_PATH}/attempts", headers={"Authorization": f"Bearer {token}"}
        )
        with lock:
            results.append((response.status_code, (response.get_json() or {}).get("id")))

    threads = [threading.Thread(target=start) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_racing_starts_make_one_attempt_one_201_and_200s(app, issue_token, bundled_course):
    for _ in range(ROUNDS):
        user, token = issue_token()
        db.session.commit()
        results = _race(app, token)
        statuses = sorted(status for status, _id in results)
        assert statuses == [200] * (RACERS - 1) + [201], results
        assert len({attempt_id for _status, attempt_id in results}) == 1, results
        attempts = db.session.scalar(
            sa.select(sa.func.count(Attempt.id)).where(Attempt.user_id == user.id)
        )
        assert attempts == 1
