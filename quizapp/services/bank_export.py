"""Exports a course's active questions as one file in any exportable format of the table.

Every format keeps the questions' stable ids, so importing an export updates in place."""

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import media_refs
from quizapp.domain.formats.base import ExportCourse, ExportLesson
from quizapp.domain.formats.registry import exportable, get_format
from quizapp.domain.quiz_rules import rules_to_block
from quizapp.models import Course, Lesson, Question
from quizapp.services.media import media_path
from quizapp.services.question_store import question_dict
from quizapp.services.source_media import strings_of


@dataclass
class CourseExport:
    data: bytes
    filename: str
    media_type: str
    # (question id, reason) of questions the format cannot hold (e.g. numeric in Anki text).
    skipped: list[tuple[str, str]] = field(default_factory=list)


def export_course(
    session: Session, course: Course, fmt: str, media_dir: str | Path | None = None
) -> bytes:
    return export_course_file(session, course, fmt, media_dir).data


def export_course_file(
    session: Session, course: Course, fmt: str, media_dir: str | Path | None = None
) -> CourseExport:
    """With `media_dir`, the stored files the questions reference travel with them in the
    formats that carry files (Moodle XML embeds them, an .apkg packs them)."""
    found = get_format(fmt)
    if found is None or found.write is None:
        names = ", ".join(item.name for item in exportable())
        raise ValueError(f"unknown export format {fmt!r}; use one of {names}")
    exported = _export_course(session, course)
    if media_dir is not None:
        exported = replace(exported, media=_used_media(exported, Path(media_dir)))
    written = found.write(exported)
    return CourseExport(
        written.data, f"{course.slug}{found.extension}", found.media_type, written.skipped
    )


def _used_media(course: ExportCourse, media_dir: Path) -> dict[str, bytes]:
    """The stored files the questions reference (`media:<stored name>`), read once each;
    one missing from the disk is left out (its reference stays as it is)."""
    names = {
        target
        for question in course.questions()
        for text in strings_of(question)
        if "media:" in text
        for target in media_refs.referenced_targets(text)
        if media_refs.STORED_NAME.fullmatch(target)
    }
    found = {}
    for name in sorted(names):
        path = media_path(media_dir, name)
        if path.is_file():
            found[name] = path.read_bytes()
    return found


def _export_course(session: Session, course: Course) -> ExportCourse:
    """Active questions only: a retired question re-imported would come back to life."""
    lessons = session.scalars(
        sa.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.number)
    ).all()
    rows = session.scalars(
        sa.select(Question)
        .where(Question.course_id == course.id, Question.retired_at.is_(None))
        .order_by(Question.position, Question.id)
    ).all()
    by_lesson: dict[int, list[dict[str, Any]]] = {lesson.id: [] for lesson in lessons}
    for row in rows:
        by_lesson[row.lesson_id].append(question_dict(row))
    return ExportCourse(
        course.slug,
        course.title,
        [
            ExportLesson(
                item.number,
                item.slug,
                item.title,
                by_lesson[item.id],
                quiz=rules_to_block(item.quiz_rules),
            )
            for item in lessons
        ],
    )
