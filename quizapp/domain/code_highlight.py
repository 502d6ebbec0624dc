"""Fenced code coloured on the server with Pygments: spans with Pygments' short class names
(styled by the static stylesheet quizapp/static/css/pygments.css), never inline styles."""

from __future__ import annotations

from html import escape

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

# The class of the <pre> that holds highlighted code; the stylesheet is scoped under it.
HIGHLIGHT_CLASS = "highlight"
STYLE = "default"
# Past this, code is shown uncoloured: Pygments' lexers are regular expressions and a huge
# block is not worth the time of every page that shows it.
MAX_HIGHLIGHTED_CHARACTERS = 20_000
# Every class Pygments can put on a span; the sanitiser keeps these and nothing else, so
# Markdown cannot borrow the page's own classes ("btn", "alert").
TOKEN_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name)

_FORMATTER = HtmlFormatter(nowrap=True, style=STYLE)


def highlight_code(code: str, language: str, _attributes: str = "") -> str:
    """markdown-it's `highlight` hook: a whole <pre> for a language Pygments knows, or ""
    (markdown-it then writes the escaped code itself)."""
    if not language or len(code) > MAX_HIGHLIGHTED_CHARACTERS:
        return ""
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return ""
    body = highlight(code, lexer, _FORMATTER)
    return (
        f'<pre class="{HIGHLIGHT_CLASS}"><code class="language-{escape(language)}">'
        f"{body}</code></pre>"
    )


def stylesheet() -> str:
    """The CSS the static file holds (tests/domain keep the file equal to it)."""
    return _FORMATTER.get_style_defs(f".{HIGHLIGHT_CLASS}") + "\n"
