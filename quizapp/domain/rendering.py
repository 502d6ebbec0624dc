"""Render author and learner Markdown to HTML that is safe to put on any page."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from quizapp.domain.slugs import slugify, unique_slug


def _build_markdown() -> MarkdownIt:
    # js-default: CommonMark plus tables and strikethrough, raw HTML off, so
    # `<script>` in a source is shown as text before the sanitiser even runs.
    md = MarkdownIt("js-default", {"linkify": True, "typographer": False})
    # Fuzzy links would turn "app.py" (.py is a real TLD) into http://app.py in a
    # Python course; only links written with a scheme or "www." are linkified.
    md.linkify.set({"fuzzy_link": False})
    # Images are not allowed in the output; without this rule `![alt](src)` would
    # vanish entirely, with it the learner still sees the alt text as a link.
    md.disable("image")
    return md


_MD = _build_markdown()

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

_TEXT_TAGS = frozenset({"p", "br", "strong", "em", "s", "code", "pre", "blockquote", "hr", "a"})
_LIST_TAGS = frozenset({"ul", "ol", "li"})
_TABLE_TAGS = frozenset({"table", "thead", "tbody", "tr", "th", "td"})
ALLOWED_TAGS = _TEXT_TAGS | _LIST_TAGS | _TABLE_TAGS | _HEADINGS
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "ol": {"start"},
    **{heading: {"id"} for heading in _HEADINGS},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# Fenced code gets class="language-python"; any other class could borrow the
# page's own styles (a fake "alert" or "btn"), so only that shape survives.
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")


def _keep_language_class(tag: str, attribute: str, value: str) -> str | None:
    if tag == "code" and attribute == "class":
        languages = [name for name in value.split() if _LANGUAGE_CLASS.fullmatch(name)]
        return languages[0] if languages else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    attribute_filter=_keep_language_class,
    strip_comments=True,
)


@lru_cache(maxsize=1024)
def render_markdown(text: str, heading_anchors: bool = False, top_heading: int = 0) -> str:
    """Render Markdown to sanitised HTML.

    With `heading_anchors`, every heading gets an `id` equal to its slugified text,
    de-duplicated with -2, -3…, the same anchors `section_anchors` lists, so a
    question's `section` can link to the part of the lesson it tests.
    With `top_heading`, headings move so the shallowest becomes that level: a lesson's
    `###` sections sit under the page's <h1> as <h2> (no skipped heading levels).
    Results are cached: the same prompts and notes are rendered on every quiz page, and
    rendering plus sanitising is the most expensive part of those pages.
    """
    env: dict[str, object] = {}
    tokens = _MD.parse(text or "", env)
    if heading_anchors:
        for token, (anchor, _title) in zip(
            _heading_opens(tokens), _anchors_for(tokens), strict=True
        ):
            token.attrSet("id", anchor)
    if top_heading:
        _shift_headings(tokens, top_heading)
    html = _MD.renderer.render(tokens, _MD.options, env)
    return _CLEANER.clean(html)


def _shift_headings(tokens: list[Token], top_heading: int) -> None:
    levels = [int(t.tag[1]) for t in tokens if t.type in ("heading_open", "heading_close")]
    if not levels:
        return
    shift = top_heading - min(levels)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, max(1, int(token.tag[1]) + shift))}"


def section_anchors(text: str) -> list[tuple[str, str]]:
    """List `(anchor, title)` for every heading in `text`, in document order."""
    return _anchors_for(_MD.parse(text or ""))


def _heading_opens(tokens: list[Token]) -> list[Token]:
    return [token for token in tokens if token.type == "heading_open"]


def _anchors_for(tokens: list[Token]) -> list[tuple[str, str]]:
    taken: set[str] = set()
    counters: dict[str, int] = {}
    anchors: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        title = inline_text(tokens[index + 1])
        anchors.append((unique_slug(slugify(title), taken, counters=counters), title))
    return anchors


def plain_text(markdown: str) -> str:
    """A Markdown snippet as one line of plain text for tables and labels: the visible
    words of its paragraphs and headings, markup dropped (`code` loses its backticks, a
    `______` blank stays)."""
    tokens = _MD.parse(markdown or "")
    return " ".join(inline_text(token) for token in tokens if token.type == "inline")


def inline_text(inline: Token) -> str:
    """Visible text of a heading: markup dropped, whitespace collapsed."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())
