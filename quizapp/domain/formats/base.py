"""The shapes every interchange format shares: a format's row, a parsed file, a course to write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from quizapp.domain.quiz_rules import QuizRules


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark an English msgid for extraction (`pybabel extract -k N_`); the layer that shows
    it translates it (the domain knows no locale)."""
    return message


@dataclass
class ParsedFile:
    """What a parser read, in one shape for every format.

    `questions` are (normalised question, line where it starts) pairs; a question may carry
    `lesson` or `category` keys naming where it goes. `errors` and `unsupported` are
    `file:line: message` strings. Callers must not import a file whose `errors` is non-empty.
    """

    questions: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    # Files a question carries (Moodle's embedded files, an Anki package's media): question
    # id → {target of its `media:` references → bytes}, for the importer to store.
    media: dict[str, dict[str, bytes]] = field(default_factory=dict)
    # Quiz rules the file sets (a YAML bank's `quiz:` / `quizzes:` blocks), by the lesson
    # number or slug it names; the importer applies them to those lessons.
    quizzes: dict[int | str, QuizRules] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportLesson:
    number: int
    slug: str
    title: str
    questions: list[dict[str, Any]]
    # The lesson's quiz rules as a bank `quiz:` block (only what differs from a practice
    # quiz; quiz_rules.rules_to_block); formats that cannot hold them ignore it.
    quiz: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportCourse:
    """A course's active questions by lesson, as plain data (writers see no database)."""

    slug: str
    title: str
    lessons: list[ExportLesson]
    # Stored media the questions reference (`media:<name>` → bytes), for formats that
    # carry files (an .apkg's media, Moodle XML's embedded files).
    media: dict[str, bytes] = field(default_factory=dict)

    def questions(self) -> list[dict[str, Any]]:
        return [question for lesson in self.lessons for question in lesson.questions]


@dataclass
class WrittenFile:
    """A writer's bytes and the `(question id, reason)` of each question it could not hold."""

    data: bytes
    skipped: list[tuple[str, str]] = field(default_factory=list)


# A text format's parser receives str; a binary one (`Format.binary`) the file's bytes.
Parser = Callable[[Any, str], ParsedFile]
Writer = Callable[[ExportCourse], WrittenFile]


@dataclass(frozen=True)
class Format:
    """One row of the formats table (quizapp.domain.formats.registry.FORMATS).

    `name` is what `--format`, `?format=` and the API's `format` say; `extensions` are
    lower-case with the dot, the first one naming exported files; `label` and `carries`
    are English msgids (marked with N_) for the pages and help texts. `sniff` recognises a
    file by its first bytes when its extension is shared or missing (an Anki text file
    named `.txt`). A format without `parse` cannot be imported, without `write` exported.
    """

    name: str
    label: str
    extensions: tuple[str, ...]
    media_type: str
    carries: str
    parse: Parser | None = None
    write: Writer | None = None
    binary: bool = False
    sniff: Callable[[bytes], bool] | None = None

    @property
    def extension(self) -> str:
        return self.extensions[0]
