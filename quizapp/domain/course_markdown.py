"""Split a course Markdown document into its title, description and lessons ("clases")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

from quizapp.domain.rendering import inline_text
from quizapp.domain.slugs import slugify

# CommonMark, not the rendering preset: only the block structure matters here, and
# the token stream means a "# " inside a fenced or indented code block is not a heading.
_MD = MarkdownIt("commonmark")

# "Clase 3 ¿Qué es Flask?", "Clase 10: Rutas", "Clase 4 - Plantillas".
_NUMBERED_HEADING = re.compile(r"^clase\s+(\d+)(?![\w])[\s.:\-–—]*(.*)$", re.IGNORECASE)

# Text allowed between the links of a table of contents ("[a](#a) | [b](#b)").
_TOC_SEPARATORS = frozenset(" \t|·•-–—,;/")

# A heading or bold paragraph with one of these texts introduces a table of contents.
_TOC_LABELS_ES = frozenset({"contenido", "contenidos", "indice", "tabla-de-contenidos", "temario"})
_TOC_LABELS = _TOC_LABELS_ES | {"contents", "table-of-contents"}


class SourceError(NamedTuple):
    """One problem in a source file, printed the way editors jump to it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedLesson:
    number: int
    slug: str
    title: str
    body_markdown: str
    line: int


@dataclass(frozen=True)
class ParsedCourse:
    title: str
    description: str
    lessons: list[ParsedLesson] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)


@dataclass(frozen=True)
class _Block:
    """A top-level block: its opening token, every token inside it, and its lines."""

    tokens: list[Token]
    start: int  # 0-based first line
    end: int  # 0-based line after the block

    @property
    def kind(self) -> str:
        return self.tokens[0].type.removesuffix("_open")

    @property
    def tag(self) -> str:
        return self.tokens[0].tag

    @property
    def inlines(self) -> list[Token]:
        return [token for token in self.tokens if token.type == "inline"]


def parse_course_markdown(text: str, filename: str) -> ParsedCourse:
    """Parse a course file: `# ` is the course title, each `## ` starts a lesson.

    Never raises on bad content: problems come back in `errors` so an importer can
    report every one of them and refuse the whole file.
    """
    source = _normalise_newlines(text)
    lines = source.split("\n")
    blocks = _top_level_blocks(_MD.parse(source))
    errors: list[SourceError] = []

    titles = [block for block in blocks if block.kind == "heading" and block.tag == "h1"]
    lesson_heads = [block for block in blocks if block.kind == "heading" and block.tag == "h2"]
    title = inline_text(titles[0].inlines[0]) if titles else ""
    if not titles:
        errors.append(SourceError(filename, 1, "missing course title: no `# ` heading"))
    for extra in titles[1:]:
        errors.append(
            SourceError(filename, extra.start + 1, "a course file has only one `# ` heading")
        )
    if not lesson_heads:
        line = titles[0].start + 1 if titles else 1
        errors.append(SourceError(filename, line, "no lessons: no `## ` heading"))

    first_lesson = lesson_heads[0].start if lesson_heads else len(lines)
    preamble = [block for block in blocks if block.start < first_lesson]
    description = _description(lines[:first_lesson], preamble, titles[:1])
    lessons = _lessons(lines, lesson_heads, filename, errors)
    errors.sort(key=lambda error: error.line)
    return ParsedCourse(title=title, description=description, lessons=lessons, errors=errors)


def _normalise_newlines(text: str) -> str:
    # markdown-it normalises newlines itself; doing it first keeps our line
    # slicing in step with token.map. A BOM would otherwise hide the first "# ".
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _top_level_blocks(tokens: list[Token]) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[Token] = []
    for token in tokens:
        current.append(token)
        if token.level == 0 and token.nesting <= 0:
            opening = current[0]
            start, end = opening.map if opening.map else (0, 0)
            blocks.append(_Block(tokens=current, start=start, end=end))
            current = []
    return blocks


def _description(lines: list[str], preamble: list[_Block], titles: list[_Block]) -> str:
    """Markdown before the first lesson, minus the course title and any table of contents."""
    skipped = {id(block) for block in titles}
    for index, block in enumerate(preamble):
        if _is_toc_block(block):
            skipped.add(id(block))
            if index > 0 and _is_toc_label(preamble[index - 1]):
                skipped.add(id(preamble[index - 1]))
    hidden: set[int] = set()
    for block in preamble:
        if id(block) in skipped:
            hidden.update(range(block.start, block.end))
    kept = [line for number, line in enumerate(lines) if number not in hidden]
    return _collapse_blank_lines(kept)


def _collapse_blank_lines(lines: list[str]) -> str:
    # Removing the TOC leaves gaps; one blank line keeps paragraphs apart just as well.
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    return "\n".join(out).rstrip()


def _is_toc_block(block: _Block) -> bool:
    if block.kind not in ("paragraph", "bullet_list", "ordered_list"):
        return False
    inlines = block.inlines
    return bool(inlines) and all(_is_link_only(inline) for inline in inlines)


def _is_link_only(inline: Token) -> bool:
    depth = 0
    links = 0
    for child in inline.children or []:
        if child.type == "link_open":
            depth += 1
            links += 1
        elif child.type == "link_close":
            depth -= 1
        elif depth == 0 and not _is_separator(child):
            return False
    return links > 0


def _is_separator(token: Token) -> bool:
    if token.type in ("softbreak", "hardbreak"):
        return True
    return token.type == "text" and set(token.content) <= _TOC_SEPARATORS


def _is_toc_label(block: _Block) -> bool:
    if block.kind not in ("paragraph", "heading") or len(block.inlines) != 1:
        return False
    return slugify(inline_text(block.inlines[0])) in _TOC_LABELS


def _lessons(
    lines: list[str], heads: list[_Block], filename: str, errors: list[SourceError]
) -> list[ParsedLesson]:
    lessons: list[ParsedLesson] = []
    seen_numbers: dict[int, ParsedLesson] = {}
    seen_slugs: dict[str, ParsedLesson] = {}
    highest = 0  # kept as we go: max(seen_numbers) per heading would be quadratic
    for index, head in enumerate(heads):
        end = heads[index + 1].start if index + 1 < len(heads) else len(lines)
        heading = inline_text(head.inlines[0])
        number, title = _split_heading(heading, highest + 1)
        highest = max(highest, number)
        lesson = ParsedLesson(
            number=number,
            slug=slugify(heading),
            title=title,
            body_markdown=_strip_blank_edges(lines[head.end : end]),
            line=head.start + 1,
        )
        errors.extend(_lesson_errors(lesson, seen_numbers, seen_slugs, filename))
        seen_numbers.setdefault(number, lesson)
        seen_slugs.setdefault(lesson.slug, lesson)
        lessons.append(lesson)
    return lessons


def _split_heading(heading: str, next_number: int) -> tuple[int, str]:
    """`Clase 3 ¿Qué es Flask?` -> (3, '¿Qué es Flask?'); other headings take `next_number`."""
    match = _NUMBERED_HEADING.match(heading)
    if not match:
        return next_number, heading
    return int(match.group(1)), match.group(2).strip() or heading


def _lesson_errors(
    lesson: ParsedLesson,
    seen_numbers: dict[int, ParsedLesson],
    seen_slugs: dict[str, ParsedLesson],
    filename: str,
) -> list[SourceError]:
    found: list[SourceError] = []
    if not lesson.slug:
        found.append(SourceError(filename, lesson.line, "lesson heading has no letters or digits"))
    if lesson.number in seen_numbers:
        first = seen_numbers[lesson.number]
        message = f"duplicate lesson number {lesson.number} (first used on line {first.line})"
        found.append(SourceError(filename, lesson.line, message))
    if lesson.slug and lesson.slug in seen_slugs:
        first = seen_slugs[lesson.slug]
        message = f"duplicate lesson slug '{lesson.slug}' (first used on line {first.line})"
        found.append(SourceError(filename, lesson.line, message))
    return found


def _strip_blank_edges(lines: list[str]) -> str:
    # Only whole blank lines go: leading indentation may be an indented code block.
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])
