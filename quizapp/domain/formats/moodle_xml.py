"""The formats table's Moodle XML row: `parse_moodle_xml` and `write_moodle_xml` in the
shapes every format shares (file:line messages, a course by lessons)."""

from __future__ import annotations

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


def write_moodle_file(course: ExportCourse, files: FileResolver | None = None) -> WrittenFile:
    questions = [
        {**question, "category": lesson_category(course, lesson.title)}
        for lesson in course.lessons
        for question in lesson.questions
    ]
    result = write_moodle_xml(questions, files) if files else write_moodle_xml(questions)
    return WrittenFile(result.text.encode("utf-8"), list(result.skipped))
