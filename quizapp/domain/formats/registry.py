"""The one table of interchange formats, read by every import and export.

The CLI's `--format` choices, the web import form and export links, the API's `format`
enum and file-type detection all come from `FORMATS`; a new format is a module in this
package plus one row here (tests/web/test_formats_table.py checks that every row is reachable
from the CLI, the web pages and the API schema)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import PurePath
from typing import Any

from quizapp.domain.formats.base import N_, Format

# The format modules whose parsers and writers the table names (what `preload` imports).
_MODULES: list[str] = []


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """`quizapp.domain.formats.<module>.<name>`, imported when first called: the table is
    read by the command line's --format choices, and a command must not load every
    format's libraries (BeautifulSoup, genanki, YAML, XML) to parse one. The web app
    imports them all before its first request (`preload`)."""
    if module not in _MODULES:
        _MODULES.append(module)

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(f"quizapp.domain.formats.{module}"), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


def preload() -> None:
    """Import every format module now (the web app's factory does, so that no request
    pays for the first import of a parser)."""
    for module in _MODULES:
        import_module(f"quizapp.domain.formats.{module}")


looks_like_anki_text = _lazy("anki", "looks_like_anki_text")
read_anki_file = _lazy("anki", "read_anki_file")
write_anki_file = _lazy("anki", "write_anki_file")
write_apkg_file = _lazy("anki", "write_apkg_file")
looks_like_zip = _lazy("anki_apkg", "looks_like_zip")
read_apkg_file = _lazy("anki_apkg", "read_apkg_file")
read_bank_file = _lazy("bank", "read_bank_file")
write_bank_file = _lazy("bank", "write_bank_file")
read_gift_file = _lazy("gift", "read_gift_file")
write_gift_file = _lazy("gift", "write_gift_file")
read_moodle_file = _lazy("moodle_xml", "read_moodle_file")
write_moodle_file = _lazy("moodle_xml", "write_moodle_file")

# Table order is the order of the choices shown, and breaks ties of a shared extension:
# a `.txt` file is GIFT unless it opens with Anki's headers.
FORMATS: tuple[Format, ...] = (
    Format(
        name="yaml",
        label=N_("YAML bank"),
        extensions=(".yaml", ".yml"),
        media_type="application/yaml; charset=utf-8",
        carries=N_("every question type and field; export then import gives the same bank"),
        parse=read_bank_file,
        write=write_bank_file,
    ),
    Format(
        name="gift",
        label=N_("GIFT (Moodle)"),
        extensions=(".gift", ".txt"),
        media_type="text/plain; charset=utf-8",
        carries=N_(
            "every type but flashcards and clozes with several blanks; ids and tags in comments"
        ),
        parse=read_gift_file,
        write=write_gift_file,
    ),
    Format(
        name="csv",
        label=N_("CSV/TSV (Anki text)"),
        extensions=(".csv", ".tsv", ".txt"),
        media_type="text/csv; charset=utf-8",
        carries=N_("cards: front, back and tags (other types as their prompt and right answer)"),
        parse=read_anki_file,
        write=write_anki_file,
        sniff=looks_like_anki_text,
    ),
    Format(
        name="moodle-xml",
        label=N_("Moodle XML"),
        extensions=(".xml",),
        media_type="application/xml; charset=utf-8",
        carries=N_(
            "categories as lessons, every type but flashcards, feedback, tags, ids and "
            "embedded files; other Moodle types are reported per question"
        ),
        parse=read_moodle_file,
        write=write_moodle_file,
        binary=True,  # parsed from bytes: the XML declaration names the encoding
    ),
    Format(
        name="apkg",
        label=N_("Anki deck (.apkg)"),
        extensions=(".apkg", ".colpkg"),
        media_type="application/octet-stream",
        carries=N_(
            "import: Basic, reversed and Cloze notes with tags and media (and your review "
            "history if asked); export: a deck per course and a sub-deck per lesson"
        ),
        parse=read_apkg_file,
        write=write_apkg_file,
        binary=True,
        sniff=looks_like_zip,
    ),
)

# How much of a file `sniff` sees.
SNIFF_BYTES = 4096


def get_format(name: str | None) -> Format | None:
    return next((fmt for fmt in FORMATS if fmt.name == name), None)


def importable() -> list[Format]:
    return [fmt for fmt in FORMATS if fmt.parse is not None]


def exportable() -> list[Format]:
    return [fmt for fmt in FORMATS if fmt.write is not None]


def detect_format(filename: str, head: bytes = b"") -> Format | None:
    """The importable format of a file, from its extension and its first bytes.

    Among the formats that claim the extension (all of them when it is unknown), one whose
    `sniff` recognises the content wins; otherwise the first that claims the extension."""
    suffix = PurePath(filename).suffix.lower()
    claimed = [fmt for fmt in importable() if suffix in fmt.extensions]
    head = head[:SNIFF_BYTES]
    for fmt in claimed or importable():
        if fmt.sniff is not None and fmt.sniff(head):
            return fmt
    return claimed[0] if claimed else None


def naming_hint() -> str:
    """`.yaml, .gift or .csv`: the extensions that choose a format, for error messages."""
    names = [fmt.extension for fmt in importable()]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
