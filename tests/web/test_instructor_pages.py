"""The instructor's question pages on a small course built for the test: where coverage
and drafts are reached from, how prompts read in tables, and the section a question names."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from tests.conftest import csrf_token_from
from tests.factories import make_course, questions_of

NOTES = "Intro.\n\n## Rutas\n\nTexto.\n\n## Plantillas\n\nMás texto.\n"
LESSON_URL = "/instructor/courses/c/lessons/clase-1"


@pytest.fixture
def staff(client, auth, make_user):
    course = make_course(db.session, slug="c", questions_per_lesson=1, body_md=NOTES)
    question = questions_of(db.session, course.lessons[0])[0]
    question.title = None
    question.prompt_md = "¿Qué devuelve `render_template`? Un ______ de **HTML**."
    db.session.commit()
    auth.login(make_user("instructor").email)
    return client


def test_the_lesson_pages_link_to_coverage_and_drafts(staff):
    for page in ("/instructor/", f"{LESSON_URL}/questions"):
        html = staff.get(page).get_data(as_text=True)
        assert f'href="{LESSON_URL}/coverage"' in html, page
        assert f'href="{LESSON_URL}/drafts"' in html, page


def test_the_question_table_shows_the_prompt_as_plain_text(staff):
    html = staff.get(f"{LESSON_URL}/questions").get_data(as_text=True)
    assert "¿Qué devuelve render_template? Un ______ de HTML." in html
    assert "`render_template`" not in html


def test_the_editor_offers_the_lesson_sections(staff):
    html = staff.get(f"{LESSON_URL}/questions/new?type=flashcard").get_data(as_text=True)
    assert 'list="lesson-sections"' in html
    datalist = html.split('<datalist id="lesson-sections">', 1)[1].split("</datalist>", 1)[0]
    assert '<option value="rutas">Rutas</option>' in datalist
    assert '<option value="plantillas">Plantillas</option>' in datalist


@pytest.mark.parametrize(("section", "warned"), [("rutas", False), ("ruts", True), ("", False)])
def test_saving_a_section_that_names_no_heading_warns(staff, section, warned):
    new = f"{LESSON_URL}/questions/new?type=flashcard"
    token = csrf_token_from(staff.get(new).get_data(as_text=True))
    form = {"csrf_token": token, "prompt": "Anverso", "back": "Reverso", "section": section}
    response = staff.post(new, data=form)
    assert response.status_code == 302
    html = staff.get(response.location).get_data(as_text=True)
    assert ("is not a heading of this lesson" in html) is warned
    saved = db.session.scalar(sa.select(Question).where(Question.prompt_md == "Anverso"))
    assert saved.section == (section or None)  # a warning, not a refusal
