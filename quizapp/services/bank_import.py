"""Imports one question file (any importable format of the formats table) into a course:
plan, then apply.

`plan_import` writes nothing: it parses, validates and compares with the stored questions
so the instructor can see what will be created, updated or left unchanged. `apply_import`
writes a plan without errors in the caller's transaction. Questions are keyed by their
stable id, so re-importing a file updates instead of duplicating. A file import never
retires: questions missing from the file stay (only `content load` of whole banks retires)."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.formats.registry import detect_format, get_format, naming_hint
from quizapp.domain.questions.registry import check_question
from quizapp.domain.quiz_rules import QuizRules
from quizapp.domain.slugs import slugify
from quizapp.models import Course, Lesson, Media, Question
from quizapp.services import question_store
from quizapp.services.carried_media import (
    CarriedFile,
    check_carried,
    media_warnings,
    store_carried,
)
from quizapp.services.import_writes import (
    changes,
    changing_rows,
    collector_paused,
    created_values,
    insert_created,
)
from quizapp.services.media import MAX_MEDIA_BYTES
from quizapp.services.question_store import apply_question

# Keys a parser may add that are not part of the stored question.
_PLACEMENT_KEYS = ("lesson", "category")


class ImportRefused(Exception):
    """apply_import was given a plan with errors."""


@dataclass
class PlannedQuestion:
    question: dict[str, Any]
    lesson_id: int
    line: int
    action: str  # "create", "update" or "unchanged"


@dataclass
class ImportPlan:
    """What importing a file would do; `errors` and `unsupported` are `file:line: message`."""

    course_id: int
    filename: str
    fmt: str
    target_lesson_id: int | None
    items: list[PlannedQuestion] = field(default_factory=list)
    # Questions of the touched lessons that the file does not mention: they stay active.
    kept: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. images without alt text
    # Files the questions carry, checked, by stored name (quizapp.services.carried_media).
    media: dict[str, CarriedFile] = field(default_factory=dict)
    max_media_bytes: int = MAX_MEDIA_BYTES
    # Quiz rules the file sets, by lesson id (a YAML bank's `quiz:` / `quizzes:`).
    quizzes: dict[int, QuizRules] = field(default_factory=dict)
    # Each category the file's questions sit in (Moodle XML, GIFT), without a target
    # lesson, and the lesson it goes to: None when no lesson has its name and no mapping
    # says where (the import page then asks, category by category).
    categories: dict[str, int | None] = field(default_factory=dict)

    def ids(self, action: str) -> list[str]:
        return [item.question["id"] for item in self.items if item.action == action]

    @property
    def created(self) -> list[str]:
        return self.ids("create")

    @property
    def updated(self) -> list[str]:
        return self.ids("update")

    @property
    def unchanged(self) -> list[str]:
        return self.ids("unchanged")

    @property
    def unmapped(self) -> list[str]:
        """The file's categories that name no lesson, in file order."""
        return [category for category, lesson_id in self.categories.items() if lesson_id is None]

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_upload(data: bytes, filename: str) -> tuple[str, list[str]]:
    """The file's text (UTF-8, a BOM dropped) or an error message for it."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", [f"{filename}:{line}: the file is not UTF-8 text"]


@collector_paused()
def plan_import(
    session: Session,
    course: Course,
    lesson: Lesson | None,
    source: str | bytes,
    filename: str,
    fmt: str | None = None,
    category_lessons: dict[str, str] | None = None,
    max_media_bytes: int = MAX_MEDIA_BYTES,
) -> ImportPlan:
    """Parse and check a file (its bytes, or its text); `lesson` (when given) receives every
    question of the file. `fmt` names a format of the table; None detects it.
    `category_lessons` maps a file's category (its whole path, or its last part) to a lesson
    number, slug or title, for categories whose names are not the course's lessons.
    Files the questions carry are checked here (a refused one is an error of its question)
    and the questions point at their stored names; `apply_import` stores them."""
    head = source.encode("utf-8") if isinstance(source, str) else source
    found = get_format(fmt) if fmt else detect_format(filename, head)
    plan = ImportPlan(course.id, filename, fmt or "", lesson.id if lesson else None)
    plan.max_media_bytes = max_media_bytes
    if found is None or found.parse is None:
        plan.errors.append(
            f"{filename}:1: unknown format; name the file {naming_hint()}, or choose one"
        )
        return plan
    plan.fmt = found.name
    if found.binary:
        content: str | bytes = head
    elif isinstance(source, bytes):
        content, plan.errors = decode_upload(source, filename)
        if plan.errors:
            return plan
    else:
        content = source
    parsed = found.parse(content, filename)
    plan.errors += parsed.errors
    plan.unsupported += parsed.unsupported
    lessons = _lesson_keys(session, course)
    _plan_quizzes(plan, parsed.quizzes, lessons, lesson)
    stored = _stored_states(session, course.id)
    known = set(session.scalars(sa.select(Media.name).where(Media.course_id == course.id)))
    for raw, line in parsed.questions:
        target = lesson or _lesson_of(raw, lessons, category_lessons or {})
        if lesson is None and raw.get("lesson") is None and raw.get("category"):
            plan.categories.setdefault(str(raw["category"]), target.id if target else None)
        question = {k: v for k, v in raw.items() if k not in _PLACEMENT_KEYS}
        if parsed.media.get(raw.get("id")):
            carried = parsed.media[raw["id"]]
            question, files, refused = check_carried(
                question, carried, filename, line, max_media_bytes
            )
            plan.media.update(files)
            plan.errors += refused
        if target is None:
            plan.errors.append(_no_lesson_message(filename, line, raw))
            continue
        normalised, problems = check_question(question)
        if problems:
            plan.errors += [f"{filename}:{line}: {question.get('id')}: {p}" for p in problems]
            continue
        question = {k: v for k, v in normalised.items() if k not in _PLACEMENT_KEYS}
        plan.warnings += media_warnings(question, filename, line, known, plan.media)
        action = _action(stored.get(question["id"]), question, target)
        plan.items.append(PlannedQuestion(question, target.id, line, action))
    plan.kept = _kept(session, plan)
    return plan


def _plan_quizzes(
    plan: ImportPlan,
    quizzes: dict[int | str, QuizRules],
    lessons: dict[str, Lesson],
    target: Lesson | None,
) -> None:
    """Each quiz block's lesson; with a target lesson, the file's rules go to it (as its
    questions do) when the file names a single lesson."""
    for key, rules in quizzes.items():
        found = target if target is not None and len(quizzes) == 1 else lessons.get(str(key))
        if found is None:
            plan.errors.append(
                f"{plan.filename}:1: quiz rules for lesson {key!r}, which the course does not have"
            )
            continue
        plan.quizzes[found.id] = rules


def category_mapping(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """`CATEGORY=LESSON` lines (the CLI's `--category`, the import page's box) as the
    `category_lessons` of `plan_import`, and a message for each line that is not one."""
    mapping: dict[str, str] = {}
    problems = []
    for line in (item.strip() for item in lines):
        category, _, lesson = line.rpartition("=")
        if not line:
            continue
        if not category.strip() or not lesson.strip():
            problems.append(f"{line!r}: write CATEGORY=LESSON")
            continue
        mapping[category.strip()] = lesson.strip()
    return mapping, problems


@collector_paused()
def apply_import(
    session: Session,
    plan: ImportPlan,
    *,
    media_dir: str | Path | None = None,
    now: datetime | None = None,
) -> ImportPlan:
    """Write the plan (created, updated, restored) and store the files its questions carry
    (a plan with files needs `media_dir` and `now`); the caller commits.

    The number of statements does not grow with the file: the course's questions are read
    once, new questions and their choices go in as bulk INSERTs, and only stored questions
    that change are written through the ORM, their choices read in one query first."""
    if plan.errors:
        raise ImportRefused("\n".join(plan.errors))
    if plan.media:
        store_carried(session, plan.course_id, plan.media, media_dir, now, plan.max_media_bytes)
    stored = _stored_states(session, plan.course_id)
    changing = changing_rows(session, plan.course_id, plan.items, stored)
    next_position: dict[int, int] = {}
    created: dict[str, dict[str, Any]] = {}
    for item in plan.items:
        question_id = item.question["id"]
        if question_id not in stored:
            values = created_values(created.get(question_id), item.question)
            # A new question takes a place at the end of its lesson, as a moved one does.
            values["lesson_id"] = item.lesson_id
            values["position"] = _take_position(session, next_position, item.lesson_id)
            created[question_id] = values
            continue
        row = changing.get(question_id)
        if row is None:
            continue  # same content, same lesson, active: nothing to write
        apply_question(row, item.question)
        if row.lesson_id != item.lesson_id:
            row.lesson_id = item.lesson_id
            row.position = _take_position(session, next_position, item.lesson_id)
        row.retired_at = None
    insert_created(session, plan.course_id, list(created.values()), now)
    for lesson_id, rules in plan.quizzes.items():
        session.get(Lesson, lesson_id).set_quiz_rules(rules)
    session.flush()
    return plan


def summary(plan: ImportPlan) -> str:
    return (
        f"{plan.filename}: {len(plan.created)} created, {len(plan.updated)} updated, "
        f"{len(plan.unchanged)} unchanged, {len(plan.unsupported)} unsupported, "
        f"{len(plan.kept)} not in the file kept (file imports never retire)"
    )


# --- placing and comparing ----------------------------------------------------------------


def _lesson_keys(session: Session, course: Course) -> dict[str, Lesson]:
    """Lessons by number, slug and slugified title: how files may name a lesson."""
    keys: dict[str, Lesson] = {}
    for lesson in session.scalars(sa.select(Lesson).where(Lesson.course_id == course.id)):
        keys.setdefault(slugify(lesson.title), lesson)
        keys[lesson.slug] = lesson
        keys[str(lesson.number)] = lesson
    return keys


def _lesson_of(
    raw: dict[str, Any], lessons: dict[str, Lesson], category_lessons: dict[str, str]
) -> Lesson | None:
    if raw.get("lesson") is not None:
        return lessons.get(str(raw["lesson"]))
    category = raw.get("category")
    if category:
        # Our exports write `$CATEGORY: <course>/<lesson>`; the last part names the lesson.
        last = str(category).rstrip("/").rsplit("/", 1)[-1].strip()
        named = category_lessons.get(str(category), category_lessons.get(last, last))
        return lessons.get(named) or lessons.get(slugify(named))
    return None


def _no_lesson_message(filename: str, line: int, raw: dict[str, Any]) -> str:
    named = raw.get("lesson") if raw.get("lesson") is not None else raw.get("category")
    if named:
        return (
            f"{filename}:{line}: question {raw.get('id')!r} names lesson {named!r}, "
            "which the course does not have"
        )
    return f"{filename}:{line}: question {raw.get('id')!r} has no lesson; choose a target lesson"


def _stored_states(session: Session, course_id: int) -> dict[str, sa.Row]:
    """What an import compares, of every question of the course, by external id (plain
    rows: reading 10,000 whole questions as objects would cost more than the import)."""
    query = sa.select(
        Question.id,
        Question.external_id,
        Question.content_hash,
        Question.lesson_id,
        Question.retired_at,
    ).where(Question.course_id == course_id)
    return {row.external_id: row for row in session.execute(query)}


def _action(stored: sa.Row | None, question: dict[str, Any], lesson: Lesson) -> str:
    if stored is None:
        return "create"
    return "update" if changes(stored, question, lesson.id) else "unchanged"


def _kept(session: Session, plan: ImportPlan) -> list[str]:
    lesson_ids = {item.lesson_id for item in plan.items}
    if plan.target_lesson_id is not None:
        lesson_ids.add(plan.target_lesson_id)
    mentioned = {item.question["id"] for item in plan.items}
    rows = session.scalars(
        sa.select(Question.external_id)
        .where(Question.lesson_id.in_(lesson_ids), Question.retired_at.is_(None))
        .order_by(Question.position, Question.id)
    )
    return [external_id for external_id in rows if external_id not in mentioned]


def _take_position(session: Session, next_position: dict[int, int], lesson_id: int) -> int:
    if lesson_id not in next_position:
        next_position[lesson_id] = question_store.next_position(session, lesson_id)
    position = next_position[lesson_id]
    next_position[lesson_id] += 1
    return position
