"""Quiz attempts: open or start one (fixing order and shuffles) and read back results and
per-lesson history. Submitting and autosaving live in services.quiz_submission, the
overrides in services.quiz_overrides: callers import them from there."""

import random
import secrets
from collections import namedtuple
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.domain.grades import lesson_grade
from quizapp.domain.questions.registry import QUESTION_TYPES, in_quiz, is_scored
from quizapp.domain.quiz_layout import draw_questions, place_descriptions, shuffle_options
from quizapp.domain.quiz_rules import QuizRules, scores_shown, start_refusal
from quizapp.models import Answer, Attempt, Lesson, Question, QuizOverride
from quizapp.models.types import UTCDateTime, names_in_sql
from quizapp.services.deck import ensure_lesson_flashcards
from quizapp.services.question_store import question_dict
from quizapp.services.quiz_overrides import applying_to, learner_rules, rules_with


@dataclass(frozen=True)
class LessonHistory:
    attempts: int
    best_score: float | None
    last_score: float | None
    last_attempt_id: int | None
    # The lesson's grade for the learner by its grading method (domain.grades); None
    # while pending (an attempt it counts awaits a hand grade) or hidden.
    grade: float | None = None
    grade_pending: bool = False
    # The review options hide the learner's scores now: best, last and grade are None.
    scores_hidden: bool = False


@dataclass(frozen=True)
class OpenedAttempt:
    attempt: Attempt
    # False: the learner's attempt that was already open (a reload, a second tab, or a
    # concurrent request that started it first).
    started: bool


class NoQuizQuestions(Exception):
    """The lesson has nothing to ask (no gradable active question)."""


class QuizRefused(Exception):
    """The quiz rules refuse a new attempt now; `code` is a domain.quiz_rules refusal
    (quiz_not_open, quiz_closed, no_attempts_left) and `rules` what the learner works under."""

    def __init__(self, code: str, rules: QuizRules):
        super().__init__(code)
        self.code = code
        self.rules = rules


def attempts_used(session: Session, user_id: int, lesson_id: int) -> int:
    """Attempts that count against the limit: every learner attempt begun, open or not."""
    return session.scalar(
        sa.select(sa.func.count(Attempt.id)).where(
            Attempt.user_id == user_id, Attempt.lesson_id == lesson_id, Attempt.preview.is_(False)
        )
    )


def quiz_questions(session: Session, lesson: Lesson) -> list[Question]:
    """What a quiz shows, in the lesson's order: its scored questions and descriptions."""
    rows = session.scalars(
        sa.select(Question)
        .where(Question.lesson_id == lesson.id, Question.retired_at.is_(None))
        .order_by(Question.position, Question.id)
    )
    return [row for row in rows if in_quiz(row.type)]


_ACTIVE_TYPES = sa.select(Question.type).where(
    Question.lesson_id == sa.bindparam("lesson_id"), Question.retired_at.is_(None)
)


def question_count(session: Session, lesson: Lesson) -> int:
    """The questions a quiz asks (descriptions are not counted): their types only, not
    whole rows (the lesson page asks on every view)."""
    types = session.scalars(_ACTIVE_TYPES, {"lesson_id": lesson.id})
    return sum(1 for kind in types if in_quiz(kind) and is_scored(kind))


# Built once: the quiz page reads its open attempt on every view and every autosave, with
# its answers and their questions, in one statement (the partial unique index allows one
# open attempt per learner and lesson; max() is the latest should there ever be more).
_OPEN_ATTEMPT_ID = (
    sa.select(sa.func.max(Attempt.id))
    .where(
        Attempt.user_id == sa.bindparam("user_id"),
        Attempt.lesson_id == sa.bindparam("lesson_id"),
        Attempt.submitted_at.is_(None),
    )
    .scalar_subquery()
)


def _with_answers_and_questions(attempt_is) -> sa.Select:
    """The attempt matching `attempt_is` with its answers and their questions, in one
    statement whatever the number of questions (the quiz page and grading read every
    one): a join instead of selectinload's two, its loader machinery costing more than
    the rows on a quiz page."""
    return (
        sa.select(Attempt, Answer, Question)
        .outerjoin(Answer, Answer.attempt_id == Attempt.id)
        .outerjoin(Question, Question.id == Answer.question_id)
        .where(attempt_is)
        .order_by(Answer.position)
    )


_OPEN_ATTEMPT_WITH_QUESTIONS = _with_answers_and_questions(Attempt.id == _OPEN_ATTEMPT_ID)
_ATTEMPT_WITH_QUESTIONS = _with_answers_and_questions(Attempt.id == sa.bindparam("attempt_id"))


def _loaded_attempt(rows) -> Attempt | None:
    """The attempt of _with_answers_and_questions' rows with them as its loaded answers,
    unless the session had already loaded them (those are kept as they are)."""
    if not rows:
        return None
    attempt = rows[0][0]
    if "answers" in sa.inspect(attempt).unloaded:
        answers = [(answer, question) for _attempt, answer, question in rows if answer is not None]
        set_committed_value(attempt, "answers", [answer for answer, _question in answers])
        for answer, question in answers:
            set_committed_value(answer, "question", question)
    return attempt


def open_attempt(session: Session, user_id: int, lesson_id: int) -> Attempt | None:
    """The learner's unsubmitted attempt at this lesson, if any (a reload keeps it), with
    its answers and their questions loaded, in one statement."""
    rows = session.execute(
        _OPEN_ATTEMPT_WITH_QUESTIONS, {"user_id": user_id, "lesson_id": lesson_id}
    ).all()
    return _loaded_attempt(rows)


# What the quiz page shows of a question: question_dict's columns, and what identifies its
# content for the kept fields (answering.fields.rendered_fields).
ShownQuestion = namedtuple(
    "ShownQuestion",
    "id external_id type title prompt_md explanation_md tags section data content_hash version",
)


@dataclass(frozen=True)
class ShownAnswer:
    """An answer of the open attempt as the quiz page's GET shows it (no ORM instance)."""

    id: int
    display_order: list
    response: object
    question: ShownQuestion


@dataclass(frozen=True)
class ShownAttempt:
    """The open attempt as the quiz page's GET reads it: the Attempt columns the page and
    its deadline (quiz_submission.attempt_deadline_of) read, and its answers in order."""

    id: int
    user_id: int
    lesson_id: int
    preview: bool
    started_at: datetime
    question_count: int
    answers: tuple[ShownAnswer, ...]
    is_submitted = False


_SHOWN_ATTEMPT_COLUMNS = (
    Attempt.id,
    Attempt.user_id,
    Attempt.lesson_id,
    Attempt.preview,
    Attempt.started_at,
    Attempt.question_count,
)
_SHOWN_ANSWER_COLUMNS = (Answer.id, Answer.display_order, Answer.response)
_SHOWN_QUESTION_COLUMNS = tuple(getattr(Question, name) for name in ShownQuestion._fields)
_FIRST_ANSWER = len(_SHOWN_ATTEMPT_COLUMNS)
_FIRST_QUESTION = _FIRST_ANSWER + len(_SHOWN_ANSWER_COLUMNS)
_SHOWN_OPEN_ATTEMPT = (
    sa.select(*_SHOWN_ATTEMPT_COLUMNS, *_SHOWN_ANSWER_COLUMNS, *_SHOWN_QUESTION_COLUMNS)
    .outerjoin(Answer, Answer.attempt_id == Attempt.id)
    .outerjoin(Question, Question.id == Answer.question_id)
    .where(Attempt.id == _OPEN_ATTEMPT_ID)
    .order_by(Answer.position)
)


def shown_open_attempt(session: Session, user_id: int, lesson_id: int) -> ShownAttempt | None:
    """open_attempt as rows for showing it (the quiz page's GET, which changes nothing):
    the same statement's columns without building ORM instances, which cost more than
    the rest of the read. Whatever submits or saves reads open_attempt."""
    rows = (
        session.connection()
        .execute(_SHOWN_OPEN_ATTEMPT, {"user_id": user_id, "lesson_id": lesson_id})
        .all()
    )
    if not rows:
        return None
    answers = tuple(
        ShownAnswer(
            row[_FIRST_ANSWER],
            row[_FIRST_ANSWER + 1],
            row[_FIRST_ANSWER + 2],
            ShownQuestion._make(row[_FIRST_QUESTION:]),
        )
        for row in rows
        if row[_FIRST_ANSWER] is not None
    )
    return ShownAttempt(*rows[0][:_FIRST_ANSWER], answers)


def open_or_start_attempt(
    session: Session,
    user_id: int,
    lesson: Lesson,
    now: datetime,
    size: int | None = None,
    preview: bool = False,
) -> OpenedAttempt:
    """The learner's open attempt at the lesson, or a new one: what the web's "Start quiz"
    and the API's POST …/attempts both do. Raises NoQuizQuestions when there is nothing
    to ask, QuizRefused when the quiz rules refuse a new attempt now (staff previews
    are never refused). `preview`: the caller is staff of the course."""
    attempt = open_attempt(session, user_id, lesson.id)
    if attempt is not None:
        return OpenedAttempt(attempt, started=False)
    if not question_count(session, lesson):
        raise NoQuizQuestions(lesson.slug)
    if not preview:
        rules = learner_rules(session, lesson, user_id)
        refusal = start_refusal(rules, now, attempts_used(session, user_id, lesson.id))
        if refusal is not None:
            raise QuizRefused(refusal, rules)
    return _start(session, user_id, lesson, now, size, None, preview)


def start_attempt(
    session: Session,
    user_id: int,
    lesson: Lesson,
    now: datetime,
    size: int | None = None,
    seed: int | None = None,
    preview: bool = False,
) -> Attempt:
    """A new attempt (or the open one a concurrent request started first); no rule is
    checked here (open_or_start_attempt does)."""
    return _start(session, user_id, lesson, now, size, seed, preview).attempt


def _start(
    session: Session,
    user_id: int,
    lesson: Lesson,
    now: datetime,
    size: int | None,
    seed: int | None,
    preview: bool = False,
) -> OpenedAttempt:
    """Starts an attempt; this is also the one moment the lesson's flashcards join the
    learner's deck (they are never asked in the quiz, but taking it means studying them).
    A staff preview adds no cards and is numbered apart from learner attempts."""
    ordered = quiz_questions(session, lesson)
    questions = {row.id: row for row in ordered}
    seed = secrets.randbits(48) if seed is None else seed
    rng = random.Random(seed)
    shuffle = lesson.quiz_shuffle is not False
    scored = [row.id for row in ordered if is_scored(row.type)]
    authored = scored if not shuffle else sorted(scored)
    drawn = draw_questions(authored, size or lesson.quiz_size, rng, shuffle)
    descriptions = {row.id for row in ordered if not is_scored(row.type)}
    chosen = place_descriptions(drawn, [row.id for row in ordered], descriptions)
    previous = session.scalar(
        sa.select(sa.func.count(Attempt.id)).where(
            Attempt.user_id == user_id,
            Attempt.lesson_id == lesson.id,
            Attempt.preview.is_(preview),
        )
    )
    attempt = Attempt(
        user_id=user_id,
        lesson_id=lesson.id,
        number=previous + 1,
        seed=seed,
        started_at=now,
        question_count=len(drawn),
        preview=preview,
    )
    try:
        # The partial unique index allows one open attempt per learner and lesson: when a
        # concurrent request (double click, two tabs) opened one first, use that one.
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError:
        concurrent = open_attempt(session, user_id, lesson.id)
        if concurrent is None:
            raise
        return OpenedAttempt(concurrent, started=False)
    # One INSERT for all the answers (the unit of work sends one per answer on SQLite,
    # which cannot hand back a multi-row INSERT's ids in order), then one SELECT.
    session.execute(
        sa.insert(Answer),
        [
            {
                "attempt_id": attempt.id,
                "question_id": question_id,
                "question_version": questions[question_id].version,
                "position": position,
                "display_order": shuffle_options(
                    question_dict(questions[question_id]), rng if shuffle else None
                ),
            }
            for position, question_id in enumerate(chosen)
        ],
    )
    answers = session.scalars(
        sa.select(Answer).where(Answer.attempt_id == attempt.id).order_by(Answer.position)
    ).all()
    set_committed_value(attempt, "answers", list(answers))
    for answer in answers:  # already read: no lazy load per answer afterwards
        set_committed_value(answer, "question", questions[answer.question_id])
    if not preview:
        ensure_lesson_flashcards(session, user_id, lesson.id, now)
    return OpenedAttempt(attempt, started=True)


def attempt_for_user(session: Session, attempt_id: int, user_id: int, is_staff: bool = False):
    """The attempt when this user may see it (its owner, or staff); None otherwise."""
    attempt = _loaded_attempt(
        session.execute(_ATTEMPT_WITH_QUESTIONS, {"attempt_id": attempt_id}).all()
    )
    if attempt is None or (attempt.user_id != user_id and not is_staff):
        return None
    return attempt


# The learner's submitted attempts at the lesson, previews left out.
_SUBMITTED = (
    Attempt.user_id == sa.bindparam("user_id"),
    Attempt.lesson_id == sa.bindparam("lesson_id"),
    Attempt.submitted_at.is_not(None),
    Attempt.preview.is_(False),
)
# Built once: the results page asks on every view.
_HISTORY = (
    sa.select(Attempt.id, Attempt.score, Attempt.pending_answers)
    .where(*_SUBMITTED)
    .order_by(Attempt.submitted_at, Attempt.id)
)


def lesson_history(
    session: Session,
    user_id: int,
    lesson_id: int,
    seen_at: datetime | None = None,
    rules: QuizRules | None = None,
) -> LessonHistory:
    """The learner's submitted attempts at the lesson (previews left out), in one query.

    With `seen_at` it is what the learner may see at that moment: while the lesson's
    review options hide the score (SPEC §12: after_close before the learner's close
    date, or never), the best, the last and the grade are left out (`scores_hidden`).
    Staff looking at a learner's history pass none; a page that has the learner's
    `rules` (quiz_overrides.learner_rules) already passes them instead of a second query."""
    rows = session.execute(_HISTORY, {"user_id": user_id, "lesson_id": lesson_id}).all()
    lesson = session.get(Lesson, lesson_id)
    if seen_at is not None and rules is None:
        rules = learner_rules(session, lesson, user_id)
    return _history(rows, lesson, seen_at, rules)


def _history(rows, lesson: Lesson, seen_at: datetime | None, rules: QuizRules | None):
    """LessonHistory from the submitted attempts' (id, score, pending_answers) in order of
    submission; with `seen_at`, as the learner under `rules` may see it then."""
    scores = [row.score for row in rows]
    grade = lesson_grade(lesson.quiz_grading or "highest", _grade_scores(rows))
    history = LessonHistory(
        attempts=len(rows),
        best_score=max((score for score in scores if score is not None), default=None),
        last_score=rows[-1].score if rows else None,
        last_attempt_id=rows[-1].id if rows else None,
        grade=grade.score,
        grade_pending=grade.pending,
    )
    if seen_at is None or scores_shown(rules, seen_at):
        return history
    return replace(history, best_score=None, last_score=None, grade=None, scores_hidden=True)


@dataclass(frozen=True)
class LearnerLesson:
    """What the lesson page and the quiz's start page show a learner about its quiz."""

    rules: QuizRules  # the lesson's, with the learner's and their groups' overrides
    history: LessonHistory  # as the learner may see it now (lesson_history with seen_at)
    question_count: int  # as question_count


# The types question_count counts, as constants of the SQL: asked in the quiz and scored.
_COUNTED_TYPES = names_in_sql(
    name for name, kind in QUESTION_TYPES.items() if kind.in_quiz and kind.scored
)


def _learner_lesson_statement():
    """The counted questions, the learner's submitted attempts and their overrides on one
    lesson as one UNION ALL: a `part` column says which, each part fills its own columns
    (the others NULL, typed in the first part so every row reads back alike). One round
    trip instead of three: the lesson page sends it on every view."""

    def blank(type_):
        return sa.cast(sa.null(), type_)

    questions = sa.select(
        sa.literal_column("'questions'", sa.String).label("part"),
        sa.func.count(Question.id).label("question_count"),
        blank(sa.Integer).label("attempt_id"),
        blank(sa.Float).label("score"),
        blank(sa.Integer).label("pending_answers"),
        blank(UTCDateTime()).label("submitted_at"),
        blank(sa.Integer).label("extra_minutes"),
        blank(sa.Integer).label("extra_attempts"),
        blank(UTCDateTime()).label("closes"),
    ).where(
        Question.lesson_id == sa.bindparam("lesson_id"),
        Question.retired_at.is_(None),
        Question.type.in_(_COUNTED_TYPES),
    )
    attempts = sa.select(
        sa.literal_column("'attempt'", sa.String),
        sa.null(),
        Attempt.id,
        Attempt.score,
        Attempt.pending_answers,
        Attempt.submitted_at,
        sa.null(),
        sa.null(),
        sa.null(),
    ).where(*_SUBMITTED)
    overrides = sa.select(
        sa.literal_column("'override'", sa.String),
        sa.null(),
        sa.null(),
        sa.null(),
        sa.null(),
        sa.null(),
        QuizOverride.extra_minutes,
        QuizOverride.extra_attempts,
        QuizOverride.closes,
    ).where(
        QuizOverride.lesson_id == sa.bindparam("lesson_id"),
        applying_to(sa.bindparam("user_id")),
    )
    union = sa.union_all(questions, attempts, overrides).subquery()
    return sa.select(union).order_by(union.c.part, union.c.submitted_at, union.c.attempt_id)


_LEARNER_LESSON = _learner_lesson_statement()


@dataclass(frozen=True)
class _HistoryRow:
    """A submitted attempt as _HISTORY reads it."""

    id: int
    score: float | None
    pending_answers: int


def learner_lesson(
    session: Session, user_id: int, lesson: Lesson, seen_at: datetime
) -> LearnerLesson:
    """quiz_overrides.learner_rules, lesson_history(seen_at=…) and question_count of the
    learner and lesson, in one statement: a Core read (the lesson page and the quiz's
    start page, before anything is pending), without the ORM's execution of it."""
    parameters = {"user_id": user_id, "lesson_id": lesson.id}
    rows = session.connection().execute(_LEARNER_LESSON, parameters).all()
    parts: dict[str, list] = {"questions": [], "attempt": [], "override": []}
    for row in rows:
        parts[row.part].append(row)
    rules = rules_with(lesson, parts["override"])
    attempts = [
        _HistoryRow(row.attempt_id, row.score, row.pending_answers) for row in parts["attempt"]
    ]
    return LearnerLesson(
        rules=rules,
        history=_history(attempts, lesson, seen_at, rules),
        question_count=parts["questions"][0].question_count,
    )


def _grade_scores(rows) -> list[float | None]:
    """Attempt scores as lesson_grade takes them: None for one awaiting a hand grade (its
    score is a floor, not a grade)."""
    return [None if row.pending_answers else (row.score or 0.0) for row in rows]


def attempt_list(session: Session, user_id: int, lesson_id: int) -> list[Attempt]:
    return list(
        session.scalars(
            sa.select(Attempt)
            .where(
                Attempt.user_id == user_id,
                Attempt.lesson_id == lesson_id,
                Attempt.submitted_at.is_not(None),
            )
            .order_by(Attempt.submitted_at.desc())
        )
    )
