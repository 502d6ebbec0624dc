"""Loads a course (Markdown notes + YAML banks) into the database, all or nothing.

Loading is keyed by stable ids: lessons by number, questions by their bank id, so
re-loading updates in place, and questions missing from the banks are retired."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.course_markdown import ParsedCourse, parse_course_markdown
from quizapp.domain.formats.bank import BankError, BankParseResult, check_banks, parse_bank
from quizapp.domain.front_matter import split_front_matter
from quizapp.domain.quiz_rules import QuizRules
from quizapp.domain.slugs import slugify
from quizapp.models import Course, Lesson, Question
from quizapp.services.memberships import new_join_code
from quizapp.services.question_store import apply_question
from quizapp.services.source_media import (
    read_source_media,
    store_source_media,
    strings_of,
    with_stored_names,
)

COURSE_FILE = "course.md"
BANK_SUFFIXES = (".yaml", ".yml")


class ContentError(Exception):
    """The content could not be loaded; `errors` are `file:line: message` strings."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadReport:
    course_slug: str
    lessons_created: int = 0
    lessons_updated: int = 0
    questions_created: int = 0
    questions_updated: int = 0
    questions_unchanged: int = 0
    questions_retired: int = 0
    warnings: list[str] = field(default_factory=list)


def format_error(error) -> str:
    """Both parsers' errors print as `file:line: message`."""
    return str(error)


def course_files(path: Path) -> tuple[Path, list[Path], str]:
    """The course Markdown file, its bank files and the course slug for a folder or file."""
    if path.is_dir():
        markdown = path / COURSE_FILE
        if not markdown.is_file():
            raise ContentError([f"{path}:0: no {COURSE_FILE} in this course folder"])
        banks = sorted(p for p in path.iterdir() if p.suffix in BANK_SUFFIXES)
        return markdown, banks, slugify(path.name)
    if not path.is_file():
        raise ContentError([f"{path}:0: no such file or folder"])
    return path, [], ""


def course_folders(root: Path) -> list[Path]:
    """Every course folder below a questions/ root (a folder holding course.md)."""
    if (root / COURSE_FILE).is_file():
        return [root]
    return sorted(p for p in root.iterdir() if (p / COURSE_FILE).is_file())


def load_path(
    session: Session, path: Path, now: datetime, media_dir: str | Path | None = None
) -> LoadReport:
    """`media_dir` is where files named with `media:` beside the sources are stored."""
    markdown_path, bank_paths, slug = course_files(path)
    front = split_front_matter(markdown_path.read_text(encoding="utf-8"), str(markdown_path))
    parsed = parse_course_markdown(front.body, str(markdown_path))
    errors = front.errors + [format_error(error) for error in parsed.errors]
    banks = [parse_bank(p.read_text(encoding="utf-8"), str(p)) for p in bank_paths]
    for bank in banks:
        errors.extend(format_error(error) for error in bank.errors)
    errors.extend(format_error(error) for error in check_banks(banks))
    questions = [question for bank in banks for question in bank.questions]
    errors.extend(_unknown_lessons(parsed, banks))
    errors.extend(_unknown_quiz_lessons(parsed, banks))
    media_files, media_errors = read_source_media(
        markdown_path.parent, _markdown_sources(str(markdown_path), parsed, banks)
    )
    errors.extend(media_errors)
    if media_files and media_dir is None:
        errors.append(f"{markdown_path}:0: media files are named but no media folder is set")
    if errors:
        raise ContentError(errors)
    slug = slug or slugify(parsed.title)
    report = LoadReport(course_slug=slug)
    course = _upsert_course(session, slug, parsed)
    if media_files:
        names = store_source_media(session, course, media_files, media_dir=media_dir, now=now)
        parsed = _renamed(parsed, names)
        course.description_md = parsed.description
        questions = [with_stored_names(question, names) for question in questions]
    _apply_front_matter(course, front.values)
    lessons = _upsert_lessons(session, course, parsed, report)
    _apply_quiz_rules(banks, lessons)
    if bank_paths:
        _upsert_questions(session, course, lessons, questions, now, report)
    session.flush()
    return report


def _markdown_sources(markdown_file: str, parsed: ParsedCourse, banks: list[BankParseResult]):
    """(`file:line`, text) of everything that may name a media file."""
    yield f"{markdown_file}:1", parsed.description
    for lesson in parsed.lessons:
        yield f"{markdown_file}:{lesson.line}", lesson.body_markdown
    for bank in banks:
        for question in bank.questions:
            where = f"{bank.filename}:{bank.ids.get(question['id'], 0)}"
            yield where, "\n".join(strings_of(question))


def _renamed(parsed: ParsedCourse, names: dict[str, str]) -> ParsedCourse:
    lessons = [
        replace(lesson, body_markdown=with_stored_names(lesson.body_markdown, names))
        for lesson in parsed.lessons
    ]
    description = with_stored_names(parsed.description, names)
    return replace(parsed, description=description, lessons=lessons)


def load_course_text(
    session: Session, course: Course, text: str, filename: str, now: datetime
) -> LoadReport:
    """The lessons (and title, description, visibility) of one course Markdown text into
    an existing course, as the browser's "create a course from a file" does."""
    front = split_front_matter(text, filename)
    parsed = parse_course_markdown(front.body, filename)
    errors = front.errors + [format_error(error) for error in parsed.errors]
    if errors:
        raise ContentError(errors)
    course.title, course.description_md = parsed.title, parsed.description
    _apply_front_matter(course, front.values)
    report = LoadReport(course_slug=course.slug)
    _upsert_lessons(session, course, parsed, report)
    return report


def _apply_front_matter(course: Course, values: dict) -> None:
    """Only what the file says: a reload without front matter keeps the course's settings
    (changed since on its settings page)."""
    if values.get("visibility"):
        course.visibility = values["visibility"]
        if course.visibility == "code" and not course.join_code:
            course.join_code = new_join_code()


def _lesson_lookup(parsed: ParsedCourse) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for lesson in parsed.lessons:
        lookup[str(lesson.number)] = lesson.number
        lookup[lesson.slug] = lesson.number
    return lookup


def _unknown_lessons(parsed: ParsedCourse, banks: list[BankParseResult]) -> list[str]:
    lookup = _lesson_lookup(parsed)
    return [
        f"{bank.filename}:{bank.ids.get(question['id'], 0)}: question {question['id']!r} "
        f"names lesson {question.get('lesson')!r}, which the course does not have"
        for bank in banks
        for question in bank.questions
        if str(question.get("lesson")) not in lookup
    ]


def _quiz_rules_by_lesson(bank: BankParseResult) -> dict[int | str, QuizRules]:
    found = dict(bank.quizzes)
    if bank.quiz is not None and bank.lesson_key is not None:
        found[bank.lesson_key] = bank.quiz
    return found


def _unknown_quiz_lessons(parsed: ParsedCourse, banks: list[BankParseResult]) -> list[str]:
    lookup = _lesson_lookup(parsed)
    return [
        f"{bank.filename}:1: quiz rules for lesson {key!r}, which the course does not have"
        for bank in banks
        for key in _quiz_rules_by_lesson(bank)
        if str(key) not in lookup
    ]


def _apply_quiz_rules(banks: list[BankParseResult], lessons: dict[str, "Lesson"]) -> None:
    """Only what the banks say: a lesson whose bank has no `quiz:` block keeps the rules
    set since in the editor or the API."""
    for bank in banks:
        for key, rules in _quiz_rules_by_lesson(bank).items():
            lessons[str(key)].set_quiz_rules(rules)


def _upsert_course(session: Session, slug: str, parsed: ParsedCourse) -> Course:
    course = session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None:
        course = Course(slug=slug, title=parsed.title)
        session.add(course)
    course.title = parsed.title
    course.description_md = parsed.description
    session.flush()
    return course


def _upsert_lessons(
    session: Session, course: Course, parsed: ParsedCourse, report: LoadReport
) -> dict[str, Lesson]:
    existing = {lesson.number: lesson for lesson in course.lessons}
    by_key: dict[str, Lesson] = {}
    for item in parsed.lessons:
        lesson = existing.get(item.number)
        if lesson is None:
            lesson = Lesson(course=course, number=item.number, slug=item.slug, title=item.title)
            session.add(lesson)
            report.lessons_created += 1
        elif (lesson.slug, lesson.title, lesson.body_md) != (
            item.slug,
            item.title,
            item.body_markdown,
        ):
            report.lessons_updated += 1
        lesson.slug, lesson.title, lesson.body_md = item.slug, item.title, item.body_markdown
        by_key[str(item.number)] = by_key[item.slug] = lesson
    session.flush()
    return by_key


def _upsert_questions(
    session: Session,
    course: Course,
    lessons: dict[str, Lesson],
    questions: list[dict],
    now: datetime,
    report: LoadReport,
) -> None:
    stored = {
        q.external_id: q
        for q in session.scalars(sa.select(Question).where(Question.course_id == course.id))
    }
    seen: set[str] = set()
    for position, question in enumerate(questions):
        clean = {k: v for k, v in question.items() if not k.startswith("_")}
        lesson = lessons[str(clean.pop("lesson"))]
        row = stored.get(clean["id"])
        if row is None:
            row = Question(course_id=course.id, lesson_id=lesson.id, content_hash="")
            session.add(row)
            report.questions_created += 1
            apply_question(row, clean)
        elif apply_question(row, clean) or row.lesson_id != lesson.id or row.retired_at:
            report.questions_updated += 1
        else:
            report.questions_unchanged += 1
        row.lesson_id, row.position, row.retired_at = lesson.id, position, None
        seen.add(clean["id"])
    for external_id, row in stored.items():
        if external_id not in seen and row.retired_at is None:
            row.retired_at = now
            report.questions_retired += 1


__all__ = [
    "BankError",
    "ContentError",
    "LoadReport",
    "course_folders",
    "load_course_text",
    "load_path",
]
