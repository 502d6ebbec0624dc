"""Foreign rich text (Moodle's text formats, Anki's HTML fields) to QuizApp Markdown and back.

QuizApp stores Markdown and renders it without raw HTML, so HTML from another system is
sanitised (nh3: no script, no event handlers) and then converted to Markdown (markdownify)
instead of being kept as tags that would show up as text."""

from __future__ import annotations

import html
import re
import warnings
from functools import cache

import nh3

# Moodle's names for the format of a text (`format="..."` on questiontext, feedback…).
HTML = "html"
MARKDOWN = "markdown"
PLAIN = "plain_text"
AUTO = "moodle_auto_format"

_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_BLANK_LINES = re.compile(r"\n\s*\n")


@cache
def _converter_class() -> type:
    """markdownify (and the BeautifulSoup under it, ~4 MB per process) loads with the first
    foreign text converted, not in every web worker, which never converts one."""
    from markdownify import MarkdownConverter

    class Converter(MarkdownConverter):
        """Markdown as our editor writes it: `#` headings, `-` bullets, backslash line
        breaks (trailing double spaces would be invisible and easily lost)."""

        def __init__(self) -> None:
            super().__init__(heading_style="ATX", bullets="-", newline_style="backslash")

    return Converter


def html_to_markdown(text: str) -> str:
    """Sanitised HTML as Markdown; images and links keep their (relative) URLs and alt text."""
    if not text or not text.strip():
        return ""
    clean = nh3.clean(text, url_schemes={"http", "https", "mailto", "data"})
    converter = _converter_class()()
    from bs4 import MarkupResemblesLocatorWarning  # loaded with markdownify, just above

    with warnings.catch_warnings():
        # A field that is just "dog.png" or a URL is content here, not a mistaken path.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        markdown = converter.convert(clean)
    return _BLANK_LINES.sub("\n\n", markdown).strip()


def plain_to_markdown(text: str) -> str:
    """Plain text shown as written: Markdown's special characters are escaped."""
    paragraphs = [p for p in _BLANK_LINES.split(text.strip()) if p.strip()]
    as_html = "".join(
        f"<p>{html.escape(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs
    )
    return html_to_markdown(as_html)


def to_markdown(text: str | None, text_format: str | None) -> str:
    """A Moodle text in its declared format as Markdown (an unknown format is read as HTML,
    Moodle's default; auto-format is plain text unless it holds tags, as Moodle treats it)."""
    if text is None:
        return ""
    fmt = (text_format or HTML).strip().lower()
    if fmt == MARKDOWN:
        return text  # kept exactly: our own export writes Markdown, and reads it back as is
    if fmt in (PLAIN, AUTO) and not _TAG.search(text):
        return plain_to_markdown(text)
    return html_to_markdown(text)


def html_to_plain(text: str) -> str:
    """Text of short answers and drop-down options, which are compared without markup."""
    return html.unescape(_TAG.sub("", text)).strip()
