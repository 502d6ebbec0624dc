"""Read-side queries over the course catalogue, each a bounded number of SQL statements."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.domain.questions.registry import QUESTION_TYPES
from quizapp.models import Course, Lesson, Question
from quizapp.services.access import member_role
from quizapp.services.attached import Attached

# The types a quiz asks and counts (services.quizzes.question_count): graded
# automatically or by hand; descriptions are shown but not counted.
_QUIZ_TYPES = sorted(name for name, qtype in QUESTION_TYPES.items() if qtype.scored)


@dataclass(frozen=True)
class LessonSummary:
    lesson: Lesson
    question_count: int  # every active question
    # What the learner meets: questions asked in the quiz (what the quiz page counts) and
    # flashcards (never in the quiz; they join the review deck when the quiz starts).
    quiz_question_count: int = 0
    flashcard_count: int = 0


@dataclass(frozen=True)
class CourseSummary:
    course: Course
    lesson_count: int
    question_count: int  # every active question (the instructor pages count these)
    # As LessonSummary: what the quizzes ask from, and the flashcards studied in review.
    quiz_question_count: int = 0
    flashcard_count: int = 0


def active_question_filter():
    return Question.retired_at.is_(None)


def _of_types(names) -> sa.ColumnElement:
    return sa.func.sum(sa.case((Question.type.in_(names), 1), else_=0))


def list_courses(session: Session, where=None) -> list[CourseSummary]:
    """Every course, or those meeting `where` (a condition on Course, e.g.
    quizapp.services.access.visible_course_filter)."""
    lesson_counts = (
        sa.select(Lesson.course_id, sa.func.count().label("n"))
        .group_by(Lesson.course_id)
        .subquery()
    )
    question_counts = (
        sa.select(
            Question.course_id,
            sa.func.count().label("n"),
            _of_types(_QUIZ_TYPES).label("quiz"),
            _of_types(["flashcard"]).label("flashcards"),
        )
        .where(active_question_filter())
        .group_by(Question.course_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(
            Course,
            sa.func.coalesce(lesson_counts.c.n, 0),
            sa.func.coalesce(question_counts.c.n, 0),
            sa.func.coalesce(question_counts.c.quiz, 0),
            sa.func.coalesce(question_counts.c.flashcards, 0),
        )
        .outerjoin(lesson_counts, lesson_counts.c.course_id == Course.id)
        .outerjoin(question_counts, question_counts.c.course_id == Course.id)
        .where(sa.true() if where is None else where)
        .order_by(Course.title)
    ).all()
    return [CourseSummary(course, *(int(n) for n in numbers)) for course, *numbers in rows]


# At most nine digits: a lesson number the integer column can hold.
_LESSON_NUMBER = re.compile(r"[0-9]{1,9}")


# Built once: every course page looks its course (and lesson) up by slug.
_COURSE_BY_SLUG = sa.select(Course).where(Course.slug == sa.bindparam("slug"))


def _lesson_lookup(by_number: bool, *columns) -> sa.Select:
    """The lesson with its course, or these `columns` of the lesson joined to its course."""
    named = Lesson.slug == sa.bindparam("key")
    if by_number:
        named = sa.or_(named, Lesson.number == sa.bindparam("number"))
    if columns:
        lookup = sa.select(*columns).join_from(Lesson, Course, Course.id == Lesson.course_id)
    else:
        # The pages show the course too: fill it from the join instead of a second query.
        lookup = sa.select(Lesson).join(Course).options(contains_eager(Lesson.course))
    return (
        lookup.where(Course.slug == sa.bindparam("course_slug"), named)
        .order_by((Lesson.slug == sa.bindparam("key")).desc())
        .limit(1)
    )


_LESSON_BY_KEY = {by_number: _lesson_lookup(by_number) for by_number in (False, True)}
# The same as Core columns (services.attached), with the member's role in the course
# (access.member_role) read along.
_LESSON = Attached(Lesson)
_COURSE = Attached(Course)
_LESSON_AND_ROLE_BY_KEY = {
    by_number: _lesson_lookup(
        by_number, *_LESSON.columns, *_COURSE.columns, member_role(sa.bindparam("member_id"))
    )
    for by_number in (False, True)
}


def find_course(session: Session, slug: str) -> Course | None:
    return session.scalar(_COURSE_BY_SLUG, {"slug": slug})


def _lesson_parameters(course_slug: str, lesson_key: str) -> tuple[bool, dict]:
    by_number = _LESSON_NUMBER.fullmatch(lesson_key) is not None
    parameters = {"course_slug": course_slug, "key": lesson_key}
    if by_number:
        parameters["number"] = int(lesson_key)
    return by_number, parameters


def find_lesson(session: Session, course_slug: str, lesson_key: str) -> Lesson | None:
    """The course's lesson named by its slug, or by its number (`3`) as the command line
    and the import API let people name it; a slug wins over a number that reads the same."""
    by_number, parameters = _lesson_parameters(course_slug, lesson_key)
    return session.scalar(_LESSON_BY_KEY[by_number], parameters)


def find_lesson_and_role(
    session: Session, course_slug: str, lesson_key: str, user_id: int
) -> tuple[Lesson | None, str | None]:
    """find_lesson, and the user's role in its course (None: not a member) read along in
    the same statement: every lesson page checks the caller's standing (auth.access)
    first, before anything is pending, so its row is read without the ORM (services.
    attached) and becomes the lesson with its course."""
    by_number, parameters = _lesson_parameters(course_slug, lesson_key)
    row = (
        session.connection()
        .execute(_LESSON_AND_ROLE_BY_KEY[by_number], parameters | {"member_id": user_id})
        .first()
    )
    if row is None:
        return None, None
    lesson = _LESSON(session, row[:_LESSON_COLUMNS])
    set_committed_value(lesson, "course", _COURSE(session, row[_LESSON_COLUMNS:-1]))
    return lesson, row[-1]


_LESSON_COLUMNS = len(_LESSON.columns)


def lesson_summaries(session: Session, course: Course) -> list[LessonSummary]:
    counts = (
        sa.select(
            Question.lesson_id,
            sa.func.count().label("n"),
            _of_types(_QUIZ_TYPES).label("quiz"),
            _of_types(["flashcard"]).label("flashcards"),
        )
        .where(active_question_filter(), Question.course_id == course.id)
        .group_by(Question.lesson_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(
            Lesson,
            sa.func.coalesce(counts.c.n, 0),
            sa.func.coalesce(counts.c.quiz, 0),
            sa.func.coalesce(counts.c.flashcards, 0),
        )
        .outerjoin(counts, counts.c.lesson_id == Lesson.id)
        .where(Lesson.course_id == course.id)
        .order_by(Lesson.number)
    ).all()
    return [LessonSummary(lesson, *(int(n) for n in numbers)) for lesson, *numbers in rows]


def active_questions(session: Session, lesson: Lesson) -> list[Question]:
    return list(
        session.scalars(
            sa.select(Question)
            .where(Question.lesson_id == lesson.id, active_question_filter())
            .order_by(Question.position, Question.id)
        )
    )


def question_type_counts(session: Session) -> dict[int, dict[str, int]]:
    """Active questions per lesson id and type, for `content list`."""
    rows = session.execute(
        sa.select(Question.lesson_id, Question.type, sa.func.count())
        .where(active_question_filter())
        .group_by(Question.lesson_id, Question.type)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for lesson_id, type_name, count in rows:
        counts.setdefault(lesson_id, {})[type_name] = count
    return counts


def catalogue_listing(session: Session) -> list[dict]:
    """The shape of `quizapp content list --json`."""
    counts = question_type_counts(session)
    courses = session.scalars(sa.select(Course).order_by(Course.slug)).all()
    lessons = session.scalars(sa.select(Lesson).order_by(Lesson.course_id, Lesson.number)).all()
    by_course: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        by_course.setdefault(lesson.course_id, []).append(lesson)
    return [
        {
            "slug": course.slug,
            "title": course.title,
            "lessons": [
                {
                    "number": lesson.number,
                    "slug": lesson.slug,
                    "title": lesson.title,
                    "questions": dict(sorted(counts.get(lesson.id, {}).items())),
                }
                for lesson in by_course.get(course.id, [])
            ],
        }
        for course in courses
    ]
