"""The catalogue pages, roles, errors, headers and the health check."""

import pytest

from quizapp.domain.questions.registry import normalise_question
from quizapp.extensions import db
from quizapp.models.types import utcnow
from quizapp.services.question_store import add_question
from tests.factories import make_course


def test_home_lists_the_bundled_course(client, bundled_course):
    page = client.get("/").get_data(as_text=True)
    assert "Curso de Flask" in page
    assert "/courses/curso-flask" in page


def test_home_counts_what_the_quizzes_ask_and_the_flashcards_apart(client, app):
    course = make_course(db.session, slug="c", lessons=2, questions_per_lesson=3)
    add_question(
        db.session,
        course.lessons[0],
        normalise_question({"id": "fc", "type": "flashcard", "prompt": "F", "back": "B"}),
        utcnow(),
    )
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "2 lessons · 6 quiz questions · 1 flashcard" in page


def test_course_page_lists_three_lessons(client, bundled_course):
    page = client.get("/courses/curso-flask").get_data(as_text=True)
    for slug in (
        "clase-1-introduccion",
        "clase-2-como-funcionan-las-aplicaciones-web",
        "clase-3-que-es-flask",
    ):
        assert f"/courses/curso-flask/{slug}" in page


def test_lesson_page_renders_the_notes_as_html(client, bundled_course):
    response = client.get("/courses/curso-flask/clase-3-que-es-flask")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>" in page
    assert "Jinja2" in page


@pytest.mark.parametrize("path", ["/courses/nope", "/courses/curso-flask/nope", "/attempts/999999"])
def test_unknown_pages_are_404(client, auth, make_user, bundled_course, path):
    auth.login(make_user().email)
    assert client.get(path).status_code == 404


def test_security_headers_on_every_page(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_language_switcher_changes_the_ui(client):
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post("/lang/en", data={"csrf_token": token, "next": "/"})
    assert "Courses" in client.get("/").get_data(as_text=True)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post("/lang/es", data={"csrf_token": token, "next": "/"})
    assert "Cursos" in client.get("/").get_data(as_text=True)


def test_accept_language_picks_english(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_staff_pages_forbid_learners(client, auth, make_user):
    auth.login(make_user("learner").email)
    assert client.get("/instructor/").status_code == 403


def test_staff_pages_open_to_instructors(client, auth, make_user):
    auth.login(make_user("instructor").email)
    assert client.get("/instructor/").status_code == 200


def test_spanish_is_the_default_without_accept_language(client):
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Cursos" in page


@pytest.mark.parametrize(
    "path", ["/attempts/2147483648", "/courses/x%00y", "/courses/curso-flask/x%00y/quiz"]
)
def test_ids_and_slugs_no_database_can_hold_are_404(client, auth, make_user, path):
    auth.login(make_user().email)
    assert client.get(path).status_code == 404


def test_a_nul_character_in_a_form_is_refused(client):
    response = client.post("/auth/login", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
