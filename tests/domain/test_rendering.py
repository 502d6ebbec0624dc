"""Specifications for render_markdown and section_anchors: useful HTML, never script."""

import re
from pathlib import Path

import pytest

from quizapp.domain.course_markdown import parse_course_markdown
from quizapp.domain.rendering import render_markdown, section_anchors

DATA = Path(__file__).parent / "data"


@pytest.fixture
def seed_lessons():
    text = (DATA / "seed_course.md").read_text("utf-8")
    return parse_course_markdown(text, "seed_course.md").lessons


def test_seed_lesson_three_list_with_tabs_is_one_list_of_four_items(seed_lessons):
    html = render_markdown(seed_lessons[2].body_markdown)
    assert html.count("<ul>") == 1
    assert html.count("<li>") == 4
    assert "<li>Django trae todo incluido mientras que flask es lo más simple posible.</li>" in html


def test_seed_bold_renders_as_strong(seed_lessons):
    html = render_markdown(seed_lessons[2].body_markdown)
    assert "<strong>Algunas diferencias con Django son:</strong>" in html


def test_seed_bare_url_becomes_a_safe_link(seed_lessons):
    html = render_markdown(seed_lessons[2].body_markdown)
    assert (
        '<a href="http://flask.pocoo.org/extensions/" rel="noopener noreferrer nofollow">'
        "http://flask.pocoo.org/extensions/</a>"
    ) in html


def test_seed_trailing_double_spaces_become_line_breaks(seed_lessons):
    html = render_markdown(seed_lessons[1].body_markdown)
    assert "<strong>Ejemplo:</strong><br>\nCuando utilizamos Google Drive" in html
    assert html.count("<li>") == 3


def test_file_names_are_not_mistaken_for_domains():
    # ".py" is a country TLD; a Python course mentions app.py all the time.
    assert "<a" not in render_markdown("Edita app.py y ejecuta flask run.")


def test_mailto_links_survive():
    html = render_markdown("[escríbenos](mailto:hola@example.com)")
    assert 'href="mailto:hola@example.com"' in html


def test_fenced_code_keeps_only_its_language_class():
    html = render_markdown("```python\nprint('hola')\n```")
    assert '<pre class="highlight"><code class="language-python">' in html


def test_tables_render():
    html = render_markdown("| Flask | Django |\n|---|---|\n| mínimo | todo incluido |")
    assert '<table class="table table-bordered table-sm w-auto">' in html
    assert "<td>todo incluido</td>" in html


def test_images_are_not_embedded():
    html = render_markdown("![logo](https://example.com/logo.png)")
    assert "<img" not in html
    assert "logo" in html


def test_headings_have_no_ids_unless_asked():
    assert render_markdown("### Uno") == "<h3>Uno</h3>\n"


def test_heading_anchors_are_slugified_and_deduplicated():
    html = render_markdown("## ¿Qué es Flask?\n\n### Notas\n\n### Notas", heading_anchors=True)
    assert re.findall(r'id="([^"]+)"', html) == ["que-es-flask", "notas", "notas-2"]


def test_section_anchors_match_rendered_ids():
    text = "### Plantillas Jinja2\n\nTexto\n\n### ¿Qué es un *ORM*?\n\n### Plantillas Jinja2"
    anchors = section_anchors(text)
    assert anchors == [
        ("plantillas-jinja2", "Plantillas Jinja2"),
        ("que-es-un-orm", "¿Qué es un ORM?"),
        ("plantillas-jinja2-2", "Plantillas Jinja2"),
    ]
    ids = re.findall(r'id="([^"]+)"', render_markdown(text, heading_anchors=True))
    assert ids == [anchor for anchor, _title in anchors]


def test_heading_without_letters_gets_a_fallback_anchor():
    assert section_anchors("## ¿?") == [("seccion", "¿?")]


def test_hash_in_code_block_is_not_a_section():
    assert section_anchors("```\n# no\n```\n\n## Sí") == [("si", "Sí")]


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">clic</a>',
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[clic](javascript&colon;alert(1))",
        "[clic](java&#x09;script:alert(1))",
        "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        '![x](https://example.com/x.png "a" onerror=alert(1))',
        '<svg onload="alert(1)">',
        '<iframe src="https://evil.example"></iframe>',
        "[clic][ref]\n\n[ref]: javascript:alert(1)",
        '<http://example.com/" onmouseover="alert(1)>',
        "```html\n<script>alert(1)</script>\n```",
        "| a |\n|---|\n| <script>alert(1)</script> |",
        '```"onmouseover="alert(1)\nx\n```',
        "## <script>alert(1)</script>",
    ],
)
def test_xss_attempts_never_survive(attack):
    html = render_markdown(attack, heading_anchors=True)
    # Only real tags matter: escaped source text ("&lt;script&gt;") is harmless.
    tags = " ".join(re.findall(r"<[^>]*>", html)).lower()
    for dangerous in ("<script", "<img", "<svg", "<iframe", "javascript:", "data:", "src="):
        assert dangerous not in tags
    assert not re.search(r"\son\w+\s*=", tags)


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown('<b onclick="x()">hola</b>')
    assert html == '<p>&lt;b onclick="x()"&gt;hola&lt;/b&gt;</p>\n'


def test_links_get_rel_noopener_noreferrer_nofollow():
    html = render_markdown("[Flask](https://flask.palletsprojects.com)")
    assert 'rel="noopener noreferrer nofollow"' in html
