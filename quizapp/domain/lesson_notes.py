"""Read a lesson's Markdown notes into sections, text blocks, lists, tables and sentences,
with the paragraph anchors the rendered lesson uses, for drafting and coverage."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from quizapp.domain.rendering import section_anchors

# The rendering preset (tables, bare-URL links), so headings and blocks line up with
# what `render_markdown` shows and `section_anchors` names.
_MD = MarkdownIt("js-default", {"linkify": True, "typographer": False})
_MD.linkify.set({"fuzzy_link": False})

_TRAILING_VERB = re.compile(r"(?<=\S)\s+(?:son|es|están|está|incluyen|are|is|include)$", re.I)
_LIST_OPENS = ("bullet_list_open", "ordered_list_open")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[¿¡\"«(A-ZÁÉÍÓÚÑ0-9])")
_STOPWORDS = {
    "es": frozenset(
        (
            "el",
            "la",
            "los",
            "las",
            "de",
            "que",
            "y",
            "en",
            "es",
            "un",
            "una",
            "con",
            "para",
            "por",
            "se",
            "del",
        )
    ),
    "en": frozenset(
        ("the", "of", "and", "is", "are", "to", "in", "with", "for", "that", "it", "this")
    ),
}


@dataclass(frozen=True)
class Section:
    """A part of a lesson: the text under a heading, or before the first one (`level` 0,
    anchored by the lesson's own anchor, usually its slug)."""

    anchor: str | None
    title: str | None
    level: int


@dataclass
class TextBlock:
    """A paragraph or list item as plain text, with its bold spans as offsets."""

    text: str
    strong: list[tuple[int, int]]
    section: Section
    paragraph: str  # the block's anchor, `<section>-p-<n>`
    line: int = 0  # 0-based source line, to list drafts in reading order


@dataclass
class ListBlock:
    label: str | None  # the bold line or "…:" paragraph just above, else the heading
    items: list[TextBlock]
    section: Section
    paragraph: str
    line: int = 0


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    section: Section
    paragraph: str
    line: int = 0


@dataclass
class LessonNotes:
    sections: list[Section] = field(default_factory=list)
    blocks: list[TextBlock] = field(default_factory=list)  # paragraphs and list items
    lists: list[ListBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    language: str = "es"
    block_counts: dict[Section, int] = field(default_factory=dict, repr=False)


def paragraph_anchor(section_anchor: str | None, number: int) -> str:
    """`p-<n>` within its section (1-based, paragraphs, lists, tables and code blocks
    counted), so an edit in one section never renames the anchors of another."""
    return f"{section_anchor}-p-{number}" if section_anchor else f"p-{number}"


def read_notes(markdown: str, lesson_anchor: str | None = None) -> LessonNotes:
    """The lesson's sections, text blocks, lists and tables, in document order."""
    text = markdown or ""
    tokens = _MD.parse(text)
    headings = iter(section_anchors(text))
    notes = LessonNotes(sections=[Section(lesson_anchor, None, 0)], language=_language(text))
    label: str | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        section = notes.sections[-1]
        if token.type == "heading_open":
            anchor, title = next(headings)
            notes.sections.append(Section(anchor, title, int(token.tag[1:])))
            label = None
        elif token.type in _LIST_OPENS:
            label, index = None, _read_list(notes, tokens, index, label or section.title)
        elif token.type == "table_open":
            end = _closing(tokens, index)
            table = _table(tokens[index:end], section, _next_anchor(notes, section))
            table.line = _line(token)
            notes.tables.append(table)
            label, index = None, end
        elif token.type in ("fence", "code_block"):
            _next_anchor(notes, section)
        elif token.type == "paragraph_open":
            block = _block(tokens[index + 1], section, _next_anchor(notes, section))
            label = _label_of(block)
            follower = tokens[index + 3] if index + 3 < len(tokens) else None
            if label is None or follower is None or follower.type not in _LIST_OPENS:
                label = None
                notes.blocks.append(_without_label(block))
            index += 2
        index += 1
    return notes


def _read_list(notes: LessonNotes, tokens: list[Token], index: int, label: str | None) -> int:
    """Add the list opening at `index`, its items also as text blocks sharing one anchor;
    returns the index of its closing token."""
    section = notes.sections[-1]
    end = _closing(tokens, index)
    items = [_block(inline, section, "") for inline in _item_inlines(tokens, index, end)]
    anchor = _next_anchor(notes, section)
    for item in items:
        item.paragraph = anchor
    notes.blocks.extend(items)
    notes.lists.append(ListBlock(label, items, section, anchor, _line(tokens[index])))
    return end


def _next_anchor(notes: LessonNotes, section: Section) -> str:
    count = notes.block_counts.get(section, 0) + 1
    notes.block_counts[section] = count
    return paragraph_anchor(section.anchor, count)


def _closing(tokens: list[Token], index: int) -> int:
    opening = tokens[index]
    closing = opening.type.replace("_open", "_close")
    for position in range(index + 1, len(tokens)):
        if tokens[position].type == closing and tokens[position].level == opening.level:
            return position
    return len(tokens) - 1


def _item_inlines(tokens: list[Token], start: int, end: int) -> list[Token]:
    """The first paragraph of every top-level item (nested lists stay inside their item)."""
    depth = tokens[start].level
    found: list[Token] = []
    waiting = False
    for token in tokens[start + 1 : end]:
        if token.type == "list_item_open" and token.level == depth + 1:
            waiting = True
        elif token.type == "inline" and waiting:
            found.append(token)
            waiting = False
    return found


def _table(tokens: list[Token], section: Section, anchor: str) -> Table:
    rows: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(_plain(token)[0].strip())
    return Table(rows[0] if rows else [], rows[1:], section, anchor)


def _block(inline: Token, section: Section, anchor: str) -> TextBlock:
    text, strong = _plain(inline)
    return TextBlock(text, strong, section, anchor, _line(inline))


def _line(token: Token) -> int:
    return token.map[0] if token.map else 0


def _plain(inline: Token) -> tuple[str, list[tuple[int, int]]]:
    """Visible text (bare URLs dropped, hard breaks as newlines) and the bold spans."""
    parts: list[str] = []
    size = 0  # len("".join(parts)), kept as parts grow (summing per child is quadratic)
    strong: list[tuple[int, int]] = []
    opened: list[int] = []
    in_bare_link = False
    for child in inline.children or []:
        if child.type == "link_open" and child.markup == "linkify":
            in_bare_link = True
        elif child.type == "link_close":
            in_bare_link = False
        elif in_bare_link:
            continue
        elif child.type in ("text", "code_inline", "softbreak", "hardbreak"):
            part = {"softbreak": " ", "hardbreak": "\n"}.get(child.type, child.content)
            parts.append(part)
            size += len(part)
        elif child.type == "strong_open":
            opened.append(size)
        elif child.type == "strong_close" and opened:
            strong.append((opened.pop(), size))
    return "".join(parts), sorted(strong)


def _label_of(block: TextBlock) -> str | None:
    """A line that introduces what follows: all bold, or ending in a colon."""
    text = block.text.strip()
    lead = len(block.text) - len(block.text.lstrip())
    bold = any(start <= lead and end >= lead + len(text) for start, end in block.strong)
    if text and len(text) <= 100 and (bold or text.endswith(":")):
        label = text.rstrip(": ").strip()
        # "Algunas diferencias con Django son:" names "Algunas diferencias con Django".
        return _TRAILING_VERB.sub("", label) or None
    return None


def _without_label(block: TextBlock) -> TextBlock:
    """`**Ejemplo:**` on its own line before the text: the label is not a sentence."""
    first_line, newline, rest = block.text.partition("\n")
    if (
        newline
        and block.strong
        and block.strong[0] == (0, len(first_line.rstrip()))
        and (first_line.rstrip().endswith(":"))
    ):
        shift = len(first_line) + 1
        spans = [(s - shift, e - shift) for s, e in block.strong[1:]]
        return TextBlock(rest, spans, block.section, block.paragraph, block.line)
    return block


def _language(text: str) -> str:
    words = re.findall(r"[a-záéíóúñ]+", text.casefold())
    scores = {lang: sum(word in stop for word in words) for lang, stop in _STOPWORDS.items()}
    return "en" if scores["en"] > scores["es"] else "es"


# --- sentences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str
    strong: list[tuple[int, int]]
    block: TextBlock


def sentences(block: TextBlock) -> list[Sentence]:
    found: list[Sentence] = []
    offset = 0
    for line in block.text.split("\n"):
        starts = [0] + [match.end() for match in _SENTENCE_END.finditer(line)]
        ends = [match.start() for match in _SENTENCE_END.finditer(line)] + [len(line)]
        for start, end in zip(starts, ends, strict=True):
            raw = line[start:end]
            lead = len(raw) - len(raw.lstrip())
            text = raw.strip()
            base = offset + start + lead
            # Spans are sorted by start: only those starting inside the sentence are looked at.
            first = bisect_left(block.strong, (base, -1))
            last = bisect_left(block.strong, (base + len(text) + 1, -1))
            spans = [
                (s - base, e - base) for s, e in block.strong[first:last] if e <= base + len(text)
            ]
            if len(text.split()) >= 3:
                found.append(Sentence(text, spans, block))
        offset += len(line) + 1
    return found
