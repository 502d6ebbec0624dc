"""Submitting a quiz attempt, exactly once, and autosaving its answers before that: the
quiz rules' timing (deadline plus grace), the blank-answer rule and the grading of each
answer (automatic, pending a hand grade, or a description's nothing) in a constant
number of statements. The web and the API both call it (through services.quizzes)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from quizapp.domain.manual_grading import attempt_score
from quizapp.domain.questions.base import GradeResult
from quizapp.domain.questions.registry import grade_response, in_deck, is_scored
from quizapp.domain.quiz_layout import restore_response, selected_choice_positions
from quizapp.domain.quiz_rules import accepts_answers, attempt_deadline
from quizapp.models import Answer, AnswerChoice, Attempt, Course, Lesson, User
from quizapp.services import course_statistics
from quizapp.services.access import member_role
from quizapp.services.attempt_results import graded_record
from quizapp.services.question_store import question_dict
from quizapp.services.quiz_overrides import learner_rules
from quizapp.services.quiz_reviews import record_quiz_answers
from quizapp.services.review_queue import (
    LEARNER_SCHEDULE_COLUMNS,
    LearnerSchedule,
    schedule_from,
)


@dataclass(frozen=True)
class SubmitOutcome:
    attempt: Attempt
    newly_submitted: bool
    # Sent after the deadline: graded on the answers saved in time, not on what was sent.
    late: bool = False


class Unanswered(Exception):
    """Questions are blank and the learner has not confirmed submitting them so; `numbers`
    are their numbers as the page shows them (descriptions are not numbered), `positions`
    their places in the attempt (1-based, as the API lists answers), to list in the
    confirmation."""

    def __init__(self, numbers: list[int], positions: list[int]):
        super().__init__(", ".join(map(str, numbers)))
        self.numbers = numbers
        self.positions = positions


class AnswersClosed(Exception):
    """Autosave refused: the attempt is submitted, or its deadline has passed (`reason`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Answers sent this long after the deadline still count (config QUIZ_GRACE_SECONDS).
DEFAULT_GRACE = timedelta(seconds=30)


def _grade(question: dict[str, Any], response: Any) -> GradeResult | None:
    """The answer's grade; None for a description, which is shown but never scored."""
    return grade_response(question, response) if is_scored(question["type"]) else None


# What a description keeps as its record: nothing was asked, so nothing was said.
_NOTHING_ASKED = GradeResult(score=0.0, correct=False)


def _claim_submission(
    session: Session, attempt: Attempt, now: datetime, score: float, pending: int = 0
) -> bool:
    """Marks the attempt submitted (with its score) unless someone already did: the
    conditional UPDATE is atomic on every database, so a double click or a concurrent
    replay grades once."""
    result = session.execute(
        _CLAIM,
        {"attempt_id": attempt.id, "at": now, "new_score": score, "new_pending": pending},
    )
    return result.rowcount == 1


_ATTEMPTS = Attempt.__table__
_CLAIM = (
    sa.update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == sa.bindparam("attempt_id"), _ATTEMPTS.c.submitted_at.is_(None))
    .values(
        submitted_at=sa.bindparam("at"),
        score=sa.bindparam("new_score"),
        pending_answers=sa.bindparam("new_pending"),
    )
)


def submit_attempt(
    session: Session,
    attempt: Attempt,
    responses: dict[int, Any],
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
    confirm_unanswered: bool = True,
    lesson: AttemptLesson | None = None,
) -> SubmitOutcome:
    """Grades the attempt once: `responses` (answer id → domain response; None is a
    question left blank) over what was autosaved, for the answers they name.

    The quiz rules decide what counts (SPEC §12): after the deadline (plus `grace`) the
    responses sent are ignored and the attempt is graded on the answers saved in time.
    Blank questions score 0; the web and the API both submit them only once the learner
    confirmed (`confirm_unanswered`), unless the time is up, and raise Unanswered
    otherwise. A constant number of statements whatever the number of questions: the
    answers come with their questions (selectinload), the answers' UPDATEs and the
    choices' INSERT are batched, and the answers count as reviews in one batch.

    Everything read is read before the first write, the claim, in one statement with
    the lesson (`attempt_lesson`, or the caller's `lesson` read so): from the claim to the
    commit the transaction only writes (on SQLite it holds the write lock)."""
    if attempt.submitted_at is not None:
        session.refresh(attempt)
        return SubmitOutcome(attempt, newly_submitted=False)
    answers = _answers_for_grading(session, attempt)
    of = lesson or attempt_lesson(session, attempt)
    deadline = attempt_deadline_of(session, attempt)
    late = not accepts_answers(deadline, now, grace)
    chosen = []
    for answer in answers:
        question = question_dict(answer.question)
        if not is_scored(question["type"]):
            response = None  # a description: nothing was asked
        elif late or answer.id not in responses:
            response = restore_response(question, answer.response)  # as autosaved
        else:
            response = responses[answer.id]
        chosen.append((answer, question, None if is_blank(response) else response))
    asked = [
        (answer, response) for answer, question, response in chosen if is_scored(question["type"])
    ]
    blank = [
        (number, answer) for number, (answer, response) in enumerate(asked, 1) if response is None
    ]
    time_up = deadline is not None and now >= deadline
    if blank and not (confirm_unanswered or time_up or late):
        raise Unanswered([number for number, _a in blank], [a.position + 1 for _n, a in blank])
    graded = [
        (answer, question, response, _grade(question, response))
        for answer, question, response in chosen
    ]
    counted = [result for *_rest, result in graded if result is not None]
    score = attempt_score(None if result.pending else result.score for result in counted)
    pending = sum(1 for result in counted if result.pending)
    if not _claim_submission(session, attempt, now, score, pending):
        session.refresh(attempt)
        return SubmitOutcome(attempt, newly_submitted=False)
    # The claim wrote these columns; the object shows them without another UPDATE.
    set_committed_value(attempt, "submitted_at", now)
    set_committed_value(attempt, "score", score)
    set_committed_value(attempt, "pending_answers", pending)
    _store_grades(session, graded, now)
    selected = _store_selected_choices(session, graded)
    _count_answers_as_reviews(session, attempt, now, of.schedule)
    session.flush()
    if not attempt.preview:  # a staff preview is never part of the course's statistics
        course_statistics.record_submission(session, attempt, selected, of.statistics)
    return SubmitOutcome(attempt, newly_submitted=True, late=late)


def is_blank(response: Any) -> bool:
    """Nothing answered: no response, empty text, nothing chosen, every blank empty."""
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    if isinstance(response, list | dict):
        values = response.values() if isinstance(response, dict) else response
        return all(is_blank(value) for value in values) if values else True
    return False


def attempt_deadline_of(session: Session, attempt: Attempt) -> datetime | None:
    """When the attempt's time is up under the learner's rules (overrides included); a
    staff preview keeps only the time limit (a preview of a closed quiz still runs)."""
    lesson = session.get(Lesson, attempt.lesson_id)
    if not lesson.quiz_rules.is_timed:
        # No time limit and no close date: an override only extends those, so there is no
        # deadline to read the learner's overrides for (one query less per submission).
        return None
    if attempt.preview:
        rules = replace(lesson.quiz_rules, opens=None, closes=None)
    else:
        rules = learner_rules(session, lesson, attempt.user_id)
    return attempt_deadline(rules, attempt.started_at)


@dataclass(frozen=True)
class AttemptLesson:
    lesson: Lesson  # with its course loaded
    # The attempt's learner's role in the course (None: no active membership), read along
    # (access.member_role) for access.standing(..., role=...) without a query of its own.
    learner_role: str | None
    # What submitting the attempt reads, read along too: the learner's schedule for its
    # answers' reviews, and the facts its statistics are added with.
    schedule: LearnerSchedule
    statistics: course_statistics.SubmissionFacts


def attempt_lesson(session: Session, attempt: Attempt) -> AttemptLesson:
    """The attempt's lesson with its course, the learner's role there and what submitting
    the attempt reads, in one statement: a result names the course (a lazy load of it was
    one more statement per submission) and is shown in full to the course's staff, and
    a submission then only writes. The schedule is the one for the first question that
    joins the deck (record_quiz_answers' own read)."""
    first_card = next((a.question_id for a in attempt.answers if in_deck(a.question.type)), None)
    params = {
        "lesson_id": attempt.lesson_id,
        "user_id": attempt.user_id,
        "attempt_id": attempt.id,
        "question_id": first_card,
    }
    lesson, role, counted, earlier_count, earlier_best, *schedule = session.execute(
        _LESSON_WITH_COURSE, params
    ).one()
    facts = course_statistics.SubmissionFacts(
        lesson.course_id, counted, earlier_count, earlier_best
    )
    return AttemptLesson(lesson, role, schedule_from(*schedule), facts)


_LESSON_WITH_COURSE = (
    sa.select(
        Lesson,
        member_role(sa.bindparam("user_id"), Course.id),
        *course_statistics.SUBMISSION_FACT_COLUMNS,
        *LEARNER_SCHEDULE_COLUMNS,
    )
    .join(Course, Course.id == Lesson.course_id)
    .join(User, User.id == sa.bindparam("user_id"))
    .options(contains_eager(Lesson.course))
    .where(Lesson.id == sa.bindparam("lesson_id"))
)


def save_answers(
    session: Session,
    attempt: Attempt,
    responses: dict[int, Any],
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
) -> list[int]:
    """Autosave: stores `responses` (answer id → domain response, None to clear) without
    submitting; the ids saved. Refused (AnswersClosed), changing nothing, once the
    attempt is submitted or its deadline (plus `grace`) has passed."""
    if attempt.submitted_at is not None:
        raise AnswersClosed("submitted")
    if not accepts_answers(attempt_deadline_of(session, attempt), now, grace):
        raise AnswersClosed("deadline_passed")
    if _submitted_meanwhile(session, attempt):
        raise AnswersClosed("submitted")
    by_id = {answer.id: answer for answer in attempt.answers}
    saved = []
    for answer_id, response in responses.items():
        answer = by_id.get(answer_id)
        if answer is None:
            continue
        # SQL NULL for a cleared answer (None would be stored as JSON null).
        answer.response = sa.null() if is_blank(response) else response
        answer.saved_at = now
        saved.append(answer_id)
    session.flush()
    return saved


_SUBMITTED_AT_LOCKED = (
    sa.select(Attempt.submitted_at).where(Attempt.id == sa.bindparam("id")).with_for_update()
)


def _submitted_meanwhile(session: Session, attempt: Attempt) -> bool:
    """Whether the attempt was submitted since it was read, asked with the attempt's row
    locked (SQLite: the write lock) until the autosave commits. A submission that commits
    in between must win: without the lock, an autosave that read the attempt open would
    overwrite the responses just graded (PostgreSQL's READ COMMITTED, and SQLite's reads
    before the first write, see the attempt as it was when read). A submission that comes
    after waits for the lock and grades what was saved."""
    found = session.execute(_SUBMITTED_AT_LOCKED, {"id": attempt.id}).scalar_one()
    return found is not None


def _store_grades(session: Session, graded: list, now: datetime) -> None:
    """Writes each answer's grade with one UPDATE (executemany) per shape instead of one
    per answer: answers with a response, and blank ones, whose response becomes SQL NULL
    (a literal in the statement: a None parameter would be stored as JSON null), even
    when something was autosaved before the learner cleared it."""
    shapes: dict[bool, list[tuple[Answer, dict[str, Any]]]] = {True: [], False: []}
    for answer, question, response, result in graded:
        # A description and an essay awaiting its grade have no score yet (SQL NULL), so
        # the statistics, which read scored answers only, leave them out.
        settled = result is not None and not result.pending
        values: dict[str, Any] = {
            "score": result.score if settled else None,
            "is_correct": result.correct if settled else None,
            "awaiting_grade": result is not None and result.pending,
            "answered_at": now,
            "question_version": answer.question.version,
            "graded": graded_record(question, result or _NOTHING_ASKED),
        }
        if response is not None:
            values["response"] = response
        shapes[response is not None].append((answer, values))
    for rows in shapes.values():
        if not rows:
            continue
        statement = _grade_update(tuple(rows[0][1]))
        params = [
            {"answer_id": answer.id} | {f"new_{key}": value for key, value in values.items()}
            for answer, values in rows
        ]
        result = session.execute(statement, params)
        checked = len(params) == 1 or result.dialect.supports_sane_multi_rowcount
        if checked and result.rowcount != len(params):  # as the unit of work checks
            raise StaleDataError(f"expected to update {len(params)} answers, got {result.rowcount}")
        for answer, values in rows:
            for key, value in ({"response": None} | values).items():
                set_committed_value(answer, key, value)


@cache
def _grade_update(columns: tuple[str, ...]) -> sa.Update:
    """The answers' UPDATE for one shape of `_store_grades`, built once per shape."""
    table = Answer.__table__
    assigned: dict[str, Any] = {column: sa.bindparam(f"new_{column}") for column in columns}
    if "response" not in assigned:
        assigned["response"] = sa.null()
    return sa.update(table).where(table.c.id == sa.bindparam("answer_id")).values(assigned)


def _answers_for_grading(session: Session, attempt: Attempt) -> list[Answer]:
    """The attempt's answers with their questions, in one query instead of one per
    answer. Whatever the caller loaded already (open_attempt and attempt_for_user load
    the questions) is kept."""
    if "answers" in sa.inspect(attempt).unloaded or any(
        "question" in sa.inspect(answer).unloaded for answer in attempt.answers
    ):
        session.scalars(
            sa.select(Attempt)
            .where(Attempt.id == attempt.id)
            .options(selectinload(Attempt.answers).selectinload(Answer.question))
            .execution_options(populate_existing=True)
        ).one()
    return list(attempt.answers)


def _store_selected_choices(session: Session, graded: list) -> list[tuple[int, int]]:
    """The selected choices of every answer in one INSERT (a Core executemany); returns
    them as (question id, choice position). Nothing is read or deleted first: the only
    writer of an answer's choices is the submission that claimed its attempt
    (`_claim_submission` runs once per attempt), so an attempt's answers have none before
    this."""
    rows = [
        {"answer_id": answer.id, "choice_position": position, "question_id": answer.question_id}
        for answer, question, response, _result in graded
        for position in selected_choice_positions(question, response)
    ]
    if rows:
        session.execute(_SELECTED_CHOICES_INSERT, rows)
    return [(row["question_id"], row["choice_position"]) for row in rows]


_SELECTED_CHOICES_INSERT = sa.insert(AnswerChoice.__table__)


def _count_answers_as_reviews(
    session: Session, attempt: Attempt, now: datetime, schedule: LearnerSchedule
) -> None:
    if attempt.preview:
        return  # staff trying the quiz: not study, not learner data
    # Essays and descriptions never become cards (registry.in_deck).
    outcomes = [
        (answer.question_id, bool(answer.is_correct))
        for answer in attempt.answers
        if in_deck(answer.question.type)
    ]
    record_quiz_answers(session, attempt.user_id, outcomes, now, schedule=schedule)
