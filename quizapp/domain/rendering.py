"""Render author and learner Markdown to HTML that is safe to put on any page: text,
tables, links, highlighted code, MathML formulas and the course's own images and audio."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from quizapp.domain import media_refs
from quizapp.domain.code_highlight import HIGHLIGHT_CLASS, TOKEN_CLASSES, highlight_code
from quizapp.domain.math_markup import (
    MATHML_ATTRIBUTES,
    MATHML_TAGS,
    FormulaError,
    keep_mathml_value,
    latex_to_mathml,
)
from quizapp.domain.slugs import slugify, unique_slug

# What a preview tells the author about a source (codes; the views word them).
INVALID_MATH = "invalid_math"
IMAGE_WITHOUT_ALT = "image_without_alt"
IMAGE_NOT_IN_MEDIA = "image_not_in_media"


@dataclass(frozen=True)
class ContentWarning:
    code: str
    detail: str


@dataclass(frozen=True)
class Rendered:
    html: str
    warnings: tuple[ContentWarning, ...]


def _build_markdown() -> MarkdownIt:
    # js-default: CommonMark plus tables and strikethrough, raw HTML off, so
    # `<script>` in a source is shown as text before the sanitiser even runs.
    md = MarkdownIt(
        "js-default", {"linkify": True, "typographer": False, "highlight": highlight_code}
    )
    # Fuzzy links would turn "app.py" (.py is a real TLD) into http://app.py in a
    # Python course; only links written with a scheme or "www." are linkified.
    md.linkify.set({"fuzzy_link": False})
    # No space inside the dollars and no digit right outside them: "cuesta $5 y $10" and
    # a shell prompt "$ flask run" stay text, as in Pandoc.
    dollarmath_plugin(
        md, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True
    )
    md.add_render_rule("math_inline", _math_rule(display=False))
    md.add_render_rule("math_inline_double", _math_rule(display=True))
    md.add_render_rule("math_block", _math_rule(display=True))
    md.add_render_rule("image", _render_image)
    md.add_render_rule("table_open", _render_table_open)
    return md


def _warn(env: dict, code: str, detail: str) -> None:
    env.setdefault("warnings", []).append(ContentWarning(code, detail))


def _math_rule(display: bool):
    def render(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        source = tokens[idx].content
        try:
            html = latex_to_mathml(source, display)
        except FormulaError as error:
            _warn(env, INVALID_MATH, f"{source.strip()[:80]}: {error}")
            # Shown as the author wrote it, so the mistake is visible and nothing breaks.
            html = f"<code>{escapeHtml(source.strip())}</code>"
        return f"{html}\n" if tokens[idx].block else html

    return render


def _render_image(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env).strip()
    source = token.attrGet("src") or ""
    name = media_refs.name_in_source(str(source))
    if name is None:
        # Only the course's own media are embedded (others would load from anywhere and
        # tell that site who reads the lesson); the learner still sees the text as a link.
        _warn(env, IMAGE_NOT_IN_MEDIA, str(source)[:120])
        return f'<a href="{escapeHtml(str(source))}">{escapeHtml(alt or str(source))}</a>'
    if not alt:
        _warn(env, IMAGE_WITHOUT_ALT, name)
    url = escapeHtml(media_refs.media_url(name))
    if media_refs.is_audio(name):
        # A native player: no script, keyboard-operable; the description is its name.
        label = escapeHtml(alt.removeprefix("audio:").strip())
        named = f' aria-label="{label}"' if label else ""
        return f'<audio controls src="{url}"{named}>{label}</audio>'
    title = token.attrGet("title")
    title_attribute = f' title="{escapeHtml(str(title))}"' if title else ""
    return f'<img src="{url}" alt="{escapeHtml(alt)}"{title_attribute}>'


def _render_table_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return f'<table class="{TABLE_CLASS}">'


_MD = _build_markdown()

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

_TEXT_TAGS = frozenset(
    {"p", "br", "strong", "em", "s", "code", "pre", "blockquote", "hr", "a", "span"}
)
_LIST_TAGS = frozenset({"ul", "ol", "li"})
_TABLE_TAGS = frozenset({"table", "thead", "tbody", "tr", "th", "td"})
_MEDIA_TAGS = frozenset({"img", "audio"})
ALLOWED_TAGS = _TEXT_TAGS | _LIST_TAGS | _TABLE_TAGS | _HEADINGS | _MEDIA_TAGS | MATHML_TAGS
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "table": {"class"},
    "ol": {"start"},
    "img": {"src", "alt", "title"},
    "audio": {"src", "aria-label"},
    **{heading: {"id"} for heading in _HEADINGS},
    **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Rendered tables are Bootstrap tables with borders (a Markdown table has no other class).
TABLE_CLASS = "table table-bordered table-sm w-auto"

# Fenced code gets class="language-python"; any other class could borrow the
# page's own styles (a fake "alert" or "btn"), so only that shape survives.
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag in MATHML_TAGS:
        return keep_mathml_value(attribute, value)
    if attribute == "class":
        return _keep_class(tag, value)
    if attribute == "src":
        # Only the media route: an <img> or <audio> pointing anywhere else is dropped.
        name = media_refs.name_in_source(value)
        return media_refs.media_url(name) if name else None
    return value


def _keep_class(tag: str, value: str) -> str | None:
    names = value.split()
    if tag == "code":
        kept = [name for name in names if _LANGUAGE_CLASS.fullmatch(name)][:1]
    elif tag == "span":
        kept = [name for name in names if name in TOKEN_CLASSES][:1]
    elif tag == "pre":
        kept = [name for name in names if name == HIGHLIGHT_CLASS]
    elif tag == "table":
        kept = names if value == TABLE_CLASS else []
    else:
        kept = []
    return " ".join(kept) or None


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    attribute_filter=_keep_attribute,
    set_tag_attribute_values={"audio": {"controls": "", "preload": "metadata"}},
    strip_comments=True,
)


def render_markdown(text: str, heading_anchors: bool = False, top_heading: int = 0) -> str:
    """Render Markdown to sanitised HTML (see `render_content`)."""
    return render_content(text, heading_anchors, top_heading).html


def content_warnings(text: str) -> tuple[ContentWarning, ...]:
    """What the editor preview tells the author: formulas that are not valid LaTeX, images
    without alt text, images that are not the course's media."""
    return render_content(text).warnings


@lru_cache(maxsize=1024)
def render_content(text: str, heading_anchors: bool = False, top_heading: int = 0) -> Rendered:
    """Render Markdown to sanitised HTML, with the warnings met on the way.

    With `heading_anchors`, every heading gets an `id` equal to its slugified text,
    de-duplicated with -2, -3…, the same anchors `section_anchors` lists, so a
    question's `section` can link to the part of the lesson it tests.
    With `top_heading`, headings move so the shallowest becomes that level: a lesson's
    `###` sections sit under the page's <h1> as <h2> (no skipped heading levels).
    Results are cached: the same prompts and notes are rendered on every quiz page, and
    rendering plus sanitising is the most expensive part of those pages.
    """
    env: dict = {}
    tokens = _MD.parse(text or "", env)
    if heading_anchors:
        for token, (anchor, _title) in zip(
            _heading_opens(tokens), _anchors_for(tokens), strict=True
        ):
            token.attrSet("id", anchor)
    if top_heading:
        _shift_headings(tokens, top_heading)
    html = _MD.renderer.render(tokens, _MD.options, env)
    return Rendered(_CLEANER.clean(html), tuple(env.get("warnings", ())))


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


@lru_cache(maxsize=4096)
def plain_text(markdown: str) -> str:
    """A Markdown snippet as one line of plain text for tables and labels: the visible
    words of its paragraphs and headings, markup dropped (`code` loses its backticks, a
    `______` blank stays). Cached: a question table labels hundreds of prompts per page
    and parsing them was most of the instructor dashboard's rendering."""
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
