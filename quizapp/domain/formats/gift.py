"""Read and write Moodle GIFT files as the bank's normalised question dicts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from quizapp.domain.formats.base import ExportCourse, ParsedFile, WrittenFile
from quizapp.domain.formats.gift_parse import parse_question
from quizapp.domain.formats.gift_syntax import DEFAULT_CLOZE_PROMPT, GiftSyntaxError
from quizapp.domain.formats.gift_write import Inexpressible, render_question
from quizapp.domain.slugs import slugify, text_slug, unique_slug

__all__ = [
    "GiftParseResult",
    "GiftWriteResult",
    "parse_gift",
    "read_gift_file",
    "write_gift",
    "write_gift_file",
]

_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*")
# Moodle writes a question's idnumber and tags as comments: // [id:x] [tag:a] [tag:b]
# Neither holds a `[`: so a search stops at the next one instead of scanning to the end
# of the comment from every `[id:` (quadratic on a comment of many unclosed `[id:`).
_ID_COMMENT = re.compile(r"\[id:([^\]\[]+)\]")
_TAG_COMMENT = re.compile(r"\[tag:((?:\\\]|[^\]\[])+)\]")
_CATEGORY = "$CATEGORY:"

Location = tuple[str, int, str]


@dataclass
class GiftParseResult:
    """What a GIFT file held: questions, errors and what QuizApp cannot keep.

    `questions` are normalised dicts plus a `category` key (the last `$CATEGORY:`),
    which is not a bank key: take it off before `validate_question` or saving;
    `lines[i]` is the line where `questions[i]` starts, for `file:line` messages later;
    `errors` are `(file, line, message)`; `unsupported` are `(file, line, kind, title)`;
    `categories` lists every `$CATEGORY:` in file order, even one with no questions.
    """

    questions: list[dict] = field(default_factory=list)
    errors: list[Location] = field(default_factory=list)
    unsupported: list[tuple[str, int, str, str | None]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


@dataclass
class GiftWriteResult:
    """GIFT text plus the `(id, reason)` of every question GIFT could not express."""

    text: str
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Chunk:
    """One question's lines: GIFT separates questions with blank lines."""

    numbers: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        text = "\n".join(self.lines)
        return self.numbers[min(text.count("\n", 0, offset), len(self.numbers) - 1)]


def parse_gift(
    text: str, filename: str, cloze_prompt: str = DEFAULT_CLOZE_PROMPT
) -> GiftParseResult:
    """Parse a whole GIFT file; never raises for bad content, reports it in `errors`.

    `cloze_prompt` is the prompt of a missing-word question that has no paragraph
    before its sentence (a cloze must have a prompt).
    """
    result = GiftParseResult()
    category: str | None = None
    gift_ids: list[str | None] = []
    sources: list[str] = []
    for chunk in _chunks(text):
        if chunk.lines and chunk.lines[0].lstrip().startswith(_CATEGORY):
            category = chunk.lines[0].strip()[len(_CATEGORY) :].strip()
            result.categories.append(category)
            chunk.lines, chunk.numbers = chunk.lines[1:], chunk.numbers[1:]
        if not chunk.lines:
            continue
        raw = "\n".join(chunk.lines)
        try:
            question, dropped = parse_question(raw, cloze_prompt)
        except GiftSyntaxError as exc:
            result.errors.append((filename, chunk.line_at(exc.offset), str(exc)))
            continue
        line = chunk.numbers[0]
        result.unsupported += [(filename, line, u.kind, u.title) for u in dropped]
        if question is None:
            continue
        gift_id, question["tags"] = _id_and_tags(chunk.comments)
        question["category"] = category
        result.questions.append(question)
        result.lines.append(line)
        gift_ids.append(gift_id)
        sources.append(raw.strip())
    _assign_ids(result, gift_ids, sources, filename)
    return result


def _chunks(text: str) -> list[_Chunk]:
    """Split at blank lines, setting `//` comment lines aside (Moodle's readquestions)."""
    chunks, current = [], _Chunk()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if not stripped:
            if current.lines or current.comments:
                chunks.append(current)
                current = _Chunk()
        elif stripped.startswith("//"):
            current.comments.append(line)
        else:
            current.numbers.append(number)
            current.lines.append(line)
    if current.lines or current.comments:
        chunks.append(current)
    return chunks


def _id_and_tags(comments: list[str]) -> tuple[str | None, list[str]]:
    joined = "\n".join(comments)
    found = _ID_COMMENT.search(joined)
    tags = [t.replace("\\]", "]").strip() for t in _TAG_COMMENT.findall(joined)]
    return (found.group(1).strip() if found else None), tags


def _assign_ids(
    result: GiftParseResult, gift_ids: list[str | None], sources: list[str], filename: str
) -> None:
    """Keep `// [id:x]` ids; otherwise derive a stable one from the title or the text.

    Derived ids are stable across re-imports of the same file, so loading stays
    idempotent; repeats within the file get -2, -3… in file order.
    """
    taken: set[str] = set()
    counters: dict[str, int] = {}
    for index, gift_id in enumerate(gift_ids):
        if gift_id is None:
            continue
        clean = gift_id.lower() if _ID_PATTERN.fullmatch(gift_id.lower()) else slugify(gift_id)
        if clean in taken:
            result.errors.append((filename, result.lines[index], f"duplicate id {gift_id!r}"))
        taken.add(clean)
        gift_ids[index] = clean or None
    for index, question in enumerate(result.questions):
        if gift_ids[index]:
            question["id"] = gift_ids[index]
            continue
        digest = hashlib.sha1(sources[index].encode("utf-8"), usedforsecurity=False)
        base = text_slug(question["title"] or "") or f"gift-{digest.hexdigest()[:10]}"
        question["id"] = unique_slug(base, taken, counters=counters)


def write_gift(questions: list[dict]) -> GiftWriteResult:
    """Write questions as GIFT; those GIFT cannot express are listed in `skipped`.

    A `category` key on a question emits `$CATEGORY:` when it changes; GIFT has no way
    back to "no category", so a later question without one is read back in the last.
    GIFT does not carry `section`, `lesson` or `accent_insensitive` (read back False).
    """
    parts: list[str] = []
    skipped: list[tuple[str, str]] = []
    category: str | None = None
    for question in questions:
        try:
            body = render_question(question)
        except Inexpressible as exc:
            skipped.append((question.get("id", ""), str(exc)))
            continue
        if question.get("category") and question["category"] != category:
            category = question["category"]
            parts.append(f"{_CATEGORY} {' '.join(category.split())}")
        parts.append(body)
    return GiftWriteResult("\n\n".join(parts) + "\n" if parts else "", skipped)


def read_gift_file(text: str, filename: str) -> ParsedFile:
    """The formats table's GIFT parser: `parse_gift` as `file:line: message` strings."""
    result = parse_gift(text, filename)
    return ParsedFile(
        questions=list(zip(result.questions, result.lines, strict=True)),
        errors=[f"{file}:{line}: {message}" for file, line, message in result.errors],
        unsupported=[
            f"{file}:{line}: {kind} question{f' {title!r}' if title else ''} is not supported; "
            "skipped"
            for file, line, kind, title in result.unsupported
        ],
    )


def write_gift_file(course: ExportCourse) -> WrittenFile:
    """A course as one GIFT file, each lesson under `$CATEGORY: <course>/<lesson>`."""
    questions = [
        {**question, "category": f"{course.slug}/{lesson.slug}"}
        for lesson in course.lessons
        for question in lesson.questions
    ]
    result = write_gift(questions)
    return WrittenFile((_left_out(result.skipped) + result.text).encode("utf-8"), result.skipped)


def _left_out(skipped: list[tuple[str, str]]) -> str:
    """A header comment naming what the file does not hold, so its reader knows the file is
    not the whole course (the importer reads comment-only blocks as nothing)."""
    if not skipped:
        return ""
    lines = [f"// Left out: {len(skipped)} question(s) GIFT cannot hold (export YAML for all):"]
    for question_id, reason in skipped:
        # One line each, and never a `[id:` / `[tag:` that the reader would take as markup.
        said = " ".join(f"{question_id}: {reason}".split()).replace("[", "(").replace("]", ")")
        lines.append(f"// - {said}")
    return "\n".join(lines) + "\n\n"
