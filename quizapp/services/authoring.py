"""Instructor authoring: create and edit lessons and questions, retire, restore and move them.

Questions are saved through the same registry validation and `apply_question` as the bank
loader, so an edit that changes graded content bumps the question's version and earlier
answers keep the version they answered."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.questions.registry import check_question
from quizapp.domain.quiz_rules import QuizRules, dates_problem
from quizapp.domain.rendering import section_anchors
from quizapp.domain.slugs import slugify, text_slug, unique_slug
from quizapp.models import Course, Lesson, Question
from quizapp.services.question_store import add_question, apply_question, next_position

MAX_ID_LENGTH = 80


class AuthoringError(Exception):
    """The change was refused; `errors` are messages for the author."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class LessonFields:
    title: str
    body_md: str
    number: int | None = None
    slug: str | None = None
    # Every quiz rule (SPEC §12), quiz_size included; the default is a practice quiz.
    quiz: QuizRules = field(default_factory=QuizRules)


# --- lessons ------------------------------------------------------------------------------


def lessons_by_course(session: Session) -> dict[int, list[tuple[Lesson, int]]]:
    """Every lesson with its active question count, by course id, in two queries."""
    counts = dict(
        session.execute(
            sa.select(Question.lesson_id, sa.func.count())
            .where(Question.retired_at.is_(None))
            .group_by(Question.lesson_id)
        ).all()
    )
    outline: dict[int, list[tuple[Lesson, int]]] = {}
    for lesson in session.scalars(sa.select(Lesson).order_by(Lesson.course_id, Lesson.number)):
        outline.setdefault(lesson.course_id, []).append((lesson, counts.get(lesson.id, 0)))
    return outline


def next_lesson_number(session: Session, course: Course) -> int:
    highest = session.scalar(
        sa.select(sa.func.max(Lesson.number)).where(Lesson.course_id == course.id)
    )
    return (highest or 0) + 1


def create_lesson(session: Session, course: Course, fields: LessonFields) -> Lesson:
    number = fields.number or next_lesson_number(session, course)
    lesson = Lesson(course_id=course.id, number=number, slug="", title="")
    _write_lesson(session, course, lesson, fields, number)
    session.add(lesson)
    session.flush()
    return lesson


def update_lesson(session: Session, lesson: Lesson, fields: LessonFields) -> Lesson:
    _write_lesson(session, lesson.course, lesson, fields, fields.number or lesson.number)
    session.flush()
    return lesson


def _write_lesson(
    session: Session, course: Course, lesson: Lesson, fields: LessonFields, number: int
) -> None:
    # Lesson slugs follow the course Markdown: "## Clase 3 ¿Qué es Flask?" → clase-3-que-es-flask.
    slug = slugify(fields.slug or "") or slugify(f"Clase {number} {fields.title}")
    others = session.execute(
        sa.select(Lesson.number, Lesson.slug).where(
            Lesson.course_id == course.id, Lesson.id != (lesson.id or -1)
        )
    ).all()
    errors = []
    if number in {row.number for row in others}:
        errors.append(f"lesson number {number} is already used in this course")
    if slug in {row.slug for row in others}:
        errors.append(f"the slug {slug!r} is already used in this course")
    problem = dates_problem(fields.quiz)
    if problem is not None:
        errors.append(problem)
    if errors:
        raise AuthoringError(errors)
    lesson.number, lesson.slug = number, slug
    lesson.title, lesson.body_md = fields.title, fields.body_md
    lesson.set_quiz_rules(fields.quiz)


# --- questions ----------------------------------------------------------------------------


def lesson_questions(session: Session, lesson: Lesson) -> list[Question]:
    """Every question of the lesson, retired ones included, in quiz order."""
    return list(
        session.scalars(
            sa.select(Question)
            .where(Question.lesson_id == lesson.id)
            .order_by(Question.position, Question.id)
        )
    )


def lesson_sections(lesson: Lesson) -> list[tuple[str, str]]:
    """(anchor, heading) of each heading of the lesson's notes: the values a question's
    `section` takes so that its results link to that part of the lesson."""
    return section_anchors(lesson.body_md)


def names_no_section(lesson: Lesson, section: str | None) -> bool:
    """True when `section` is set but is neither a heading's anchor nor the lesson's own."""
    if not section or section == lesson.slug:
        return False
    return section not in {anchor for anchor, _title in lesson_sections(lesson)}


def checked_question(raw: dict[str, Any]) -> dict[str, Any]:
    """The normalised question, or AuthoringError with every problem the registry found."""
    question, problems = check_question(raw)
    if problems:
        raise AuthoringError(problems)
    question.pop("lesson", None)
    return question


def create_question(
    session: Session, lesson: Lesson, raw: dict[str, Any], now: datetime
) -> Question:
    """Add a question to the lesson; without an id, one is made from its title or prompt."""
    raw = dict(raw)
    taken = set(
        session.scalars(
            sa.select(Question.external_id).where(Question.course_id == lesson.course_id)
        )
    )
    if raw.get("id"):
        if raw["id"] in taken:
            raise AuthoringError([f"the id {raw['id']!r} is already used in this course"])
    else:
        raw["id"] = new_question_id(raw, taken)
    return add_question(session, lesson, checked_question(raw), now)


def update_question(session: Session, row: Question, raw: dict[str, Any]) -> bool:
    """Save an edit; the id and type stay. Returns True (and bumps the version) on change."""
    question = checked_question({**raw, "id": row.external_id, "type": row.type})
    # apply_question updates choice rows in place by position, so the (question, position)
    # unique constraint holds without deleting and flushing the old rows first.
    changed = apply_question(row, question)
    session.flush()
    return changed


def retire_question(session: Session, row: Question, now: datetime) -> None:
    """Hide the question from quizzes and reviews; its answers and cards stay."""
    if row.retired_at is None:
        row.retired_at = now
    session.flush()


def restore_question(session: Session, row: Question) -> None:
    row.retired_at = None
    session.flush()


def move_question(session: Session, row: Question, lesson: Lesson) -> None:
    """Move to another lesson of the same course, at its end; the version does not change."""
    if lesson.course_id != row.course_id:
        raise AuthoringError(["a question can only move to a lesson of its own course"])
    if lesson.id != row.lesson_id:
        row.lesson_id = lesson.id
        row.position = next_position(session, lesson.id)
    session.flush()


def new_question_id(raw: dict[str, Any], taken: set[str]) -> str:
    """From the title or prompt's words (link targets and URLs left out), whole words up to
    40 characters, made unique in the course."""
    base = text_slug(str(raw.get("title") or raw.get("prompt") or ""), limit=40)
    return unique_slug(base[:MAX_ID_LENGTH], taken, fallback="q")
