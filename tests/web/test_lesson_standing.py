"""A lesson page reads the caller's membership with its lesson (catalog.find_lesson_and_role)
instead of asking for it apart: the same standing as the course page decides from its own
query, for a member, a removed member, another course's member, staff and an admin."""

import pytest

from quizapp.extensions import db
from quizapp.models.types import utcnow
from quizapp.services import memberships
from tests.factories import make_course

LESSON = "/courses/privado/clase-1"


@pytest.fixture
def private_course(app):
    course = make_course(db.session, slug="privado")
    course.visibility = "invite"
    db.session.commit()
    return course


def _member(course, user, role="learner"):
    memberships.set_member(db.session, course, user, role, utcnow())
    db.session.commit()


def _pages(client) -> tuple[int, int, int]:
    return (
        client.get("/courses/privado").status_code,
        client.get(LESSON).status_code,
        client.get(f"{LESSON}/quiz").status_code,
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", (200, 200, 200)),
        ("removed", (404, 404, 404)),
        ("outsider", (404, 404, 404)),
        ("assistant", (200, 200, 200)),
        ("admin", (200, 200, 200)),
    ],
)
def test_the_lesson_pages_decide_as_the_course_page(
    client, auth, make_user, private_course, who, expected
):
    user = make_user("admin" if who == "admin" else "learner")
    if who in ("member", "removed"):
        _member(private_course, user)
    if who == "removed":
        memberships.remove_member(db.session, private_course, user.id, utcnow())
        db.session.commit()
    if who == "outsider":
        other = make_course(db.session, slug="otro")
        _member(other, user)
    if who == "assistant":
        _member(private_course, user, "assistant")
    auth.login(user.email)
    assert _pages(client) == expected


def test_a_visitor_logs_in_before_the_quiz_and_does_not_see_the_lesson(client, private_course):
    response = client.get(f"{LESSON}/quiz")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert client.get(LESSON).status_code == 404
    assert client.get("/courses/privado").status_code == 404
