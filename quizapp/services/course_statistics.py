"""The course's learner statistics maintained incrementally: per (lesson, question) item
sums, per lesson test statistics and completion, per choice counts (models/statistics.py),
updated in the transaction that changes them, so the instructor dashboard reads a few
hundred rows whatever the number of answers.

The rule that keeps them equal to a recomputation: sufficient statistics add up, so the
course's figures are the sum of each user's contribution, and a user's contribution is
computed from their own answers by the very queries that recompute the course
(quizapp.services.item_analysis with a Scope). Whatever changes a user's contribution —
a submission, a regrade, a membership removed, re-added or made staff, an admin role —
subtracts the contribution before and adds the one after:

    with course_statistics.user_changing(session, user_id, [course_id]):
        ...change scores, roles or memberships...

`record_submission` is the cheap form of that for a quiz submission (the new attempt's
own contribution, plus the change of the user's best score). `rebuild` recomputes a
course from its answers (`quizapp stats rebuild`).

A submission also moves the user's learner activity (quizapp.services.learner_activity)."""

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.statistics import ItemSums, attempt_item_sums
from quizapp.models import (
    Attempt,
    Choice,
    ChoiceStatistic,
    Course,
    ItemStatistic,
    Lesson,
    LessonStatistic,
    Question,
)
from quizapp.services import item_analysis, learner_activity
from quizapp.services.access import counts_as_learner
from quizapp.services.item_analysis import WHOLE_COURSE, Scope, dialect_name, scope_conditions
from quizapp.services.learner_activity import dialect_insert

TestSums = tuple[int, float, float, float, float]  # N, Σscore, Σscore², Σtotal, Σtotal²


@dataclass
class Contribution:
    """Some learner data's share of a course's statistics (see the module docstring)."""

    items: dict[tuple[int, int], ItemSums] = field(default_factory=dict)
    tests: dict[int, TestSums] = field(default_factory=dict)
    completion: dict[int, tuple[int, float]] = field(default_factory=dict)  # learners, Σbest
    choices: dict[tuple[int, int], int] = field(default_factory=dict)


def _course_id(course: Course | int) -> int:
    return course if isinstance(course, int) else course.id


def completion(
    session: Session, course: Course | int, scope: Scope = WHOLE_COURSE
) -> dict[int, tuple[int, float]]:
    """Per lesson, recomputed: learners with a submitted attempt (any number), and the sum
    of their best scores."""
    rows = session.execute(_completion_statement(scope.shape), scope.params(course))
    return {lesson_id: (int(n), float(total or 0)) for lesson_id, n, total in rows}


@cache
def _completion_statement(shape: tuple[bool, bool]) -> sa.Select:
    course_id = sa.bindparam("course_id")
    best = (
        sa.select(Attempt.lesson_id, sa.func.max(Attempt.score).label("best"))
        .where(
            Attempt.lesson_id.in_(sa.select(Lesson.id).where(Lesson.course_id == course_id)),
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
            counts_as_learner(Attempt.user_id, course_id),
            *scope_conditions(shape),
        )
        .group_by(Attempt.user_id, Attempt.lesson_id)
        .subquery()
    )
    return sa.select(best.c.lesson_id, sa.func.count(), sa.func.sum(best.c.best)).group_by(
        best.c.lesson_id
    )


def contribution(session: Session, course: Course | int, scope: Scope = WHOLE_COURSE):
    """The statistics of `scope`'s learner data in the course (all of it without one),
    recomputed from the answers."""
    return Contribution(
        items=item_analysis.item_sums(session, course, scope),
        tests=item_analysis.first_attempt_test_statistics(session, course, scope),
        completion=completion(session, course, scope),
        choices=item_analysis.choice_counts(session, course, scope),
    )


def _upsert(session: Session, table: sa.Table, keys: list[str], rows: list[dict]) -> None:
    """Adds each row's figures to the stored ones (inserting the rows not there yet), in
    one statement. Rows are sorted by key so concurrent submissions lock them in the same
    order (no deadlock on PostgreSQL)."""
    if not rows:
        return
    rows = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    statement = _upsert_statement(dialect_name(session), table, tuple(keys), tuple(rows[0]))
    session.execute(statement, rows)


@cache
def _upsert_statement(dialect: str, table: sa.Table, keys: tuple, columns: tuple):
    """The upsert of `_upsert`, built once per table and shape of row (every submission
    runs three)."""
    statement = dialect_insert(dialect)(table)
    added = [c for c in columns if c not in keys and c != "course_id"]
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={column: table.c[column] + statement.excluded[column] for column in added},
    )


def _apply(session: Session, course_id: int, part: Contribution, sign: int) -> None:
    items = [
        {
            "lesson_id": lesson_id,
            "question_id": question_id,
            "course_id": course_id,
            "n": sign * s.n,
            "sum_x": sign * s.sum_x,
            "sum_x2": sign * s.sum_x2,
            "sum_y": sign * s.sum_y,
            "sum_y2": sign * s.sum_y2,
            "sum_xy": sign * s.sum_xy,
        }
        for (lesson_id, question_id), s in part.items.items()
    ]
    lessons = {}
    for lesson_id, (n, score_sum, score_sq, total_sum, total_sq) in part.tests.items():
        lessons[lesson_id] = {
            "first_n": sign * n,
            "score_sum": sign * score_sum,
            "score_sq": sign * score_sq,
            "total_sum": sign * total_sum,
            "total_sq": sign * total_sq,
        }
    for lesson_id, (completed, best_sum) in part.completion.items():
        lessons.setdefault(lesson_id, {}).update(
            completed=sign * completed, best_sum=sign * best_sum
        )
    lesson_rows = [
        {
            "lesson_id": lesson_id,
            "course_id": course_id,
            **dict.fromkeys(
                ("first_n", "score_sum", "score_sq", "total_sum", "total_sq", "completed"), 0
            ),
            "best_sum": 0.0,
            **figures,
        }
        for lesson_id, figures in lessons.items()
    ]
    choices = [
        {
            "question_id": question_id,
            "choice_position": position,
            "course_id": course_id,
            "count": sign * count,
        }
        for (question_id, position), count in part.choices.items()
    ]
    _upsert(session, LessonStatistic.__table__, ["lesson_id"], lesson_rows)
    _upsert(session, ItemStatistic.__table__, ["lesson_id", "question_id"], items)
    _upsert(session, ChoiceStatistic.__table__, ["question_id", "choice_position"], choices)


def rebuild(session: Session, course: Course | int) -> Contribution:
    """Recomputes a course's statistics from its answers (after a bulk load, or to repair
    them); returns what was stored."""
    course_id = _course_id(course)
    for model in (ItemStatistic, LessonStatistic, ChoiceStatistic):
        session.execute(sa.delete(model).where(model.course_id == course_id))
    found = contribution(session, course_id)
    _apply(session, course_id, found, +1)
    session.flush()
    return found


@dataclass(frozen=True)
class SubmissionFacts:
    """What adding a submitted attempt to the statistics reads: its lesson's course,
    whether its user counts as a learner there, and their other submitted attempts at the
    lesson (how many, the best score)."""

    course_id: int
    counted: bool
    earlier_count: int
    earlier_best: float | None


def submission_facts(session: Session, attempt: Attempt) -> SubmissionFacts:
    """The facts as committed now. The attempt's user has no other attempt at the lesson
    that a concurrent submission could change (one open attempt per lesson, and this is
    it), so a submission may read them before its first write."""
    params = {"user_id": attempt.user_id, "lesson_id": attempt.lesson_id, "attempt_id": attempt.id}
    return SubmissionFacts(*session.execute(_SUBMISSION_FACTS, params).one())


def record_submission(
    session: Session,
    attempt: Attempt,
    selected_choices: Iterable[tuple[int, int]] | None = None,
    facts: SubmissionFacts | None = None,
) -> None:
    """The attempt was just submitted (and flushed): adds it to its course's statistics
    when its user counts as a learner there. A first attempt adds its answers; any attempt
    may raise the user's best score in the lesson or make them one more learner who
    completed it. One read (none with the `facts` the caller read along) and up to four
    writes.

    `selected_choices`, the (question id, choice position) of every choice the submission
    stored for its answers, says that the attempt's answers in the session are the ones
    just graded: the first attempt's figures are then computed from them, as the
    recomputation would sum them, instead of being read back (two grouped queries, the
    way a caller without them, such as a test's factory, still gets them)."""
    if attempt.preview:  # a staff preview is never learner data
        return
    if facts is None:
        facts = submission_facts(session, attempt)
    course_id, counted = facts.course_id, facts.counted
    earlier_count, earlier_best = facts.earlier_count, facts.earlier_best
    # The quiz answers' review logs of this submission carry the same moment.
    learner_activity.touch(session, course_id, attempt.user_id, attempt.submitted_at, reviews=0)
    if not counted:
        return
    part = Contribution()
    if attempt.number == 1:
        if selected_choices is None:
            one = Scope(attempt_id=attempt.id)
            part.items = item_analysis.item_sums(session, course_id, one)
            part.choices = item_analysis.choice_counts(session, course_id, one)
        else:
            part.items = _answered_item_sums(attempt)
            part.choices = dict(Counter(selected_choices))
        if part.items:  # the attempt's test figures: its score and its raw total
            score = float(attempt.score or 0.0)
            total = sum(item.sum_x for item in part.items.values())
            part.tests = {attempt.lesson_id: (1, score, score * score, total, total * total)}
    score = attempt.score
    if not earlier_count:
        part.completion = {attempt.lesson_id: (1, float(score or 0))}
    elif score is not None and (earlier_best is None or score > earlier_best):
        part.completion = {attempt.lesson_id: (0, float(score) - float(earlier_best or 0))}
    _apply(session, course_id, part, +1)


def _answered_item_sums(attempt: Attempt) -> dict[tuple[int, int], ItemSums]:
    """The attempt's item sums from its answers as graded (item_analysis.item_sums for
    this attempt alone: its scored answers, keyed by the attempt's lesson)."""
    scored = [(a.question_id, a.score) for a in attempt.answers if a.score is not None]
    return {
        (attempt.lesson_id, question_id): sums
        for question_id, sums in attempt_item_sums(scored).items()
    }


# Built once (every submission reads it): the lesson's course, whether the user counts as
# a learner there, and their other submitted attempts at the lesson (how many, best score).
_EARLIER = sa.and_(
    Attempt.preview.is_(False),
    Attempt.user_id == sa.bindparam("user_id"),
    Attempt.lesson_id == sa.bindparam("lesson_id"),
    Attempt.submitted_at.is_not(None),
    Attempt.id != sa.bindparam("attempt_id"),
)
# SubmissionFacts but the course, as columns of a statement on the lesson's row with
# :user_id, :lesson_id and :attempt_id bound (a submission reads them with its lesson).
SUBMISSION_FACT_COLUMNS = (
    counts_as_learner(sa.bindparam("user_id", type_=sa.Integer()), Lesson.course_id),
    sa.select(sa.func.count()).where(_EARLIER).scalar_subquery(),
    sa.select(sa.func.max(Attempt.score)).where(_EARLIER).scalar_subquery(),
)
_SUBMISSION_FACTS = sa.select(Lesson.course_id, *SUBMISSION_FACT_COLUMNS).where(
    Lesson.id == sa.bindparam("lesson_id")
)


def _courses_of(session: Session, user_id: int) -> list[int]:
    return list(
        session.scalars(
            sa.select(Lesson.course_id)
            .join(Attempt, Attempt.lesson_id == Lesson.id)
            .where(Attempt.user_id == user_id, Attempt.submitted_at.is_not(None))
            .distinct()
        )
    )


@contextmanager
def user_changing(
    session: Session, user_id: int, course_ids: Iterable[int] | None = None
) -> Iterator[None]:
    """Around any change to a user's scores, course roles, memberships or account role:
    their contribution to each course (`course_ids`, or every course they have submitted
    attempts in) is subtracted as it was and added as it is after the block. A user who
    does not count as a learner contributes nothing, so a removal subtracts their data
    and a re-add brings it back."""
    answered = _courses_of(session, user_id)  # no answers, nothing to move
    ids = answered if course_ids is None else [c for c in course_ids if c in answered]
    scope = Scope(user_id=user_id)
    before = {course_id: contribution(session, course_id, scope) for course_id in ids}
    yield
    session.flush()
    for course_id in ids:
        _apply(session, course_id, before[course_id], -1)
        _apply(session, course_id, contribution(session, course_id, scope), +1)


# The dashboard's reads: a few hundred rows per course.


def item_sums(session: Session, course: Course | int) -> dict[tuple[int, int], ItemSums]:
    rows = session.execute(
        sa.select(
            ItemStatistic.lesson_id,
            ItemStatistic.question_id,
            ItemStatistic.n,
            ItemStatistic.sum_x,
            ItemStatistic.sum_x2,
            ItemStatistic.sum_y,
            ItemStatistic.sum_y2,
            ItemStatistic.sum_xy,
        ).where(ItemStatistic.course_id == _course_id(course), ItemStatistic.n > 0)
    )
    return {
        (lesson_id, question_id): ItemSums(int(n), *map(float, sums))
        for lesson_id, question_id, n, *sums in rows
    }


def lesson_figures(
    session: Session, course: Course | int
) -> tuple[dict[int, TestSums], dict[int, tuple[int, float]]]:
    """Per lesson: the first-attempt test sums, and (learners completed, Σ best score)."""
    tests, completed = {}, {}
    for row in session.execute(
        sa.select(LessonStatistic).where(LessonStatistic.course_id == _course_id(course))
    ).scalars():
        if row.first_n > 0:
            tests[row.lesson_id] = (
                row.first_n,
                row.score_sum,
                row.score_sq,
                row.total_sum,
                row.total_sq,
            )
        if row.completed > 0:
            completed[row.lesson_id] = (row.completed, row.best_sum)
    return tests, completed


def choice_counts(session: Session, course: Course | int) -> dict[tuple[int, int], int]:
    rows = session.execute(
        sa.select(
            ChoiceStatistic.question_id, ChoiceStatistic.choice_position, ChoiceStatistic.count
        ).where(ChoiceStatistic.course_id == _course_id(course), ChoiceStatistic.count > 0)
    )
    return {(question_id, position): count for question_id, position, count in rows}


def choices_with_counts(
    session: Session, course: Course | int
) -> dict[int, list[tuple[int, str, bool, int]]]:
    """Per question of the course, its choices in order as (position, text, is_correct,
    how many analysed responses selected it), the counts joined to the choices in one
    query of Core rows."""
    course_id = _course_id(course)
    counted = sa.and_(
        ChoiceStatistic.question_id == Choice.question_id,
        ChoiceStatistic.choice_position == Choice.position,
        ChoiceStatistic.course_id == course_id,
    )
    found: dict[int, list[tuple[int, str, bool, int]]] = {}
    for question_id, position, text, correct, count in session.execute(
        sa.select(
            Choice.question_id,
            Choice.position,
            Choice.text_md,
            Choice.is_correct,
            sa.func.coalesce(ChoiceStatistic.count, 0),
        )
        .join(Question, Question.id == Choice.question_id)
        .outerjoin(ChoiceStatistic, counted)
        .where(Question.course_id == course_id)
        .order_by(Choice.question_id, Choice.position)
    ):
        found.setdefault(question_id, []).append((position, text, correct, count))
    return found


def maintained(session: Session, course: Course | int) -> Contribution:
    """Everything stored for the course, in the shape `contribution` recomputes."""
    tests, completed = lesson_figures(session, course)
    return Contribution(
        items=item_sums(session, course),
        tests=tests,
        completion=completed,
        choices=choice_counts(session, course),
    )
