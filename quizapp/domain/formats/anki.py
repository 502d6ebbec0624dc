"""Exchange flashcards with Anki: its text-import layout both ways and `.apkg` decks out."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import genanki
import nh3
from markdown_it import MarkdownIt

from quizapp.domain.formats.base import ExportCourse, ParsedFile, WrittenFile
from quizapp.domain.formats.gift_syntax import BLANK, MISSING_WORD
from quizapp.domain.questions.registry import describe_right_answer

Error = tuple[str, int, str]

# Anki's text importer names its separators; a single character is taken literally.
SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}
_HEADER = re.compile(r"#([a-z][a-z ]*):(.*)", re.IGNORECASE)
# The header names Anki writes and reads (Anki's text importer, 2.1.55 and later).
_ANKI_HEADER = re.compile(
    r"#(separator|html|tags|columns|notetype|deck|notetype column|deck column|tags column"
    r"|guid column):",
    re.IGNORECASE,
)
_MODEL_NAME = "QuizApp flashcard"
_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }"
_markdown = MarkdownIt("js-default")


def _stable_id(name: str) -> int:
    """A deck or model id derived from its name, so a re-export updates the same deck.

    genanki suggests ids in [2**30, 2**31); a hash keeps them there and reproducible.
    """
    digest = hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()
    return (1 << 30) + int(digest[:8], 16) % (1 << 30)


def card_id(front: str) -> str:
    """Stable id of an imported card: the same front text is the same card."""
    digest = hashlib.sha1(front.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"anki-{digest[:12]}"


# --- reading -----------------------------------------------------------------------


def read_anki_text(text: str, filename: str) -> tuple[list[dict], list[Error]]:
    """Read Anki's text-import layout (`#separator:`, `#columns:` headers, then rows).

    Columns default to front, back, tags; the separator defaults to tab for `.tsv`
    (and `.txt`) and comma for `.csv`. Fields are kept as written: Markdown or HTML.
    """
    cards, errors = _read_cards(text, filename)
    return [card for card, _ in cards], errors


def read_anki_file(text: str, filename: str) -> ParsedFile:
    """The formats table's Anki text parser: cards with the line of their row."""
    cards, errors = _read_cards(text, filename)
    return ParsedFile(
        questions=cards, errors=[f"{file}:{line}: {message}" for file, line, message in errors]
    )


def looks_like_anki_text(head: bytes) -> bool:
    """Anki's own exports open with `#separator:`/`#html:`… header lines, whatever the
    file is named (Anki names them `.txt`, which GIFT uses too)."""
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    return _ANKI_HEADER.match(first.strip()) is not None


def _read_cards(text: str, filename: str) -> tuple[list[tuple[dict, int]], list[Error]]:
    lines = text.replace("\r\n", "\n").split("\n")
    headers, body_start = _read_headers(lines)
    separator = _separator(headers.get("separator"), filename)
    if separator is None:
        return [], [(filename, 1, f"unknown separator {headers['separator']!r}")]
    layout = _layout(headers, separator)
    common_tags = headers.get("tags", "").split()
    body = "\n".join(lines[body_start:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=separator)
    cards: list[tuple[dict, int]] = []
    errors: list[Error] = []
    seen: dict[str, int] = {}
    previous = 0
    for row in _rows(reader):
        line = body_start + previous + 1
        previous = reader.line_num
        if isinstance(row, csv.Error):
            errors.append((filename, line, f"cannot read the row: {row}"))
            break
        if not any(cell.strip() for cell in row):
            continue
        card, problem = _card(row, layout, common_tags)
        if problem:
            errors.append((filename, line, problem))
        elif card["id"] in seen:
            errors.append((filename, line, f"same front as line {seen[card['id']]}"))
        else:
            seen[card["id"]] = line
            cards.append((card, line))
    return cards, errors


def _rows(reader: Any) -> Iterator[list[str] | csv.Error]:
    """The reader's rows, then the csv.Error that stopped it, if one did (a field over
    csv's 128 KiB limit, a NUL): a `file:line` problem, not a crash."""
    try:
        yield from reader
    except csv.Error as error:
        yield error


def _read_headers(lines: list[str]) -> tuple[dict[str, str], int]:
    """Anki's file headers: `#key:value` lines at the very top of the file."""
    headers: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = _HEADER.fullmatch(line.strip())
        if not match:
            return headers, index
        headers[match.group(1).strip().lower()] = match.group(2).strip()
    return headers, len(lines)


def _separator(name: str | None, filename: str) -> str | None:
    if name is None:
        return "," if filename.lower().endswith(".csv") else "\t"
    if name.lower() in SEPARATORS:
        return SEPARATORS[name.lower()]
    return name if len(name) == 1 else None


def _is_ascii_number(text: str) -> bool:
    # "²".isdigit() is true and int() refuses it; a column number has a few ASCII digits.
    return text.isascii() and text.isdigit() and len(text) <= 6


def _layout(headers: dict[str, str], separator: str) -> dict[str, int]:
    """Column index of front, back and tags (`#columns:` names, `#tags column:` 1-based)."""
    layout = {"front": 0, "back": 1, "tags": 2}
    if "columns" in headers:
        names = [n.strip().lower() for n in headers["columns"].split(separator)]
        layout = {key: names.index(key) for key in ("front", "back", "tags") if key in names}
        layout.setdefault("front", 0)
        layout.setdefault("back", 1)
    if _is_ascii_number(headers.get("tags column", "")):
        layout["tags"] = int(headers["tags column"]) - 1
    return layout


def _card(row: list[str], layout: dict[str, int], common_tags: list[str]) -> tuple[dict, str]:
    needed = max(layout["front"], layout["back"]) + 1
    if len(row) < needed:
        return {}, f"expected at least {needed} columns (front, back), found {len(row)}"
    front, back = row[layout["front"]].strip(), row[layout["back"]].strip()
    if not front:
        return {}, "empty front"
    tags_at = layout.get("tags")
    tags = row[tags_at].split() if tags_at is not None and tags_at < len(row) else []
    card = {
        "id": card_id(front),
        "type": "flashcard",
        "title": None,
        "prompt": front,
        "back": back,
        "explanation": None,
        "tags": list(dict.fromkeys(common_tags + tags)),
        "section": None,
        "lesson": None,
    }
    return card, ""


# --- writing -----------------------------------------------------------------------


def card_sides(question: dict) -> tuple[str, str] | None:
    """Front and back Markdown of a question as a card (None for an unknown type, or one
    with no answer to put on the back: an essay, graded by hand, or a description).

    A flashcard is itself; any other question shows its prompt and, on the back, the
    right answer as the question type describes it (`describe_right_answer`).
    """
    try:
        back = describe_right_answer(question)
    except (KeyError, ValueError):
        return None
    if not back.strip():  # a card with an empty back would not import back
        return None
    front = question.get("prompt", "")
    if question.get("type") == "cloze":
        text = question.get("text", "").replace(BLANK, MISSING_WORD)
        text = re.sub(r"\{\{\d+\}\}", MISSING_WORD, text)
        front = f"{front}\n\n{text}".strip()
    return front, back


def write_anki_text(questions: list[dict], separator: str = "\t") -> str:
    """Anki's text-import layout: headers, then front, back, tags rows (Markdown as is).

    `#html:false` because the fields are Markdown source, which is also what lets
    `read_anki_text` give back the same cards. Anki tags cannot hold spaces.
    """
    names = {char: name for name, char in SEPARATORS.items()}
    out = io.StringIO(newline="")
    out.write(f"#separator:{names.get(separator, separator)}\n#html:false\n")
    out.write(f"#columns:Front{separator}Back{separator}Tags\n#tags column:3\n")
    # Quote every field so a front that starts with '#' is never read as a header.
    writer = csv.writer(out, delimiter=separator, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for question in questions:
        sides = card_sides(question)
        if sides is not None:
            tags = " ".join(_anki_tag(t) for t in question.get("tags") or [])
            writer.writerow([_inert(cell) for cell in (*sides, tags)])
    return out.getvalue()


# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV
# Injection"), as the dashboard's CSVs guard against too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str) -> str:
    """A leading space keeps a spreadsheet from evaluating the cell. Unlike the apostrophe
    of the other CSVs it changes no card: Anki shows the field as HTML, where a leading
    space does not show, and `read_anki_text` strips fronts, backs and tags."""
    return " " + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def _anki_tag(tag: str) -> str:
    return "_".join(tag.split())


# --- .apkg ---------------------------------------------------------------------------


def markdown_to_html(text: str) -> str:
    """Card fields are HTML: render the Markdown, then sanitise it (no author script)."""
    return nh3.clean(_markdown.render(text))


def flashcard_model() -> genanki.Model:
    """The one note type of every QuizApp deck; a fixed id lets Anki match it on re-import."""
    return genanki.Model(
        _stable_id(_MODEL_NAME),
        _MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
        css=_CSS,
    )


def build_apkg(
    course_title: str,
    lessons: list[tuple[str, list[dict]]],
    path: str | Path,
    media: dict[str, bytes] | None = None,
) -> list[genanki.Deck]:
    """Write an `.apkg`: a deck for the course and a `Course::Lesson` sub-deck per lesson.

    Note GUIDs come from question ids (`genanki.guid_for`), so importing a newer export
    updates the cards (and keeps their review history) instead of duplicating them. What a
    card shows, and the media files it carries, is `anki_deck`'s (which builds on
    `card_sides`, hence the import here).
    """
    from quizapp.domain.formats.anki_deck import deck_sides, media_for_card

    media = media or {}
    shipped: set[str] = set()
    model = flashcard_model()
    course = " ".join(course_title.replace("::", ":").split())
    decks = [genanki.Deck(_stable_id(course), course)]
    for lesson_title, questions in lessons:
        name = f"{course}::{' '.join(lesson_title.replace('::', ':').split())}"
        deck = genanki.Deck(_stable_id(name), name)
        for question in questions:
            sides = deck_sides(question)
            if sides is None:
                continue
            fields = []
            for side in sides:
                markdown, used = media_for_card(side, media)
                shipped |= used
                fields.append(markdown_to_html(markdown))
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=fields,
                    guid=genanki.guid_for(question["id"]),
                    tags=[_anki_tag(t) for t in question.get("tags") or []],
                )
            )
        decks.append(deck)
    package = genanki.Package(decks)
    with tempfile.TemporaryDirectory(prefix="quizapp-apkg-media-") as folder:
        for name in sorted(shipped):  # genanki packs files from disk, named as referenced
            (Path(folder) / name).write_bytes(media[name])
        package.media_files = [str(Path(folder) / name) for name in sorted(shipped)]
        package.write_to_file(str(path))
    return decks


# --- the formats table's writers ---------------------------------------------------------


def _cardless(course: ExportCourse) -> list[tuple[str, str]]:
    return [
        (question["id"], "no single answer text for a card")
        for question in course.questions()
        if card_sides(question) is None
    ]


def write_anki_file(course: ExportCourse) -> WrittenFile:
    return WrittenFile(write_anki_text(course.questions()).encode("utf-8"), _cardless(course))


def write_apkg_file(course: ExportCourse) -> WrittenFile:
    with tempfile.TemporaryDirectory(prefix="quizapp-apkg-") as folder:
        path = Path(folder) / "deck.apkg"
        lessons = [(lesson.title, lesson.questions) for lesson in course.lessons]
        build_apkg(course.title, lessons, path, course.media)
        data = path.read_bytes()
    return WrittenFile(data, _cardless(course))
