"""Leaving a course and removing a member over the API: the membership ends, the history
stays, and the course's staff figures stop counting the learner."""

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, Membership
from tests.api.conftest import COURSE, LESSON_PATH, all_right


def _take_the_quiz(api) -> None:
    attempt = api.post(f"{LESSON_PATH}/attempts").get_json()
    assert api.post(f"/attempts/{attempt['id']}/submit", json=all_right(attempt)).status_code == 200


def _learners_in_stats(staff_api) -> list[str]:
    return [
        row["email"] for row in staff_api.get(f"/courses/{COURSE}/stats").get_json()["learners"]
    ]


def test_a_learner_leaves_keeps_their_history_and_drops_out_of_the_stats(learner_api, staff_api):
    _take_the_quiz(learner_api)
    assert _learners_in_stats(staff_api) == [learner_api.user.email]

    left = learner_api.delete(f"/courses/{COURSE}/enrolments")
    assert left.status_code == 200
    assert left.get_json() == {"course": {"slug": COURSE, "title": "Curso de Flask"}, "left": True}
    assert _learners_in_stats(staff_api) == []
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1  # history kept
    members = staff_api.get(f"/courses/{COURSE}/members").get_json()["members"]
    assert learner_api.user.email not in [member["email"] for member in members]

    again = learner_api.delete(f"/courses/{COURSE}/enrolments")
    assert again.status_code == 404
    assert again.get_json()["error"]["code"] == "not_found"
    # Joining again restores the membership and its history in the figures.
    assert learner_api.post(f"/courses/{COURSE}/enrolments", json={}).status_code == 201
    assert _learners_in_stats(staff_api) == [learner_api.user.email]


def test_staff_cannot_leave_but_are_removed_by_an_instructor(staff_api, api_as, enrol):
    assistant = api_as("learner")
    enrol(assistant.user, role="assistant")
    refused = assistant.delete(f"/courses/{COURSE}/enrolments")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "staff_cannot_leave"

    removed = staff_api.delete(f"/courses/{COURSE}/members/{assistant.user.id}")
    assert removed.status_code == 200
    assert removed.get_json() == {"user_id": assistant.user.id, "removed": True}
    # No longer staff: the course's staff side is not theirs to see.
    assert assistant.get(f"/courses/{COURSE}/members").status_code == 404
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == assistant.user.id)
    )
    assert membership.removed_at is not None


def test_removing_someone_who_is_not_a_member_or_the_last_instructor_is_refused(
    staff_api, api_as, make_user
):
    stranger = make_user("learner")
    assert staff_api.delete(f"/courses/{COURSE}/members/{stranger.id}").status_code == 404
    assert staff_api.delete(f"/courses/{COURSE}/members/99999999999").status_code == 404
    others = [
        member["user_id"]
        for member in staff_api.get(f"/courses/{COURSE}/members").get_json()["members"]
        if member["role"] == "instructor" and member["user_id"] != staff_api.user.id
    ]
    for user_id in others:
        assert staff_api.delete(f"/courses/{COURSE}/members/{user_id}").status_code == 200
    last = staff_api.delete(f"/courses/{COURSE}/members/{staff_api.user.id}")
    assert last.status_code == 409
    assert last.get_json()["error"]["code"] == "last_instructor"
