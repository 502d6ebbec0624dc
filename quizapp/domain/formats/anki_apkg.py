"""The formats table's Anki package reader: `.apkg`/`.colpkg` notes as questions for one
lesson (a package has no lessons), in the shape every format shares."""

from __future__ import annotations

from quizapp.domain.formats.anki_notes import notes_to_questions
from quizapp.domain.formats.anki_package import PackageRefused, open_package
from quizapp.domain.formats.base import ParsedFile


def read_apkg_file(data: bytes, filename: str) -> ParsedFile:
    """A refused package is one error at line 1; notes are numbered as `file:N` (a package
    has no lines: N is the note's place in the collection)."""
    try:
        collection = open_package(data)
    except PackageRefused as exc:
        return ParsedFile(errors=[f"{filename}:1: {exc}"])
    result = notes_to_questions(collection)
    return ParsedFile(
        questions=result.questions,
        unsupported=[f"{filename}:{at}: {message}" for at, message in result.unsupported],
        media=result.media,
    )


def looks_like_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")
