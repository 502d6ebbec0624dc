"""The formats table's Moodle XML row: `parse_moodle_xml` and `write_moodle_xml` in the
shapes every format shares (file:line messages, a course by lessons)."""

from __future__ import annotations

import re

from quizapp.domain.formats.base import ExportCourse, ParsedFile, WrittenFile
from quizapp.domain.formats.moodle_xml_read import parse_moodle_xml
from quizapp.domain.formats.moodle_xml_write import FileResolver, write_moodle_xml


def read_moodle_file(data: bytes, filename: str) -> ParsedFile:
    result = parse_moodle_xml(data, filename)
    return ParsedFile(
        questions=list(zip(result.questions, result.lines, strict=True)),
        errors=[f"{file}:{line}: {message}" for file, line, message in result.errors],
        unsupported=[f"{file}:{line}: {message}" for file, line, message in result.unsupported],
        media={
            question["id"]: files
            for question, files in zip(result.questions, result.media, strict=True)
            if files
        },
    )


def lesson_category(course: ExportCourse, title: str) -> str:
    """`<course>/<lesson>` by title, as Moodle shows it; a `/` inside a title would start a
    sub-category, so it is written as ` - ` (the lesson's slug stays the same)."""
    return "/".join(part.replace("/", " - ") for part in (course.title, title))


def write_moodle_file(course: ExportCourse) -> WrittenFile:
    questions = [
        {**question, "category": lesson_category(course, lesson.title)}
        for lesson in course.lessons
        for question in lesson.questions
    ]
    result = write_moodle_xml(questions, embedded_files(course.media))
    return WrittenFile(result.text.encode("utf-8"), list(result.skipped))


# `](media:<name>)`: how our Markdown points at a stored file (image or link).
_MEDIA_TARGET = re.compile(r"(\]\(\s*<?)media:([^\s)>]+)")


def embedded_files(media: dict[str, bytes]) -> FileResolver:
    """Moodle keeps a text's files inside it: each stored file a text references is
    embedded beside it and referenced as `@@PLUGINFILE@@/<name>` (which our reader turns
    back into `media:<name>`)."""

    def resolve(text: str) -> tuple[str, dict[str, bytes]]:
        used: dict[str, bytes] = {}

        def swap(match: re.Match[str]) -> str:
            name = match[2]
            if name not in media:
                return match[0]
            used[name] = media[name]
            return f"{match[1]}@@PLUGINFILE@@/{name}"

        return _MEDIA_TARGET.sub(swap, text), used

    return resolve
