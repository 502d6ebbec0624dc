"""Specifications for formulas, highlighted code, tables and media in rendered Markdown:
MathML and classes made on the server, nothing a browser would run or style inline."""

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.code_highlight import stylesheet
from quizapp.domain.rendering import (
    IMAGE_NOT_IN_MEDIA,
    IMAGE_WITHOUT_ALT,
    INVALID_MATH,
    content_warnings,
    render_markdown,
)

PNG = "a" * 64 + ".png"
MP3 = "b" * 64 + ".mp3"
STATIC_CSS = Path(__file__).parents[2] / "quizapp" / "static" / "css" / "pygments.css"


def test_inline_math_becomes_mathml():
    html = render_markdown("La energía es $E=mc^2$.")
    assert '<math display="inline"><mrow><mi>E</mi><mo>=</mo>' in html
    assert "<msup><mi>c</mi><mn>2</mn></msup>" in html


def test_display_math_on_its_own_lines_is_a_block():
    html = render_markdown("$$\n\\frac{a}{b}\n$$")
    assert html.startswith('<math display="block">')
    assert "<mfrac>" in html


def test_double_dollars_inside_a_paragraph_are_displayed():
    assert '<math display="block">' in render_markdown("Sea $$x^2$$ el área.")


def test_prices_and_shell_prompts_stay_text():
    assert "<math" not in render_markdown("Cuesta $5 y luego $10.")
    assert "<math" not in render_markdown("Escribe $ flask run $ en la terminal.")


def test_dollars_in_inline_code_are_code():
    assert render_markdown("`echo $HOME$`") == "<p><code>echo $HOME$</code></p>\n"


def test_invalid_latex_is_shown_as_code_with_a_warning():
    text = "Mal: $\\frac{1}{$ aquí"
    assert render_markdown(text) == "<p>Mal: <code>\\frac{1}{</code> aquí</p>\n"
    (warning,) = content_warnings(text)
    assert warning.code == INVALID_MATH
    assert warning.detail.startswith("\\frac{1}{:")


def test_macro_definitions_are_refused_not_expanded():
    text = "$\\def\\a{\\a\\a}\\a$"
    assert "<math" not in render_markdown(text)
    assert [w.code for w in content_warnings(text)] == [INVALID_MATH]
    assert "macro" in content_warnings(text)[0].detail


def test_a_deeply_nested_formula_is_a_warning():
    text = "$" + "{" * 1500 + "x$"
    assert "<code>" in render_markdown(text)
    assert content_warnings(text)[0].code == INVALID_MATH


def test_links_styles_and_colour_urls_in_formulas_are_dropped():
    html = render_markdown(
        "$\\href{javascript:alert(1)}{\\text{enlace}}$ $\\style{color:red}{x}$ "
        "$\\color{url(javascript:alert(1))}{y}$ $\\color{red}{z}$"
    )
    assert "javascript" not in html
    assert "href" not in html
    assert "style=" not in html
    assert "<mtext>enlace</mtext>" in html
    assert 'mathcolor="red"' in html


def test_markup_inside_text_in_a_formula_stays_text():
    html = render_markdown("$\\text{<script>alert(1)</script><img src=x onerror=alert(1)>}$")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("$\\{}^_ax1&<>[]()!`\n"), max_size=60))
def test_any_dollar_soup_renders_without_raising(text):
    html = render_markdown(text)
    assert "<script" not in html


def test_fenced_code_is_highlighted_with_classes_only():
    html = render_markdown("```python\ndef saludo():\n    return 'hola'  # hola\n```")
    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert '<span class="c1"># hola</span>' in html
    assert "style=" not in html


def test_code_in_an_unknown_language_is_escaped_plain_code():
    html = render_markdown("```nolang\n<b>x</b>\n```")
    assert html == '<pre><code class="language-nolang">&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n'


def test_the_served_stylesheet_is_the_formatters():
    assert STATIC_CSS.read_text("utf-8") == stylesheet()
    assert ".highlight .k {" in stylesheet()


def test_tables_are_bordered_bootstrap_tables_without_inline_alignment():
    html = render_markdown("| a | b |\n|--:|:-:|\n| 1 | 2 |")
    assert '<table class="table table-bordered table-sm w-auto">' in html
    assert "style" not in html


def test_a_media_image_is_embedded_from_the_media_route():
    html = render_markdown(f'![Diagrama de una petición](media:{PNG} "Petición")')
    assert html == (
        f'<p><img src="/media/{PNG}" alt="Diagrama de una petición" title="Petición"></p>\n'
    )
    assert content_warnings(f"![Diagrama](media:{PNG})") == ()


def test_the_stored_url_works_as_a_source_too():
    assert f'<img src="/media/{PNG}" alt="x">' in render_markdown(f"![x](/media/{PNG})")


def test_an_image_without_alt_text_warns():
    assert 'alt=""' in render_markdown(f"![](media:{PNG})")
    assert [w.code for w in content_warnings(f"![](media:{PNG})")] == [IMAGE_WITHOUT_ALT]


def test_an_image_from_elsewhere_is_a_link_with_a_warning():
    html = render_markdown("![logo](https://example.com/logo.png)")
    assert "<img" not in html
    assert 'href="https://example.com/logo.png"' in html
    assert [w.code for w in content_warnings("![logo](https://x.test/a.png)")] == [
        IMAGE_NOT_IN_MEDIA
    ]


def test_a_media_name_that_is_not_a_stored_name_is_not_embedded():
    for source in ("media:../../etc/passwd", "media:logo.png", f"/media/{PNG}/../x"):
        assert "<img" not in render_markdown(f"![x]({source})"), source


def test_audio_plays_in_a_native_player():
    html = render_markdown(f"![audio: Pronunciación de «hola»](media:{MP3})")
    attributes = dict(re.findall(r'(\S+)="([^"]*)"', html))
    assert attributes == {
        "src": f"/media/{MP3}",
        "aria-label": "Pronunciación de «hola»",
        "preload": "metadata",
        "controls": "",
    }
    assert html.startswith("<p><audio ")
    assert html.endswith(">Pronunciación de «hola»</audio></p>\n")


def test_media_inside_a_table_and_a_formula_beside_it():
    html = render_markdown(f"| imagen | fórmula |\n|---|---|\n| ![gato](media:{PNG}) | $x_1$ |")
    assert f'<td><img src="/media/{PNG}" alt="gato"></td>' in html
    assert "<msub>" in html
