"""A learner's progress: per-lesson scores and mastery, the review forecast, the day
streak and accuracy over time, each from one grouped SQL query.

Days are UTC days (the app's BABEL_DEFAULT_TIMEZONE); weeks are ISO weeks (Monday).
"""

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import fsrs
import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm import Session

from quizapp.domain import scheduling, statistics
from quizapp.domain.grades import lesson_grade
from quizapp.domain.questions.registry import QUESTION_TYPES
from quizapp.domain.quiz_rules import QuizRules, scores_shown
from quizapp.models import (
    Answer,
    Attempt,
    Card,
    Course,
    Lesson,
    Question,
    QuizOverride,
    RegradeLog,
    ReviewLog,
    User,
)
from quizapp.models.types import names_in_sql
from quizapp.services.quiz_overrides import applying_to, learner_rules_by_lesson
from quizapp.services.review_queue import queue_due

FORECAST_DAYS = 14
ACCURACY_WEEKS = 12
REVIEW_STATE = fsrs.State.Review.value  # 2
# Types that become review cards: essays and descriptions never do (registry.in_deck).
DECK_TYPES = sorted(name for name, qtype in QUESTION_TYPES.items() if qtype.in_deck)


# The columns Lesson.quiz_rules reads.
QUIZ_RULES = (
    Lesson.quiz_size,
    Lesson.quiz_shuffle,
    Lesson.quiz_time_limit,
    Lesson.quiz_attempts,
    Lesson.quiz_opens,
    Lesson.quiz_closes,
    Lesson.quiz_grading,
    Lesson.quiz_review,
)


@dataclass(frozen=True)
class LessonProgress:
    lesson: Lesson
    course: Course
    question_count: int  # active questions
    attempts: int  # submitted attempts
    best_score: float | None
    last_score: float | None
    mastered: int  # active questions whose card is in review and still remembered
    # The lesson's grade by its grading method (domain.grades.lesson_grade); None while
    # pending (an attempt it counts awaits a hand grade) or hidden.
    grade: float | None = None
    grade_pending: bool = False
    # The lesson's review options hide the learner's scores now: best, last and grade
    # are None (services.quizzes.lesson_history does the same on the lesson page).
    scores_hidden: bool = False

    @property
    def mastery(self) -> float | None:
        return statistics.mean(self.question_count, self.mastered)


@dataclass(frozen=True)
class WeekAccuracy:
    week_start: date  # the Monday
    answers: int
    accuracy: float | None  # share of correct answers


@dataclass(frozen=True)
class LearnerProgress:
    user: User
    lessons: list[LessonProgress]
    due_today: int  # overdue cards included
    forecast: list[tuple[date, int]]  # FORECAST_DAYS days from today
    streak: int
    accuracy: list[WeekAccuracy]
    # The first moment after `now` at which the passage of time alone changes these
    # figures (the next UTC day, a card's mastery lapsing, scores shown at a quiz's
    # close): the learner dashboard's cache keeps them no longer (dashboard/progress_cache).
    steady_until: datetime | None = None

    @property
    def courses(self) -> list[tuple[Course, list[LessonProgress]]]:
        grouped: dict[int, tuple[Course, list[LessonProgress]]] = {}
        for item in self.lessons:
            grouped.setdefault(item.course.id, (item.course, []))[1].append(item)
        return list(grouped.values())


def _as_date(value) -> date:
    # SQLite's date() gives 'YYYY-MM-DD' text, PostgreSQL's a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def learner_progress(
    session: Session, user: User, now: datetime, course: Course | None = None
) -> LearnerProgress:
    """The learner dashboard; with `course`, only that course (the instructor drill-down,
    which sees the scores the review options hide from the learner)."""
    today = now.astimezone(UTC).date()
    forecast = review_forecast(session, user, today, course)
    changes = [_start_of(today + timedelta(days=1))]
    return LearnerProgress(
        user=user,
        lessons=lesson_progress(
            session, user, now, course, staff_view=course is not None, changes=changes
        ),
        due_today=forecast[0][1],
        forecast=forecast,
        streak=statistics.day_streak(activity_days(session, user), today),
        accuracy=weekly_accuracy(session, user, today, course),
        steady_until=min(changes),
    )


# The dashboard's statements are built once, their values bound per call: building one (and
# walking it for its cache key) cost SQLAlchemy more than the database took to run it (the
# lesson table's statement: 2.6 ms of Python against 0.08 ms of SQLite). The scores, cards,
# activity and accuracy statements read plain rows on the session's connection: the ORM's
# execution of them (an ORM result over Core's) took more than SQLite took to run them.
# They run after the forecast and the lesson table, ORM executions that flush whatever is
# pending first (review_forecast also serves memory_stats, and stays one).
_USER_ID = sa.bindparam("user_id")
_COURSE_ID = sa.bindparam("course_id")
_UNTIL = sa.bindparam("until", type_=Card.due.type)
_SINCE = sa.bindparam("since", type_=Attempt.submitted_at.type)

# Courses where the learner has an attempt or a card.
_ENGAGED_COURSE_IDS = sa.union(
    sa.select(Lesson.course_id)
    .join(Attempt, Attempt.lesson_id == Lesson.id)
    .where(Attempt.user_id == _USER_ID),
    sa.select(Question.course_id)
    .join(Card, Card.question_id == Question.id)
    .where(Card.user_id == _USER_ID),
)


_DECK_TYPE_NAMES = names_in_sql(DECK_TYPES)


def _deck_question_count(lesson_id: sa.ColumnElement) -> sa.ScalarSelect:
    """The lesson's active questions of the types that become cards (mastery's
    denominator), counted for that lesson alone from ix_questions_lesson_active_type:
    grouping the questions table instead read every question of the site."""
    return (
        sa.select(sa.func.count())
        .where(
            Question.lesson_id == lesson_id,
            Question.retired_at.is_(None),
            Question.type.in_(_DECK_TYPE_NAMES),
        )
        .scalar_subquery()
    )


def _lessons_statement(course_filter: sa.ColumnElement) -> sa.Select:
    return (
        sa.select(Lesson, Course, _deck_question_count(Lesson.id))
        # What the tables and the API show: not the lessons' Markdown bodies (most of the
        # rows' bytes), nor the courses' descriptions. The quiz rules' columns decide the
        # grade and whether the review options hide the scores (Lesson.quiz_rules).
        .options(
            so.load_only(Lesson.course_id, Lesson.number, Lesson.slug, Lesson.title, *QUIZ_RULES),
            so.load_only(Course.slug, Course.title),
        )
        .join(Course, Course.id == Lesson.course_id)
        .where(course_filter)
        .order_by(Course.title, Lesson.number)
    )


_ENGAGED_LESSONS = _lessons_statement(Lesson.course_id.in_(_ENGAGED_COURSE_IDS))
_COURSE_LESSONS = _lessons_statement(Lesson.course_id == _COURSE_ID)


def lesson_progress(
    session: Session,
    user: User,
    now: datetime,
    course: Course | None = None,
    staff_view: bool = False,
    changes: list[datetime] | None = None,
) -> list[LessonProgress]:
    """Per lesson: attempts, scores, grade and mastery. Unless `staff_view`, the scores of
    a lesson whose review options hide them from the learner now are left out. The
    moments after `now` when time alone changes these rows are added to `changes`."""
    changes = [] if changes is None else changes
    if course is not None:
        lessons = session.execute(_COURSE_LESSONS, {"course_id": course.id}).all()
    else:
        lessons = session.execute(_ENGAGED_LESSONS, {"user_id": user.id}).all()
    scores = attempt_scores(session, user)
    mastered = mastered_counts(session, user, now, changes)
    # Only a lesson whose review options may hold its scores back needs the learner's
    # rules with their overrides (a later close date): the others always show them.
    waiting = [] if staff_view else [row[0] for row in lessons if _scores_may_wait(row[0])]
    rules = learner_rules_by_lesson(session, waiting, user.id) if waiting else {}
    changes.extend(_scores_shown_at(rules.values(), now))
    result = []
    for lesson, lesson_course, question_count in lessons:
        attempts, best, last, taken = scores.get(lesson.id, (0, None, None, []))
        grade = lesson_grade(lesson.quiz_grading or "highest", taken)
        item = LessonProgress(
            lesson=lesson,
            course=lesson_course,
            question_count=question_count,
            attempts=attempts,
            best_score=best,
            last_score=last,
            mastered=mastered.get(lesson.id, 0),
            grade=grade.score,
            grade_pending=grade.pending,
        )
        if lesson.id in rules and not scores_shown(rules[lesson.id], now):
            item = replace(item, best_score=None, last_score=None, grade=None, scores_hidden=True)
        result.append(item)
    return result


def _scores_may_wait(lesson: Lesson) -> bool:
    """Whether the lesson's `score` review option is other than immediate (its stored
    review options keep only those), read without building its QuizRules."""
    return (lesson.quiz_review or {}).get("score", "immediate") != "immediate"


_ATTEMPT_SCORES = (
    sa.select(Attempt.lesson_id, Attempt.score, Attempt.pending_answers)
    .where(
        Attempt.user_id == _USER_ID,
        Attempt.submitted_at.is_not(None),
        Attempt.preview.is_(False),
    )
    .order_by(Attempt.lesson_id, Attempt.submitted_at, Attempt.id)
)


def attempt_scores(
    session: Session, user: User
) -> dict[int, tuple[int, float | None, float | None, list[float | None]]]:
    """Per lesson id: (submitted attempts, best score, last score, every score in the
    order taken, None for an attempt awaiting a hand grade) in one query; staff previews
    left out."""
    rows = session.connection().execute(_ATTEMPT_SCORES, {"user_id": user.id}).all()
    scores: dict[int, list[tuple[float | None, int]]] = {}
    for lesson_id, score, pending in rows:
        scores.setdefault(lesson_id, []).append((score, pending))
    return {
        lesson_id: (
            len(taken),
            max((score for score, _pending in taken if score is not None), default=None),
            taken[-1][0],
            [None if pending else (score or 0.0) for score, pending in taken],
        )
        for lesson_id, taken in scores.items()
    }


# Retrievability depends only on fsrs's decay weight, not on the desired retention, so
# one scheduler with the app's weights serves every learner.
_SCHEDULER = scheduling.build_scheduler(enable_fuzzing=False)


def card_retrievability(stability: float, last_review: datetime, now: datetime) -> float:
    """FSRS's forgetting curve, computed by the fsrs package itself (whole elapsed days)."""
    return scheduling.recall_probability(_SCHEDULER, stability, last_review, now)


def _scores_shown_at(rules: Iterable[QuizRules], now: datetime) -> list[datetime]:
    """When scores hidden "after_close" are shown: the quizzes' close moments to come."""
    return [
        found.closes
        for found in rules
        if found.review.get("score") == "after_close"
        and found.closes is not None
        and found.closes > now
    ]


def _lapse_days(stability: float, retention: float) -> float:
    """Whole days after its last review until a card's recall falls below `retention`,
    by the inverse of FSRS's curve (R = (1 + factor * days / stability) ** decay)."""
    decay = -_SCHEDULER.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return stability * (retention ** (1 / decay) - 1) / factor


def mastery_lapses_at(stability: float, last_review: datetime, retention: float) -> datetime:
    """The moment a card recalled with at least `retention` stops being: FSRS's curve
    falls with whole elapsed days, so at `last_review` plus the first day count whose
    retrievability is below `retention`; the curve's inverse gives the count, which is
    then checked against fsrs's own figure (card_retrievability) on both sides."""
    days = max(1, math.floor(_lapse_days(stability, retention)) + 1)

    def recalled_after(count: int) -> bool:
        moment = last_review + timedelta(days=count)
        return card_retrievability(stability, last_review, moment) >= retention

    while recalled_after(days):
        days += 1
    while days > 1 and not recalled_after(days - 1):
        days -= 1
    return last_review + timedelta(days=days)


def first_mastery_lapse(cards: list[tuple[float, datetime]], retention: float) -> datetime | None:
    """The earliest mastery_lapses_at of mastered (stability, last_review) cards, checked
    with fsrs only for the cards that can be first: a card's lapse is never more than a
    day before its inverse-curve estimate, so once an estimate minus that day is past the
    earliest checked moment, no later card can come first."""
    estimates = sorted(
        (estimate_at - timedelta(days=1), stability, last_review)
        for stability, last_review in cards
        for estimate_at in [last_review + timedelta(days=_lapse_days(stability, retention))]
    )
    first = None
    for estimate, stability, last_review in estimates:
        if first is not None and estimate >= first:
            break
        lapse = mastery_lapses_at(stability, last_review, retention)
        first = lapse if first is None else min(first, lapse)
    return first


_REVIEWED_CARDS = (
    sa.select(Question.lesson_id, Card.stability, Card.last_review)
    .join(Question, Question.id == Card.question_id)
    .where(
        Card.user_id == _USER_ID,
        Card.reverse.is_(False),  # a question is mastered by its own card
        Card.state == REVIEW_STATE,
        Card.stability.is_not(None),
        Card.last_review.is_not(None),
        Question.retired_at.is_(None),
    )
)


def mastered_counts(
    session: Session, user: User, now: datetime, changes: list[datetime] | None = None
) -> dict[int, int]:
    """Per lesson id: active questions whose card is in the review state with a
    retrievability at least the learner's desired retention. One query; the rows are the
    learner's review-state cards (at most one per question), not their answers. The
    earliest moment a mastered card stops being is added to `changes`."""
    rows = session.connection().execute(_REVIEWED_CARDS, {"user_id": user.id}).all()
    counts: dict[int, int] = {}
    retention = user.desired_retention
    held = []  # the mastered cards: the first to lapse changes the counts
    for lesson_id, stability, last_review in rows:
        if card_retrievability(stability, last_review, now) >= retention:
            counts[lesson_id] = counts.get(lesson_id, 0) + 1
            held.append((stability, last_review))
    if changes is not None and held:
        changes.append(first_mastery_lapse(held, retention))
    return counts


def _forecast_statement() -> sa.Select:
    comes_back = queue_due()
    due_day = sa.func.date(comes_back)
    return (
        sa.select(due_day, sa.func.count())
        .join(Question, Question.id == Card.question_id)
        .where(
            Card.user_id == _USER_ID,
            Question.retired_at.is_(None),
            Card.suspended_at.is_(None),
            comes_back < _UNTIL,
        )
        .group_by(due_day)
    )


_FORECAST = _forecast_statement()
_COURSE_FORECAST = _forecast_statement().where(Question.course_id == _COURSE_ID)


def review_forecast(
    session: Session, user: User, today: date, course: Course | None = None
) -> list[tuple[date, int]]:
    """Cards of active questions falling due on each of the next FORECAST_DAYS days,
    grouped by due date in SQL; overdue cards count as due today. As in the review queue,
    suspended cards are not due at all and a buried card is due when it comes back."""
    until = _start_of(today + timedelta(days=FORECAST_DAYS))
    if course is None:
        rows = session.execute(_FORECAST, {"user_id": user.id, "until": until})
    else:
        rows = session.execute(
            _COURSE_FORECAST, {"user_id": user.id, "until": until, "course_id": course.id}
        )
    days = {today + timedelta(days=offset): 0 for offset in range(FORECAST_DAYS)}
    for day, count in rows:
        days[max(_as_date(day), today)] += count
    return list(days.items())


_ACTIVITY_DAYS = sa.union(
    sa.select(sa.func.date(Attempt.submitted_at)).where(
        Attempt.user_id == _USER_ID, Attempt.submitted_at.is_not(None)
    ),
    sa.select(sa.func.date(ReviewLog.reviewed_at)).where(ReviewLog.user_id == _USER_ID),
)


def activity_days(session: Session, user: User) -> set[date]:
    """UTC days with a quiz submission or a review, as distinct days from SQL."""
    rows = session.connection().scalars(_ACTIVITY_DAYS, {"user_id": user.id})
    return {_as_date(day) for day in rows}


def _accuracy_statement() -> sa.Select:
    answered_at = sa.func.coalesce(Answer.answered_at, Attempt.submitted_at)
    day = sa.func.date(answered_at)
    return (
        sa.select(
            day,
            sa.func.count(),
            sa.func.sum(sa.case((Answer.is_correct.is_(True), 1), else_=0)),
        )
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(
            Attempt.user_id == _USER_ID,
            Attempt.submitted_at.is_not(None),
            Answer.is_correct.is_not(None),
            answered_at >= _SINCE,
        )
        .group_by(day)
    )


_ACCURACY = _accuracy_statement()
_COURSE_ACCURACY = (
    _accuracy_statement()
    .join(Lesson, Lesson.id == Attempt.lesson_id)
    .where(Lesson.course_id == _COURSE_ID)
)


def weekly_accuracy(
    session: Session, user: User, today: date, course: Course | None = None
) -> list[WeekAccuracy]:
    """Share of correct quiz answers per ISO week over the last ACCURACY_WEEKS weeks.
    SQL groups by day (portable between SQLite and PostgreSQL); days fold into weeks."""
    first_week = statistics.iso_week_start(today) - timedelta(weeks=ACCURACY_WEEKS - 1)
    values = {"user_id": user.id, "since": _start_of(first_week)}
    if course is None:
        rows = session.connection().execute(_ACCURACY, values)
    else:
        rows = session.connection().execute(_COURSE_ACCURACY, {**values, "course_id": course.id})
    per_day = {_as_date(d): (int(n), float(correct or 0)) for d, n, correct in rows}
    return [
        WeekAccuracy(monday, n, accuracy)
        for monday, n, accuracy in statistics.fold_days_into_weeks(
            per_day, first_week, ACCURACY_WEEKS
        )
    ]


# --- what the learner dashboard is computed from -----------------------------------------

# Separators no stored text holds (refuse_unstorable_text keeps control characters out),
# written into the statement as constants: bound values would cost their processing on
# every execution (the statement is read on every visit to the dashboard).
_FIELD = sa.literal_column("'\x1f'")
_ROW = "'\x1e'"
_NULL = sa.literal_column("''")


def _joined(*columns) -> sa.ColumnElement:
    """A row's columns as one text (NULL as empty), for string aggregation."""
    text = None
    for column in columns:
        part = sa.func.coalesce(sa.cast(column, sa.String), _NULL)
        text = part if text is None else text + _FIELD + part
    return text


def _learner_state(dialect: str) -> sa.Select:
    """The statement learner_state_digest runs. One row: every column the learner
    dashboard reads about this learner and the lessons it lists, as text (the learner's
    cards and attempts, the engaged courses with their lessons, quiz rules and card-able
    question counts, the overrides that reach the learner directly or through a group),
    and for the rows too many to list, what moves with every change of them (answers
    change with their attempt's score or a regrade log; review logs are counted, their
    latest moment kept). Written for the dialect: SQLite's group_concat or PostgreSQL's
    string_agg, with a constant separator."""
    aggregate = sa.func.string_agg if dialect == "postgresql" else sa.func.group_concat

    def rows_text(*columns) -> sa.Select:
        return sa.select(aggregate(_joined(*columns), sa.literal_column(_ROW)))

    engaged_courses = _ENGAGED_COURSE_IDS.cte("engaged_courses")
    engaged = sa.select(engaged_courses.c.course_id)
    return sa.select(
        rows_text(
            Card.id,
            Card.question_id,
            Card.reverse,
            Card.state,
            Card.stability,
            Card.last_review,
            Card.due,
            Card.buried_until,
            Card.suspended_at,
            Question.retired_at,
        )
        .join(Question, Question.id == Card.question_id)
        .where(Card.user_id == _USER_ID)
        .scalar_subquery(),
        rows_text(
            Attempt.id,
            Attempt.lesson_id,
            Attempt.submitted_at,
            Attempt.score,
            Attempt.pending_answers,
            Attempt.preview,
        )
        .where(Attempt.user_id == _USER_ID)
        .scalar_subquery(),
        sa.select(_joined(sa.func.count(), sa.func.max(RegradeLog.id)))
        .where(RegradeLog.attempt_id.in_(sa.select(Attempt.id).where(Attempt.user_id == _USER_ID)))
        .scalar_subquery(),
        sa.select(_joined(sa.func.count(), sa.func.max(ReviewLog.reviewed_at)))
        .where(ReviewLog.user_id == _USER_ID)
        .scalar_subquery(),
        rows_text(Course.id, Course.slug, Course.title)
        .where(Course.id.in_(engaged))
        .scalar_subquery(),
        rows_text(
            Lesson.id,
            Lesson.course_id,
            Lesson.number,
            Lesson.slug,
            Lesson.title,
            *QUIZ_RULES,
            _deck_question_count(Lesson.id),
        )
        .where(Lesson.course_id.in_(engaged))
        .scalar_subquery(),
        rows_text(
            QuizOverride.id,
            QuizOverride.lesson_id,
            QuizOverride.extra_minutes,
            QuizOverride.extra_attempts,
            QuizOverride.closes,
        )
        # The listed lessons' only (as learner_rules_by_lesson reads them): found from the
        # lesson index instead of a scan of every override of the site.
        .where(
            QuizOverride.lesson_id.in_(sa.select(Lesson.id).where(Lesson.course_id.in_(engaged))),
            applying_to(_USER_ID),
        )
        .scalar_subquery(),
    )


# The statement's SQL per dialect and driver, compiled on first use and run as such (with the
# positions of its parameters, for SQLite's): its cache key, a walk over the whole
# statement on every execution, cost more than its SQL.
_LEARNER_STATE: dict[str, tuple[str, tuple | None]] = {}


def _compiled_learner_state(dialect: sa.Dialect) -> tuple[str, tuple | None]:
    compiled = _learner_state(dialect.name).compile(dialect=dialect)
    positions = tuple(compiled.positiontup) if compiled.positional else None
    return compiled.string, positions


def learner_state_digest(session: Session, user: User) -> str:
    """A digest of everything learner_progress(user) reads from the database (one
    statement): equal digests, equal figures at the same moment."""
    dialect = session.get_bind().dialect
    driver = f"{dialect.name}+{dialect.driver}"
    if driver not in _LEARNER_STATE:
        _LEARNER_STATE[driver] = _compiled_learner_state(dialect)
    sql, positions = _LEARNER_STATE[driver]
    values = {"user_id": user.id}
    parameters = tuple(values[name] for name in positions) if positions else values
    row = session.connection().exec_driver_sql(sql, parameters).one()
    return hashlib.blake2b(repr(tuple(row)).encode(), digest_size=16).hexdigest()
