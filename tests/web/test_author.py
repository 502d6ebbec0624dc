"""The instructor area through the web client: editors, retire/restore/move, import, export,
on a three-lesson course built for the test (ids l1-q1, l1-q2, l2-q1…)."""

import io
import re

import pytest
import sqlalchemy as sa

from quizapp.domain.questions.registry import normalise_question, validate_question
from quizapp.extensions import db
from quizapp.models import Question
from quizapp.models.types import utcnow
from quizapp.services.question_store import add_question, question_dict
from tests.conftest import csrf_token_from
from tests.factories import lesson_by_number, make_course, row_count

LESSON_URL = "/instructor/courses/curso/lessons/clase-1"

GIFT = """\
// [id:web-capital]
::Capital::¿Capital de Francia? {=París ~Roma ~Madrid}

::Flask es micro::Flask es un microframework. {T}

Escribe un ensayo sobre Flask. {}

¿Dos más dos? {=4 ~%50%3 ~5}
"""


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def course(app):
    course = make_course(db.session, slug="curso", lessons=3, questions_per_lesson=2)
    db.session.commit()
    return course


@pytest.fixture
def staff(client, login_as, course):
    login_as("instructor")
    return client


def _token(client, path: str) -> str:
    return csrf_token_from(client.get(path).get_data(as_text=True))


def _question(external_id: str) -> Question:
    return db.session.scalar(sa.select(Question).where(Question.external_id == external_id))


NEW_QUESTIONS = {
    "single_choice": {
        "choices-0-text": "Python",
        "choices-0-correct": "y",
        "choices-0-feedback": "¡Sí!",
        "choices-1-text": "Ruby",
        "choices-1-feedback": "No.",
    },
    "multiple_response": {
        "choices-0-text": "Jinja2",
        "choices-0-correct": "y",
        "choices-1-text": "Werkzeug",
        "choices-1-correct": "y",
        "choices-2-text": "Django ORM",
    },
    "true_false": {"answer": "true", "feedback_false": "Sí lo es."},
    "short_answer": {"answers-0-text": "Flask", "accent_insensitive": "y"},
    "numeric": {
        "answers-0-value": "3.5",
        "answers-0-tolerance": "0.1",
        "answers-1-min": "3",
        "answers-1-max": "4",
        "answers-1-weight": "50",
    },
    "matching": {
        "pairs-0-left": "Flask",
        "pairs-0-right": "micro",
        "pairs-1-left": "Django",
        "pairs-1-right": "baterías incluidas",
        "distractors": "ninguno\n",
    },
    "cloze": {
        "text": "{{1}} es un {{2}}.",
        "blanks-0-answers": "Flask",
        "blanks-1-answers": "microframework | micro-framework",
    },
    "flashcard": {"back": "Un **microframework** de Python."},
    "essay": {
        "max_words": "150",
        "response_template": "Flask es…",
        "grader_notes": "Debe nombrar *Werkzeug* y *Jinja*.",
    },
    "description": {},
}


def test_every_type_has_an_editor_example():
    from quizapp.domain.questions.registry import QUESTION_TYPES

    assert set(NEW_QUESTIONS) == set(QUESTION_TYPES)


def test_an_essay_keeps_its_word_limit_template_and_notes_through_the_editor(staff):
    path = f"{LESSON_URL}/questions/new?type=essay"
    data = {"csrf_token": _token(staff, path), "id": "web-essay", "prompt": "Explica Flask."}
    assert staff.post(path, data={**data, **NEW_QUESTIONS["essay"]}).status_code == 302
    question = question_dict(_question("web-essay"))
    assert (question["max_words"], question["response_template"]) == (150, "Flask es…")
    assert question["grader_notes"] == "Debe nombrar *Werkzeug* y *Jinja*."
    edit = staff.get(f"/instructor/questions/{_question('web-essay').id}/edit")
    assert edit.status_code == 200
    assert "Debe nombrar" in edit.get_data(as_text=True)


def test_a_flashcard_asks_for_its_reverse_card_in_the_editor(staff):
    path = f"{LESSON_URL}/questions/new?type=flashcard"
    data = {"csrf_token": _token(staff, path), "id": "web-reverse", "prompt": "Flask"}
    data |= {**NEW_QUESTIONS["flashcard"], "reverse": "y"}
    assert staff.post(path, data=data).status_code == 302
    assert question_dict(_question("web-reverse"))["reverse"] is True
    edit = staff.get(f"/instructor/questions/{_question('web-reverse').id}/edit")
    assert re.search(
        r'<input checked[^>]*name="reverse"|name="reverse"[^>]*checked', edit.get_data(as_text=True)
    )


def test_a_short_answer_is_made_case_sensitive_in_the_editor_and_stays_so(staff):
    path = f"{LESSON_URL}/questions/new?type=short_answer"
    data = {"csrf_token": _token(staff, path), "id": "web-case", "prompt": "Capital?"}
    data |= {"answers-0-text": "Paris", "case_sensitive": "y"}
    assert staff.post(path, data=data).status_code == 302
    row = _question("web-case")
    assert question_dict(row)["case_sensitive"] is True
    edit = staff.get(f"/instructor/questions/{row.id}/edit").get_data(as_text=True)
    # Saved again as the page shows it: still case-sensitive, and nothing changed.
    assert (
        staff.post(f"/instructor/questions/{row.id}/edit", data=_form_fields(edit)).status_code
        == 302
    )
    db.session.expire_all()
    assert question_dict(_question("web-case"))["case_sensitive"] is True
    assert _question("web-case").version == 1


@pytest.mark.parametrize(
    ("type_name", "extra"),
    [
        ("single_choice", {}),
        ("multiple_response", {}),
        ("cloze", {"blanks-0-options": "Flask | Django | Bottle"}),  # a drop-down
    ],
)
def test_the_editor_keeps_choices_in_order_when_asked(staff, type_name, extra):
    path = f"{LESSON_URL}/questions/new?type={type_name}"
    data = {"csrf_token": _token(staff, path), "id": "web-order", "prompt": "¿Cuál?"}
    data |= {**NEW_QUESTIONS[type_name], **extra, "keep_order": "y"}
    assert staff.post(path, data=data).status_code == 302
    row = _question("web-order")
    assert question_dict(row)["shuffle"] is False
    edit = staff.get(f"/instructor/questions/{row.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="keep_order"|name="keep_order"[^>]*checked', edit)
    unticked = {k: v for k, v in _form_fields(edit).items() if k != "keep_order"}
    assert staff.post(f"/instructor/questions/{row.id}/edit", data=unticked).status_code == 302
    db.session.expire_all()
    assert "shuffle" not in question_dict(_question("web-order"))


def test_an_essay_word_limit_must_be_a_positive_number(staff):
    path = f"{LESSON_URL}/questions/new?type=essay"
    data = {"csrf_token": _token(staff, path), "id": "bad-essay", "prompt": "P", "max_words": "0"}
    response = staff.post(path, data=data)
    assert response.status_code == 200
    assert _question("bad-essay") is None


@pytest.mark.parametrize("type_name", sorted(NEW_QUESTIONS))
def test_the_editor_creates_a_valid_question_of_each_type(staff, type_name):
    path = f"{LESSON_URL}/questions/new?type={type_name}"
    data = {
        "csrf_token": _token(staff, path),
        "id": f"web-{type_name.replace('_', '-')}",
        "prompt": "¿Qué es Flask?",
        "tags": "flask, web",
        "explanation": "Ver la clase.",
        **NEW_QUESTIONS[type_name],
    }
    response = staff.post(path, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    row = _question(data["id"])
    assert row.type == type_name
    assert row.lesson_id == lesson_by_number(db.session, 1, "curso").id
    assert row.tags == ["flask", "web"]
    assert validate_question(question_dict(row)) == []


def test_the_editor_offers_spare_rows_and_an_add_row_button(staff):
    html = staff.get(f"{LESSON_URL}/questions/new?type=single_choice").get_data(as_text=True)
    assert 'name="choices-3-text"' in html
    assert "data-add-row" in html
    assert "js/author.js" in html


def test_an_invalid_question_shows_the_problems_and_saves_nothing(staff):
    path = f"{LESSON_URL}/questions/new?type=single_choice"
    before = row_count(db.session)
    data = {
        "csrf_token": _token(staff, path),
        "prompt": "¿?",
        "choices-0-text": "A",
        "choices-1-text": "B",
    }
    response = staff.post(path, data=data)
    assert response.status_code == 200
    assert "no choice is marked" in response.get_data(as_text=True)
    assert row_count(db.session) == before


def test_an_unknown_type_is_not_found(staff):
    assert staff.get(f"{LESSON_URL}/questions/new?type=ranking").status_code == 404


def test_editing_a_question_bumps_its_version(staff):
    row = _question("l1-q1")
    path = f"/instructor/questions/{row.id}/edit"
    html = staff.get(path).get_data(as_text=True)
    assert "Choice 0" in html
    data = {
        "csrf_token": csrf_token_from(html),
        "prompt": "¿En qué lenguaje se escribe Flask?",
        "choices-0-text": "Python",
        "choices-0-correct": "y",
        "choices-1-text": "Ruby",
    }
    assert staff.post(path, data=data).status_code == 302
    db.session.expire_all()
    row = _question("l1-q1")
    assert row.version == 2
    assert row.prompt_md == "¿En qué lenguaje se escribe Flask?"
    assert [choice.text_md for choice in row.choices] == ["Python", "Ruby"]


def test_saving_an_unchanged_question_keeps_its_version(staff):
    row = _question("l1-q1")
    path = f"/instructor/questions/{row.id}/edit"
    html = staff.get(path).get_data(as_text=True)
    form = _form_fields(html)
    assert staff.post(path, data=form).status_code == 302
    db.session.expire_all()
    assert _question("l1-q1").version == 1


def _form_fields(html: str) -> dict[str, str]:
    """The values a browser would send for the editor's text inputs, checkboxes and areas."""
    import re
    from html import unescape

    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag or 'type="radio"' in tag:
            if "checked" in tag:
                data[name.group(1)] = unescape(value.group(1)) if value else "y"
            continue
        if 'type="submit"' not in tag:
            data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = unescape(text).removeprefix("\r\n").removeprefix("\n")
    return data


def test_retire_restore_and_move(staff):
    row = _question("l1-q1")
    question_id = row.id
    token = _token(staff, f"{LESSON_URL}/questions")
    staff.post(f"/instructor/questions/{question_id}/retire", data={"csrf_token": token})
    db.session.expire_all()
    assert _question("l1-q1").retired_at is not None
    listing = staff.get(f"{LESSON_URL}/questions").get_data(as_text=True)
    assert "l1-q1" in listing  # retired questions stay listed
    staff.post(f"/instructor/questions/{question_id}/restore", data={"csrf_token": token})
    db.session.expire_all()
    assert _question("l1-q1").retired_at is None
    target = lesson_by_number(db.session, 2, "curso").id
    response = staff.post(
        f"/instructor/questions/{question_id}/move",
        data={"csrf_token": token, "lesson": str(target)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    moved = _question("l1-q1")
    assert moved.lesson_id == target
    assert moved.version == 1


def test_lessons_are_created_and_previewed_without_javascript(staff):
    path = "/instructor/courses/curso/lessons/new"
    token = _token(staff, path)
    body = "## Rutas\n\n<script>alert(1)</script> **negrita**"
    preview = staff.post(
        path,
        data={
            "csrf_token": token,
            "number": "4",
            "title": "Rutas",
            "body_md": body,
            "preview": "Preview",
        },
    )
    html = preview.get_data(as_text=True)
    assert "<strong>negrita</strong>" in html
    assert "<script>alert" not in html
    assert lesson_by_number(db.session, 4, "curso") is None
    response = staff.post(
        path, data={"csrf_token": token, "number": "4", "title": "Rutas", "body_md": body}
    )
    assert response.status_code == 302
    assert lesson_by_number(db.session, 4, "curso").slug == "clase-4-rutas"
    edit = "/instructor/courses/curso/lessons/clase-4-rutas/edit"
    staff.post(
        edit,
        data={
            "csrf_token": token,
            "number": "4",
            "title": "Rutas y vistas",
            "slug": "clase-4-rutas",
            "body_md": "Nuevo",
        },
    )
    db.session.expire_all()
    assert lesson_by_number(db.session, 4, "curso").title == "Rutas y vistas"


def test_a_lesson_number_in_use_is_refused(staff):
    path = "/instructor/courses/curso/lessons/new"
    response = staff.post(
        path,
        data={"csrf_token": _token(staff, path), "number": "1", "title": "Otra", "body_md": ""},
    )
    assert response.status_code == 200
    assert "already used" in response.get_data(as_text=True)


def test_the_preview_endpoint_returns_sanitised_html(staff):
    token = _token(staff, "/instructor/")
    response = staff.post(
        "/instructor/preview", data={"csrf_token": token, "text": "*hola* <script>x</script>"}
    )
    assert response.status_code == 200
    assert "<em>hola</em>" in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


def _upload(client, text: str, filename: str, lesson: str = "clase-1"):
    path = "/instructor/courses/curso/import"
    data = {
        "csrf_token": _token(client, path),
        "format": "auto",
        "lesson": lesson,
        "file": (io.BytesIO(text.encode()), filename),
    }
    return client.post(path, data=data, content_type="multipart/form-data")


def _confirm(client, preview_html: str):
    import re

    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview_html).group(1)
    return client.post(
        "/instructor/courses/curso/import/confirm",
        data={"csrf_token": csrf_token_from(preview_html), "token": token},
    )


def test_gift_upload_previews_then_confirm_creates(staff):
    before = row_count(db.session)
    preview = _upload(staff, GIFT, "extra.gift")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "web-capital" in html
    assert "extra.gift:8:" in html  # the partial credit is reported as not kept
    assert "never retires" in html
    assert row_count(db.session) == before
    assert _confirm(staff, html).status_code == 302
    assert row_count(db.session) == before + 4  # the essay imports too (issue #17)
    assert _question("web-capital").lesson_id == lesson_by_number(db.session, 1, "curso").id


def test_reimporting_the_same_gift_file_updates_not_duplicates(staff):
    _confirm(staff, _upload(staff, GIFT, "extra.gift").get_data(as_text=True))
    after_first = row_count(db.session)
    html = _upload(staff, GIFT.replace("Madrid", "Lisboa"), "extra.gift").get_data(as_text=True)
    _confirm(staff, html)
    assert row_count(db.session) == after_first
    assert _question("web-capital").version == 2


def test_a_bad_file_writes_nothing_and_shows_file_line_messages(staff):
    before = row_count(db.session)
    response = _upload(staff, GIFT + "\n::Roto::Pregunta rota {=a ~b\n", "bad.gift")
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html or "No se importó nada" in html
    assert "bad.gift:" in html
    assert 'name="token"' not in html
    assert row_count(db.session) == before


def test_a_confirmation_token_of_another_user_is_refused(staff, client, auth, make_user):
    html = _upload(staff, GIFT, "extra.gift").get_data(as_text=True)
    auth.logout()
    other = make_user("instructor")
    auth.login(other.email)
    before = row_count(db.session)
    import re

    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    client.post(
        "/instructor/courses/curso/import/confirm",
        data={"csrf_token": _token(client, "/instructor/"), "token": token},
    )
    assert row_count(db.session) == before


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("yaml", b"questions:"), ("gift", b"$CATEGORY:"), ("csv", b"#separator"), ("apkg", b"PK")],
)
def test_exports_download_a_file(staff, fmt, marker):
    response = staff.get(f"/instructor/courses/curso/export?format={fmt}")
    assert response.status_code == 200
    assert marker in response.data
    assert f'filename="curso.{fmt}"' in response.headers["Content-Disposition"]


def test_a_gift_export_says_what_it_left_out_in_the_file_and_on_the_next_page(staff, course):
    lesson = course.lessons[0]
    add_question(
        db.session,
        lesson,
        normalise_question({"id": "fc-1", "type": "flashcard", "prompt": "F", "back": "B"}),
        utcnow(),
    )
    db.session.commit()
    response = staff.get("/instructor/courses/curso/export?format=gift")
    header = response.get_data(as_text=True).split("\n\n", 1)[0]
    assert header.startswith("// Left out: 1 question(s) GIFT cannot hold")
    assert "// - fc-1: GIFT has no 'flashcard' questions" in header
    page = staff.get("/instructor/").get_data(as_text=True)
    assert "1 question was left out of the GIFT (Moodle) file (it cannot hold it): fc-1." in page
    # A file that holds everything says nothing.
    staff.get("/instructor/courses/curso/export?format=yaml")
    assert "left out" not in staff.get("/instructor/").get_data(as_text=True)


def test_the_index_lists_courses_with_links(staff):
    html = staff.get("/instructor/").get_data(as_text=True)
    assert f"{LESSON_URL}/questions" in html
    assert "/instructor/courses/curso/import" in html


def _instructor_urls(app, question_id: int) -> list[tuple[str, str]]:
    values = {
        "course_slug": "curso",
        "lesson_slug": "clase-1",
        "question_id": question_id,
        "user_id": 1,  # a member id: the course check answers before any lookup
        "answer_id": 1,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/instructor") or rule.endpoint.startswith("dashboard."):
            continue
        path = rule.rule
        for name, value in values.items():
            path = path.replace(f"<{name}>", str(value)).replace(f"<int:{name}>", str(value))
        for method in sorted(rule.methods & {"GET", "POST"}):
            urls.append((method, path))
    return urls


def test_learners_get_403_on_every_instructor_route(app, client, auth, make_user, course, enrol):
    learner = make_user("learner")
    enrol(learner, course.slug)
    auth.login(learner.email)
    token = _token(client, "/")
    urls = _instructor_urls(app, _question("l1-q1").id)
    assert len(urls) >= 15
    for method, path in urls:
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 403, (method, path)


def test_anonymous_visitors_are_sent_to_log_in(client, course):
    response = client.get("/instructor/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
