"""Grading by hand (essays): the course's queue of answers awaiting a grade, and giving
one (0..1 and a comment), which settles the attempt's score once none is pending.

Only learner data is queued: staff of the course, admins and removed learners never
appear (access.counts_as_learner), nor do answers of unsubmitted attempts."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.manual_grading import attempt_score, hand_grade_problem, is_full_marks
from quizapp.domain.questions.registry import is_scored
from quizapp.models import Answer, Attempt, Course, Lesson, Question, User
from quizapp.services import course_statistics
from quizapp.services.access import counts_as_learner
from quizapp.services.attempt_results import answer_result

COMMENT_MAX = 5000


class GradingError(ValueError):
    """A grade that cannot be given; the message is for the grader (English)."""


@dataclass(frozen=True)
class QueuedAnswer:
    answer: Answer
    attempt: Attempt
    learner: User
    lesson: Lesson
    question: dict[str, Any]  # as the learner answered it
    response: str


@dataclass(frozen=True)
class QueueFilter:
    lesson_id: int | None = None
    question_id: int | None = None
    user_id: int | None = None


def _learner_answers(course: Course):
    """Answers of submitted learner attempts in the course, with what they join."""
    return (
        sa.select(Answer, Attempt, User, Lesson)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .join(User, User.id == Attempt.user_id)
        .where(
            Lesson.course_id == course.id,
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
            counts_as_learner(Attempt.user_id, course.id),
        )
    )


def grading_queue(
    session: Session, course: Course, where: QueueFilter = QueueFilter()
) -> list[QueuedAnswer]:
    """The answers awaiting a grade, oldest submission first; `where` narrows it to one
    lesson, one question or one learner."""
    query = _learner_answers(course).where(Answer.awaiting_grade.is_(True))
    if where.lesson_id is not None:
        query = query.where(Lesson.id == where.lesson_id)
    if where.question_id is not None:
        query = query.where(Answer.question_id == where.question_id)
    if where.user_id is not None:
        query = query.where(Attempt.user_id == where.user_id)
    rows = session.execute(query.order_by(Attempt.submitted_at, Attempt.id, Answer.position))
    return [_queued(*row) for row in rows]


def _queued(answer: Answer, attempt: Attempt, learner: User, lesson: Lesson) -> QueuedAnswer:
    result = answer_result(answer)
    response = result.response if isinstance(result.response, str) else ""
    return QueuedAnswer(answer, attempt, learner, lesson, result.question, response)


def queue_choices(session: Session, course: Course) -> dict[str, list[tuple[int, str]]]:
    """What the queue can be narrowed to: lessons, questions and learners that have an
    answer awaiting a grade (id, label)."""
    pending = _learner_answers(course).where(Answer.awaiting_grade.is_(True)).subquery()
    lessons = session.execute(
        sa.select(Lesson.id, Lesson.number, Lesson.title)
        .where(Lesson.id.in_(sa.select(pending.c.lesson_id)))
        .order_by(Lesson.number)
    )
    questions = session.execute(
        sa.select(Question.id, Question.external_id, Question.title)
        .where(Question.id.in_(sa.select(pending.c.question_id)))
        .order_by(Question.lesson_id, Question.position)
    )
    learners = session.execute(
        sa.select(User.id, User.display_name, User.email)
        .where(User.id.in_(sa.select(pending.c.user_id)))
        .order_by(User.display_name, User.email)
    )
    return {
        "lessons": [(i, f"{number}. {title}") for i, number, title in lessons],
        "questions": [(i, title or external_id) for i, external_id, title in questions],
        "learners": [(i, name or email) for i, name, email in learners],
    }


def gradable_answer(session: Session, course: Course, answer_id: int) -> QueuedAnswer | None:
    """A learner's answer of the course that is graded by hand (pending, or graded and
    open to a new grade); None for anything else, including other courses' answers."""
    row = session.execute(
        _learner_answers(course).where(
            Answer.id == answer_id,
            sa.or_(Answer.awaiting_grade.is_(True), Answer.hand_graded_at.is_not(None)),
        )
    ).first()
    return _queued(*row) if row is not None else None


def grade_answer(
    session: Session,
    course: Course,
    answer_id: int,
    score: Any,
    comment: str | None,
    grader_id: int,
    now: datetime,
) -> Attempt:
    """Gives the answer its grade and comment, then settles its attempt: the score is
    recomputed (pending answers count 0) and, with its last essay graded, final.
    LookupError when the answer is not one to grade in this course; GradingError for a
    bad score or comment (nothing is written then)."""
    found = gradable_answer(session, course, answer_id)
    if found is None:
        raise LookupError(answer_id)
    problem = hand_grade_problem(score)
    if problem is not None:
        raise GradingError(problem)
    comment = (comment or "").strip() or None
    if comment is not None and (len(comment) > COMMENT_MAX or "\x00" in comment):
        raise GradingError(f"the comment must be text of at most {COMMENT_MAX} characters")
    answer = found.answer
    # The learner's share of the maintained statistics moves with the grade (an essay's
    # facility comes from the grades given by hand).
    with course_statistics.user_changing(session, found.attempt.user_id, [course.id]):
        answer.score = round(float(score), 6)
        answer.is_correct = is_full_marks(answer.score)
        answer.awaiting_grade = False
        answer.grader_comment = comment
        answer.graded_by_id = grader_id
        answer.hand_graded_at = now
        session.flush()
        settle_attempt(session, found.attempt)
    return found.attempt


def settle_attempt(session: Session, attempt: Attempt) -> None:
    """Recomputes the attempt's score and pending count from its answers as stored."""
    session.refresh(attempt, ["answers"])
    counted = counted_answers(attempt.answers)
    attempt.pending_answers = sum(1 for answer in counted if answer.awaiting_grade)
    attempt.score = attempt_score(
        None if answer.awaiting_grade else answer.score for answer in counted
    )
    session.flush()


def counted_answers(answers: list[Answer]) -> list[Answer]:
    """The answers that count in their attempt's score: of the types that score, as the
    learner answered them (the type kept in the answer's record, not the current one)."""
    return [answer for answer in answers if is_scored(_answered_type(answer))]


def _answered_type(answer: Answer) -> str:
    record = answer.graded or {}
    return (record.get("question") or {}).get("type") or answer.question.type
