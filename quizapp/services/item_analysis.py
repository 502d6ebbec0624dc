"""Item analysis of a course's questions: facility, discrimination, choice counts and the
first-attempt test statistics, each aggregated by one grouped SQL query.

Data subset (as Moodle's default): each learner's FIRST attempt at a lesson
(Attempt.number == 1) that has been submitted, and the answers in it that carry a score
(ungradable questions such as flashcards have none). Facility, discrimination, choice
counts and Cronbach's alpha all use that subset.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import statistics
from quizapp.domain.questions.registry import in_deck, is_scored
from quizapp.domain.rendering import plain_text
from quizapp.domain.statistics import ItemFlags, ItemSums
from quizapp.models import Answer, AnswerChoice, Attempt, Course, Lesson, Question
from quizapp.services.access import counts_as_learner

SORT_KEYS = ("position", "facility", "discrimination", "attempts")


@dataclass(frozen=True)
class ChoiceCount:
    position: int
    text_md: str
    is_correct: bool
    count: int
    share: float | None  # of the item's analysed responses; may sum over 1 for multi-select

    @property
    def label(self) -> str:
        return choice_label(self.position)


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What the question table, its CSV and the API show of a question, read as Core
    columns: no ORM identity work for a course's hundreds of questions."""

    id: int
    external_id: str
    type: str
    title: str
    prompt_md: str
    retired_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True)
class QuestionStats:
    question: QuestionInfo
    lesson_number: int
    attempts: int  # analysed (first, submitted) responses
    facility: float | None
    discrimination: float | None
    flags: ItemFlags
    choices: list[ChoiceCount] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """Part of a course's learner data: one user's attempts, or one attempt. The figures
    of a part are that part's contribution to the course's (sufficient statistics add up),
    which is how quizapp.services.course_statistics maintains them.

    The statements are built once per dialect and `shape` (which of the fields are set,
    as bound parameters) and run with `params`: a submission computes its attempt's
    contribution, and building these statements anew cost more than running them."""

    user_id: int | None = None
    attempt_id: int | None = None

    @property
    def shape(self) -> tuple[bool, bool]:
        return (self.user_id is not None, self.attempt_id is not None)

    def params(self, course: Course | int) -> dict[str, int]:
        found = {"course_id": course if isinstance(course, int) else course.id}
        if self.user_id is not None:
            found["scope_user_id"] = self.user_id
        if self.attempt_id is not None:
            found["scope_attempt_id"] = self.attempt_id
        return found


WHOLE_COURSE = Scope()


def scope_conditions(shape: tuple[bool, bool]) -> list:
    """The conditions of a Scope of this shape, on the parameters its `params` fills."""
    by_user, by_attempt = shape
    found = []
    if by_user:
        found.append(Attempt.user_id == sa.bindparam("scope_user_id"))
    if by_attempt:
        found.append(Attempt.id == sa.bindparam("scope_attempt_id"))
    return found


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def choice_label(position: int) -> str:
    """A, B, ... Z, then 27, 28...: the letters learners saw in Moodle-like reports."""
    return chr(ord("A") + position) if 0 <= position < 26 else str(position + 1)


def _first_attempt_filter(shape: tuple[bool, bool]):
    """Attempt rows of the analysed subset of the course `:course_id` (of one user's or one
    attempt's, with a Scope's `shape`). The lessons are an IN list rather than a join so
    both databases walk attempts through ix_attempts_lesson_first (lesson, number,
    submitted_at) and then the answers through their covering (attempt, question, score)
    index (see migrations/versions/0002_dashboard_indexes.py)."""
    course_id = sa.bindparam("course_id")
    return sa.and_(
        Attempt.lesson_id.in_(sa.select(Lesson.id).where(Lesson.course_id == course_id)),
        Attempt.number == 1,
        Attempt.submitted_at.is_not(None),
        # Staff previews and removed learners are not learner data (a preview stays one
        # even if its author later becomes a learner of the course).
        Attempt.preview.is_(False),
        counts_as_learner(Attempt.user_id, course_id),
        *scope_conditions(shape),
    )


def _analysed_responses(dialect: str, shape: tuple[bool, bool]):
    """One row per analysed response: the attempt's lesson, the question, the item score
    x and the attempt's total (Σ item scores). Two equivalent forms, each the faster on
    its database with the bench data set (500,000 answers): PostgreSQL computes the total
    as a window sum in one pass over the answers (its estimate of the joined form is far
    off, and that plan is 2x slower); SQLite's window functions cost more than reading
    the answers twice through the covering index, so it joins per-attempt totals."""
    analysed = sa.and_(_first_attempt_filter(shape), Answer.score.is_not(None))
    if dialect != "sqlite":
        return (
            sa.select(
                Attempt.lesson_id.label("lesson_id"),
                Answer.question_id.label("question_id"),
                Answer.score.label("x"),
                sa.func.sum(Answer.score).over(partition_by=Answer.attempt_id).label("total"),
            )
            .join(Answer, Answer.attempt_id == Attempt.id)
            .where(analysed)
            .subquery("responses")
        )
    totals = (
        sa.select(
            Attempt.id.label("attempt_id"),
            Attempt.lesson_id.label("lesson_id"),
            sa.func.sum(Answer.score).label("total"),
        )
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(analysed)
        .group_by(Attempt.id, Attempt.lesson_id)
        .subquery("totals")
    )
    return (
        sa.select(
            totals.c.lesson_id,
            Answer.question_id.label("question_id"),
            Answer.score.label("x"),
            totals.c.total,
        )
        .join(totals, totals.c.attempt_id == Answer.attempt_id)
        .where(Answer.score.is_not(None))
        .subquery("responses")
    )


def item_sums(
    session: Session, course: Course | int, scope: Scope = WHOLE_COURSE
) -> dict[tuple[int, int], ItemSums]:
    """Sufficient statistics per (lesson, question) recomputed from the answers in ONE
    grouped query, where x is the item score and y = attempt total - x its rest score.
    Keyed by the lesson of the attempt, so a question moved between lessons still counts
    where it was answered. (The dashboard reads the maintained copy of these.)"""
    statement = _item_sums_statement(dialect_name(session), scope.shape)
    rows = session.execute(statement, scope.params(course)).all()
    return {
        (lesson_id, qid): ItemSums(int(n), *(float(value or 0) for value in sums))
        for lesson_id, qid, n, *sums in rows
    }


@cache
def _item_sums_statement(dialect: str, shape: tuple[bool, bool]) -> sa.Select:
    responses = _analysed_responses(dialect, shape)
    x = responses.c.x
    y = responses.c.total - responses.c.x
    return sa.select(
        responses.c.lesson_id,
        responses.c.question_id,
        sa.func.count(),
        sa.func.sum(x),
        sa.func.sum(x * x),
        sa.func.sum(y),
        sa.func.sum(y * y),
        sa.func.sum(x * y),
    ).group_by(responses.c.lesson_id, responses.c.question_id)


def _sums_per_question(sums: dict[tuple[int, int], ItemSums]) -> dict[int, ItemSums]:
    result: dict[int, ItemSums] = {}
    for (_lesson_id, qid), item in sums.items():
        result[qid] = statistics.add_sums(result[qid], item) if qid in result else item
    return result


def choice_counts(
    session: Session, course: Course | int, scope: Scope = WHOLE_COURSE
) -> dict[tuple[int, int], int]:
    """How many analysed responses selected each (question id, choice position),
    recomputed from the answers."""
    rows = session.execute(_choice_counts_statement(scope.shape), scope.params(course)).all()
    return {(qid, position): count for qid, position, count in rows}


@cache
def _choice_counts_statement(shape: tuple[bool, bool]) -> sa.Select:
    return (
        sa.select(AnswerChoice.question_id, AnswerChoice.choice_position, sa.func.count())
        .join(Answer, Answer.id == AnswerChoice.answer_id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(_first_attempt_filter(shape))
        .group_by(AnswerChoice.question_id, AnswerChoice.choice_position)
    )


_QUESTION_COLUMNS = (
    Question.id,
    Question.external_id,
    Question.type,
    Question.title,
    Question.prompt_md,
    Question.retired_at,
)


def question_statistics(
    session: Session, course: Course, sums: dict[tuple[int, int], ItemSums] | None = None
) -> list[QuestionStats]:
    """Active questions, plus retired ones that still have analysed responses, from the
    maintained statistics (quizapp.services.course_statistics)."""
    from quizapp.services import course_statistics

    questions = session.execute(
        sa.select(*_QUESTION_COLUMNS, Lesson.number)
        .join(Lesson, Lesson.id == Question.lesson_id)
        .where(Question.course_id == course.id)
        .order_by(Lesson.number, Question.position, Question.id)
    ).all()
    choices = course_statistics.choices_with_counts(session, course)
    if sums is None:
        sums = course_statistics.item_sums(session, course)
    per_question = _sums_per_question(sums)
    result = []
    no_sums = ItemSums(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    for *columns, lesson_number in questions:
        question = QuestionInfo(*columns)
        item = per_question.get(question.id, no_sums)
        if not question.is_active and not item.n:
            continue
        if not is_scored(question.type) and not in_deck(question.type):
            continue  # a description: nothing answered, nothing to analyse
        facility = statistics.facility_index(item)
        discrimination = statistics.discrimination_index(item)
        result.append(
            QuestionStats(
                question=question,
                lesson_number=lesson_number,
                attempts=item.n,
                facility=facility,
                discrimination=discrimination,
                # Flashcards never appear in quizzes: nothing to judge, nothing to flag.
                # Essays are judged on the grades given by hand.
                flags=statistics.item_flags(facility, discrimination, item.n)
                if is_scored(question.type)
                else ItemFlags(),
                choices=[
                    ChoiceCount(
                        position, text_md, is_correct, count, statistics.mean(item.n, count)
                    )
                    for position, text_md, is_correct, count in choices.get(question.id, ())
                ],
            )
        )
    return result


def sort_questions(questions: list[QuestionStats], sort: str, order: str) -> list[QuestionStats]:
    """Server-side sorting of the question table; unknown keys keep the bank order and
    questions without a figure stay at the bottom in either direction."""
    if sort not in SORT_KEYS or sort == "position":
        return list(reversed(questions)) if order == "desc" else list(questions)
    known = [q for q in questions if getattr(q, sort) is not None]
    unknown = [q for q in questions if getattr(q, sort) is None]
    known.sort(key=lambda q: getattr(q, sort), reverse=order == "desc")
    return known + unknown


def first_attempt_test_statistics(
    session: Session, course: Course | int, scope: Scope = WHOLE_COURSE
) -> dict[int, tuple[int, float, float, float, float]]:
    """Per lesson: (N, Σscore, Σscore², Σtotal, Σtotal²) over first submitted attempts
    with at least one scored answer, where score is the attempt's mean item score and
    total its raw sum; recomputed from the answers."""
    rows = session.execute(_test_statistics_statement(scope.shape), scope.params(course)).all()
    return {
        lesson_id: (int(n), *(float(value or 0) for value in sums)) for lesson_id, n, *sums in rows
    }


@cache
def _test_statistics_statement(shape: tuple[bool, bool]) -> sa.Select:
    totals = (
        sa.select(
            Attempt.lesson_id.label("lesson_id"),
            sa.func.coalesce(Attempt.score, 0.0).label("score"),
            sa.func.sum(Answer.score).label("total"),
        )
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(_first_attempt_filter(shape), Answer.score.is_not(None))
        .group_by(Attempt.id, Attempt.lesson_id, Attempt.score)
        .subquery("totals")
    )
    return sa.select(
        totals.c.lesson_id,
        sa.func.count(),
        sa.func.sum(totals.c.score),
        sa.func.sum(totals.c.score * totals.c.score),
        sa.func.sum(totals.c.total),
        sa.func.sum(totals.c.total * totals.c.total),
    ).group_by(totals.c.lesson_id)


def flag_codes(flags: ItemFlags) -> list[str]:
    codes = []
    if flags.too_few_attempts is not None:
        codes.append(f"too_few_attempts({flags.too_few_attempts})")
    if flags.too_easy:
        codes.append("too_easy")
    if flags.too_hard:
        codes.append("too_hard")
    if flags.negative_discrimination:
        codes.append("negative_discrimination")
    return codes


def question_title(question: Question | QuestionInfo) -> str:
    """A one-line label: the title, or the prompt as plain text (a truncated `**bold`
    would otherwise show its asterisks)."""
    text = question.title or plain_text(question.prompt_md)
    return text if len(text) <= 80 else text[:79] + "…"
