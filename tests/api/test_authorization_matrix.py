"""Every API route × every kind of caller answers as the table says (the pages have theirs
in tests/security). A route without a row fails `test_every_api_route_has_an_expectation`.

Callers as in the pages' matrix, on the bundled public course: `anonymous` (no token);
`outsider` (a learner not enrolled); `learner` (enrolled, owns the attempt and card in the
URLs); `other_learner` and `other_instructor` (of another course only); the course's
`assistant` and `instructor`; an `admin`."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card
from quizapp.services import accounts
from tests.matrix import COURSE, LESSON, ROLES, fill_path, make_callers, submitted_attempt

YAML = "questions:\n  - id: matriz\n    type: true_false\n    prompt: Sí.\n    answer: true\n"


def expect(signed_in, anonymous=401, **special) -> dict:
    row = {role: signed_in for role in ROLES}
    row["anonymous"] = anonymous
    row.update(special)
    return row


SIGNED_IN = expect(200)
# A course's staff side: its assistants and instructors (and admins); nobody else knows it.
COURSE_STAFF = expect(404, learner=403, assistant=200, instructor=200, admin=200)
COURSE_EDIT = expect(404, learner=403, assistant=403, instructor=200, admin=200)
OWN_ONLY = expect(404, learner=200)

# (endpoint, method) → (expected status per caller, JSON body or None).
EXPECTED: dict[tuple[str, str], tuple[dict, dict | None]] = {
    ("api.create_token", "POST"): (
        expect(401),
        {"email": "nobody@example.org", "password": "wrong-password"},
    ),
    ("api.list_courses", "GET"): (SIGNED_IN, None),
    ("api.list_lessons", "GET"): (SIGNED_IN, None),
    ("api.list_questions", "GET"): (SIGNED_IN, None),
    # Members are already in (200); anybody else joins the public course (201).
    ("api.enrol", "POST"): (
        expect(201, learner=200, assistant=200, instructor=200),
        {},
    ),
    ("api.list_members", "GET"): (COURSE_STAFF, None),
    # Only a learner of the course leaves it; its staff are removed by an instructor (409).
    # It runs after the enrolment rows (LAST), which made every other caller a learner.
    ("api.leave", "DELETE"): (expect(200, assistant=409, instructor=409), None),
    # The member in the URL is a learner of the course (a fresh one for each caller).
    ("api.remove_member", "DELETE"): (
        expect(404, learner=403, assistant=403, instructor=200, admin=200),
        None,
    ),
    ("api.set_quiz_rules", "PUT"): (COURSE_EDIT, {}),
    ("api.start_attempt", "POST"): (expect(201), None),
    ("api.submit_attempt", "POST"): (OWN_ONLY, {"answers": [], "confirm_unanswered": True}),
    ("api.attempt_result", "GET"): (OWN_ONLY, None),
    # The owner's attempt is submitted already: saving answers to it is refused (409).
    ("api.save_answers", "PUT"): (expect(404, learner=409), {"answers": []}),
    ("api.review_due", "GET"): (SIGNED_IN, None),
    ("api.review_card", "POST"): (OWN_ONLY, {"rating": 3}),
    ("api.my_progress", "GET"): (SIGNED_IN, None),
    ("api.course_stats", "GET"): (COURSE_STAFF, None),
    ("api.import_questions", "POST"): (
        COURSE_EDIT,
        {"format": "yaml", "text": YAML, "lesson": 3, "dry_run": True},
    ),
    # No file: refused once the course check lets an instructor through.
    ("api.upload_media", "POST"): (
        expect(404, learner=403, assistant=403, instructor=422, admin=422),
        {},
    ),
    ("api.grading_queue", "GET"): (COURSE_STAFF, None),
    ("api.grade_answer", "POST"): (COURSE_STAFF, {"score": 0.5, "comment": "Bien."}),
    ("api.openapi_document", "GET"): (expect(200, anonymous=200), None),
}
# Joining and starting a quiz enrol the caller, leaving ends it: they go last, in this
# order, so the rest sees the caller as before.
LAST = (("api.enrol", "POST"), ("api.start_attempt", "POST"), ("api.leave", "DELETE"))


@pytest.fixture
def api_routes(app) -> list[tuple[str, str, object]]:
    return [
        (rule.endpoint, method, rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]


def test_every_api_route_has_an_expectation(api_routes):
    listed = {(endpoint, method) for endpoint, method, _rule in api_routes}
    assert sorted(listed - EXPECTED.keys()) == [], "API routes without a row in EXPECTED"
    assert sorted(EXPECTED.keys() - listed) == [], "rows for API routes that no longer exist"
    assert all(set(row) == set(ROLES) for row, _body in EXPECTED.values())


def _callers(make_user, enrol) -> dict:
    callers = make_callers(make_user, enrol)
    enrol(make_user("learner", email="removable@example.org"))
    return callers


def _owned_ids(owner) -> dict[str, str]:
    attempt, essay_answer_id = submitted_attempt(owner)
    card = db.session.scalar(
        sa.select(Card).where(Card.user_id == owner.id).order_by(Card.id).limit(1)
    )
    removable = accounts.find_user_by_email(db.session, "removable@example.org")
    return {
        "course": COURSE,
        "lesson": LESSON,
        "attempt_id": str(attempt.id),
        "answer_id": str(essay_answer_id),
        "card_id": str(card.id),
        "user_id": str(removable.id),
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_api_route_answers_each_caller_as_expected(
    client, make_user, enrol, bundled_course, api_routes, role
):
    callers = _callers(make_user, enrol)
    ids = _owned_ids(callers["learner"])
    headers = {}
    if role != "anonymous":
        token, _row = accounts.create_api_token(db.session, callers[role], "matrix")
        db.session.commit()
        headers["Authorization"] = f"Bearer {token}"

    wrong = []

    def last_ones(route) -> int:
        return LAST.index(route[:2]) if route[:2] in LAST else -1

    for endpoint, method, rule in sorted(api_routes, key=last_ones):
        statuses, body = EXPECTED[(endpoint, method)]
        path = fill_path(rule, ids)
        response = client.open(path, method=method, json=body, headers=headers)
        if response.status_code != statuses[role]:
            wrong.append(
                f"{method} {path}: {response.status_code} {response.get_data(as_text=True)[:120]}"
                f", expected {statuses[role]}"
            )
    assert wrong == [], f"as {role}:\n" + "\n".join(wrong)
