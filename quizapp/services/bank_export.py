"""Exports a course's active questions as one file in any exportable format of the table.

Every format keeps the questions' stable ids, so importing an export updates in place."""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.formats.base import ExportCourse, ExportLesson
from quizapp.domain.formats.registry import exportable, get_format
from quizapp.domain.quiz_rules import rules_to_block
from quizapp.models import Course, Lesson, Question
from quizapp.services.question_store import question_dict


@dataclass
class CourseExport:
    data: bytes
    filename: str
    media_type: str
    # (question id, reason) of questions the format cannot hold (e.g. numeric in Anki text).
    skipped: list[tuple[str, str]] = field(default_factory=list)


def export_course(session: Session, course: Course, fmt: str) -> bytes:
    return export_course_file(session, course, fmt).data


def export_course_file(session: Session, course: Course, fmt: str) -> CourseExport:
    found = get_format(fmt)
    if found is None or found.write is None:
        names = ", ".join(item.name for item in exportable())
        raise ValueError(f"unknown export format {fmt!r}; use one of {names}")
    written = found.write(_export_course(session, course))
    return CourseExport(
        written.data, f"{course.slug}{found.extension}", found.media_type, written.skipped
    )


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
