"""Courses nobody outside may see: every page of an invite-only course is a 404 to a
non-member (as for a course that does not exist), and a code course's notes wait for the
join code."""

import pytest

from quizapp.extensions import db
from quizapp.services import catalog
from tests.conftest import AuthActions, csrf_token_from


def _course_routes(html_routes):
    return [
        (endpoint, method, rule)
        for endpoint, method, rule in html_routes
        if {"course_slug", "question_id"} & set(rule.arguments)
    ]


def _set_visibility(visibility: str) -> None:
    catalog.find_course(db.session, "curso-flask").visibility = visibility
    db.session.commit()


@pytest.mark.parametrize("teaches_elsewhere", [False, True], ids=["learner", "instructor"])
def test_every_page_of_an_invite_course_is_404_to_non_members(
    client, make_user, html_routes, owned_ids, path_of, teaches_elsewhere
):
    ids = owned_ids(make_user("learner"))
    _set_visibility("invite")
    visitor = make_user("instructor" if teaches_elsewhere else "learner", teaches=False)
    AuthActions(client).login(visitor.email)
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    routes = _course_routes(html_routes)
    assert len(routes) >= 25
    wrong = []
    for _endpoint, method, rule in routes:
        path = path_of(rule, ids)
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token})
        if response.status_code != 404:
            wrong.append(f"{method} {path}: {response.status_code}")
    assert wrong == []


def test_an_invite_course_is_not_listed_and_unknown_to_anonymous_visitors(client, bundled_course):
    _set_visibility("invite")
    assert "curso-flask" not in client.get("/").get_data(as_text=True)
    assert client.get("/courses/curso-flask").status_code == 404
    assert client.get("/courses/curso-flask/clase-1-introduccion").status_code == 404


def test_a_code_course_is_listed_but_its_notes_wait_for_the_code(
    client, auth, make_user, bundled_course
):
    _set_visibility("code")
    auth.login(make_user("learner").email)
    assert "/courses/curso-flask" in client.get("/").get_data(as_text=True)
    assert client.get("/courses/curso-flask").status_code == 200
    assert client.get("/courses/curso-flask/clase-1-introduccion").status_code == 403
    assert client.get("/courses/curso-flask/clase-1-introduccion/quiz").status_code == 403
