"""Formulas and highlighted code through the web client: the lesson page and the editor
preview (with its warnings) use the one renderer; the Pygments stylesheet is a static file."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Lesson
from tests.conftest import csrf_token_from

NOTES = """### Fórmulas

La energía es $E=mc^2$ y el área

$$
A = \\pi r^2
$$

```python
@app.route("/")
def inicio():
    return "hola"
```
"""


@pytest.fixture
def staff(client, login_as, bundled_course):
    login_as("instructor")
    return client


def test_a_lesson_shows_mathml_and_highlighted_code(client, bundled_course):
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.number == 1))
    lesson.body_md = NOTES
    db.session.commit()
    html = client.get(f"/courses/curso-flask/{lesson.slug}").get_data(as_text=True)
    assert '<math display="inline"><mrow><mi>E</mi>' in html
    assert '<math display="block">' in html
    assert '<pre class="highlight"><code class="language-python">' in html
    assert '<span class="nd">@app</span>' in html
    assert 'href="/static/css/pygments.css"' in html


def test_the_pygments_stylesheet_is_served_as_a_static_file(client):
    response = client.get("/static/css/pygments.css")
    body = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert ".highlight .k" in body


def test_the_preview_shows_invalid_latex_as_code_with_a_warning(staff):
    token = csrf_token_from(staff.get("/instructor/").get_data(as_text=True))
    response = staff.post(
        "/instructor/preview",
        data={"csrf_token": token, "text": "Bien: $x^2$. Mal: $\\frac{1}{$"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith('<div class="alert alert-warning" role="status">')
    assert "This formula is not valid LaTeX, so it is shown as code: \\frac{1}{:" in html
    assert "<code>\\frac{1}{</code>" in html
    assert "<msup>" in html


def test_the_preview_warns_in_spanish_about_an_image_without_alt(staff):
    token = csrf_token_from(staff.get("/instructor/").get_data(as_text=True))
    name = "c" * 64 + ".png"
    response = staff.post(
        "/instructor/preview",
        data={"csrf_token": token, "text": f"![](media:{name})"},
        headers={"Accept-Language": "es"},
    )
    html = response.get_data(as_text=True)
    assert "no tiene descripción (texto alternativo)" in html
    assert f'<img src="/media/{name}" alt="">' in html


def test_a_clean_preview_has_no_warning_box(staff):
    token = csrf_token_from(staff.get("/instructor/").get_data(as_text=True))
    html = staff.post("/instructor/preview", data={"csrf_token": token, "text": "$a+b$"})
    assert "alert" not in html.get_data(as_text=True)


def test_the_lesson_editor_preview_without_javascript_warns_too(staff):
    path = "/instructor/courses/curso-flask/lessons/clase-1-introduccion/edit"
    token = csrf_token_from(staff.get(path).get_data(as_text=True))
    response = staff.post(
        path,
        data={"csrf_token": token, "title": "Introducción", "body_md": "$\\left($", "preview": "y"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "is not valid LaTeX" in response.get_data(as_text=True)
