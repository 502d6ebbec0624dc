"""GIFT's lexical rules, shared by the reader (gift_parse), the writer (gift_write) and the
types' own GIFT renderers (`QuestionType.to_gift`): escaping, format tags, numbers."""

from __future__ import annotations

import re

# GIFT control characters that a backslash makes literal (Moodle's escapedchar_pre).
SPECIAL = "~=#{}:"
BLANK = "{{1}}"
MISSING_WORD = "_____"
# A cloze needs a prompt; GIFT's missing-word form has none unless a paragraph precedes it.
DEFAULT_CLOZE_PROMPT = "Completa la frase."
_FORMAT_TAG = re.compile(r"\s*\[(html|moodle|plain|markdown)\]")
# Escape pairs are matched first so that what they escape is never read as syntax.
_ESCAPED_SPECIAL = rf"\\([{re.escape(SPECIAL)}\\])"
_DECODE = re.compile(rf"{_ESCAPED_SPECIAL}|\\n")
_DECODE_COLLAPSE = re.compile(rf"{_ESCAPED_SPECIAL}|\\n|\s+")
_SPACES = re.compile(r"\s+")


class GiftSyntaxError(ValueError):
    """A question that breaks a GIFT rule; `offset` points into the question's text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


def find_unescaped(raw: str, target: str, start: int = 0) -> int:
    """Index of `target` in `raw` outside backslash escapes, or -1.

    Scanning starts at `start`: a backslash there escapes the character after it. Read left
    to right, backslashes pair up (`\\\\` is one literal backslash), so an occurrence is
    escaped exactly when an odd run of backslashes (after `start`) stands right before it:
    `str.find` proposes each occurrence and the run is counted backwards. The runs before
    different occurrences do not overlap, so the search stays linear in `raw`."""
    found = raw.find(target, start)
    while found >= 0:
        run = found
        while run > start and raw[run - 1] == "\\":
            run -= 1
        if (found - run) % 2 == 0:
            return found
        found = raw.find(target, found + 1)
    return -1


def split_unescaped(raw: str, separator: str) -> list[str]:
    """`raw.split(separator)`, ignoring separators escaped with a backslash.

    Cuts are found from offsets into `raw` (no re-slicing of what is left), so the split is
    linear in `raw` however many separators it holds."""
    parts, start = [], 0
    cut = find_unescaped(raw, separator, start)
    while cut >= 0:
        parts.append(raw[start:cut])
        start = cut + len(separator)
        cut = find_unescaped(raw, separator, start)
    return [*parts, raw[start:]]


def decode(raw: str, fmt: str) -> str:
    """Unescape GIFT text; Moodle/plain text joins its lines, HTML and Markdown keep them.

    `\\\\` is read first, so `\\\\n` is a backslash then "n" (Moodle's escapedchar_pre);
    `\\n` is a newline; a backslash before anything else stays a backslash.
    """
    collapse = fmt in ("moodle", "plain")
    if "\\" not in raw:  # nothing escaped: only the spaces (if any) to collapse
        return _SPACES.sub(" ", raw).strip() if collapse else raw.strip()
    return (_DECODE_COLLAPSE if collapse else _DECODE).sub(_decoded, raw).strip()


def _decoded(match: re.Match[str]) -> str:
    escaped = match.group(1)
    if escaped is not None:
        return escaped
    return "\n" if match.group(0) == "\\n" else " "


def take_format(raw: str, default: str) -> tuple[str, str]:
    """Split a leading `[html]`/`[moodle]`/`[plain]`/`[markdown]` tag off `raw`."""
    match = _FORMAT_TAG.match(raw)
    if match:
        return match.group(1), raw[match.end() :]
    return default, raw


def parse_number(text: str) -> float:
    """Read a GIFT number; the bank format keeps every number as a float."""
    return float(text)


# --- writing ----------------------------------------------------------------------------

# An answer that starts like a weight or a format tag would be misread, so it gets an
# explicit [markdown] tag first: the parser strips only one tag and reads no weight after it.
_LOOKS_LIKE_MARKUP = re.compile(r"\s*(%|\[(html|moodle|plain|markdown)\])")


class Inexpressible(ValueError):
    """A question GIFT cannot say; the message is the reason given to the author."""


# GIFT has no per-question order: Moodle's GIFT import shuffles as its defaults say, so
# "all of the above" could move; such a question is left out and listed, not written wrong.
FIXED_ORDER = "GIFT cannot keep choices in their order (shuffle: false)"


def escape(text: str) -> str:
    """Backslash GIFT's control characters `~ = # { } :` and the backslash; `\\n` for newlines."""
    out = text.replace("\\", "\\\\")
    for char in SPECIAL:
        out = out.replace(char, "\\" + char)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def answer_text(text: str) -> str:
    escaped = escape(text.strip())
    return "[markdown]" + escaped if _LOOKS_LIKE_MARKUP.match(escaped) else escaped


def feedback(text: str | None) -> str:
    return "#" + answer_text(text) if text and text.strip() else ""


def format_number(number: float) -> str:
    """Shortest text that reads back as the same number (`3`, `3.5`, `1e-05`)."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def format_weight(weight: float) -> str:
    """Five decimals, as Moodle writes `%33.33333%`, without trailing zeros."""
    return f"{weight:.5f}".rstrip("0").rstrip(".")


def stem(question: dict) -> str:
    # Prompts are Markdown, and saying so makes GIFT keep their line breaks and spaces.
    return "[markdown]" + escape(question.get("prompt", "").strip())


def block(lines: list[str], question: dict) -> str:
    if question.get("explanation") and question["explanation"].strip():
        lines = [*lines, "####" + answer_text(question["explanation"])]
    return "{\n" + "\n".join(lines) + "\n}"


def accepted(answers: list[dict]) -> list[str]:
    """`=` answers; Moodle reads an `=` block holding `->` anywhere as matching pairs."""
    if any("->" in a["text"] or "->" in (a.get("feedback") or "") for a in answers):
        raise Inexpressible("an accepted answer contains '->', which GIFT reads as matching")
    lines = []
    for answer in answers:
        weight = answer.get("weight", 100)
        prefix = "=" if weight == 100 else f"=%{format_weight(weight)}%"
        lines.append(prefix + answer_text(answer["text"]) + feedback(answer.get("feedback")))
    return lines
