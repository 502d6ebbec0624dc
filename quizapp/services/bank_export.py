"""Exports a course's active questions as one file: YAML, GIFT, Anki text (CSV) or .apkg.

Every format keeps the questions' stable ids, so importing an export updates in place."""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.models import Course, Lesson, Question
from quizapp.services.question_store import question_dict

FORMATS = ("gift", "yaml", "csv", "apkg")
EXTENSIONS = {"gift": "gift", "yaml": "yaml", "csv": "csv", "apkg": "apkg"}
MEDIA_TYPES = {
    "gift": "text/plain; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "apkg": "application/octet-stream",
}


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
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    lessons = _lessons_with_questions(session, course)
    data, skipped = _WRITERS[fmt](course, lessons)
    return CourseExport(data, f"{course.slug}.{EXTENSIONS[fmt]}", MEDIA_TYPES[fmt], skipped)


def _lessons_with_questions(
    session: Session, course: Course
) -> list[tuple[Lesson, list[dict[str, Any]]]]:
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
    return [(lesson, by_lesson[lesson.id]) for lesson in lessons]


Lessons = list[tuple[Lesson, list[dict[str, Any]]]]


def _write_yaml(course: Course, lessons: Lessons) -> tuple[bytes, list]:
    from quizapp.domain.bank import dump_bank

    # One course-wide bank: every question names its lesson by number.
    questions = [
        {**question, "lesson": lesson.number} for lesson, items in lessons for question in items
    ]
    return dump_bank(questions).encode("utf-8"), []


def _write_gift(course: Course, lessons: Lessons) -> tuple[bytes, list]:
    from quizapp.domain.gift import write_gift

    questions = [
        {**question, "category": f"{course.slug}/{lesson.slug}"}
        for lesson, items in lessons
        for question in items
    ]
    result = write_gift(questions)
    return result.text.encode("utf-8"), list(result.skipped)


def _write_csv(course: Course, lessons: Lessons) -> tuple[bytes, list]:
    from quizapp.domain.anki import card_sides, write_anki_text

    questions = [question for _, items in lessons for question in items]
    skipped = [
        (q["id"], "no single answer text for a card") for q in questions if card_sides(q) is None
    ]
    return write_anki_text(questions).encode("utf-8"), skipped


def _write_apkg(course: Course, lessons: Lessons) -> tuple[bytes, list]:
    from quizapp.domain.anki import build_apkg, card_sides

    with tempfile.TemporaryDirectory(prefix="quizapp-apkg-") as folder:
        path = Path(folder) / f"{course.slug}.apkg"
        build_apkg(course.title, [(lesson.title, items) for lesson, items in lessons], path)
        data = path.read_bytes()
    skipped = [
        (q["id"], "no single answer text for a card")
        for _, items in lessons
        for q in items
        if card_sides(q) is None
    ]
    return data, skipped


_WRITERS = {"yaml": _write_yaml, "gift": _write_gift, "csv": _write_csv, "apkg": _write_apkg}
