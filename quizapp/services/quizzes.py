"""Quiz attempts: start one (fixing order and shuffles), submit it exactly once, and
read back results and per-lesson history."""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from quizapp.domain.questions.registry import grade_response, is_gradable
from quizapp.domain.quiz_layout import draw_questions, selected_choice_positions, shuffle_options
from quizapp.models import Answer, AnswerChoice, Attempt, Lesson, Question
from quizapp.services.question_store import question_dict


@dataclass(frozen=True)
class LessonHistory:
    attempts: int
    best_score: float | None
    last_score: float | None
    last_attempt_id: int | None


@dataclass(frozen=True)
class SubmitOutcome:
    attempt: Attempt
    newly_submitted: bool


def quiz_questions(session: Session, lesson: Lesson) -> list[Question]:
    rows = session.scalars(
        sa.select(Question)
        .where(Question.lesson_id == lesson.id, Question.retired_at.is_(None))
        .order_by(Question.position, Question.id)
    )
    return [row for row in rows if is_gradable(row.type)]


def open_attempt(session: Session, user_id: int, lesson_id: int) -> Attempt | None:
    """The learner's unsubmitted attempt at this lesson, if any (a reload keeps it)."""
    return session.scalar(
        sa.select(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.lesson_id == lesson_id,
            Attempt.submitted_at.is_(None),
        )
        .order_by(Attempt.id.desc())
        .limit(1)
    )


def start_attempt(
    session: Session,
    user_id: int,
    lesson: Lesson,
    now: datetime,
    size: int | None = None,
    seed: int | None = None,
) -> Attempt:
    questions = {row.id: row for row in quiz_questions(session, lesson)}
    seed = secrets.randbits(48) if seed is None else seed
    rng = random.Random(seed)
    chosen = draw_questions(sorted(questions), size or lesson.quiz_size, rng)
    previous = session.scalar(
        sa.select(sa.func.count(Attempt.id)).where(
            Attempt.user_id == user_id, Attempt.lesson_id == lesson.id
        )
    )
    attempt = Attempt(
        user_id=user_id,
        lesson_id=lesson.id,
        number=previous + 1,
        seed=seed,
        started_at=now,
        question_count=len(chosen),
    )
    attempt.answers = [
        Answer(
            question_id=question_id,
            question_version=questions[question_id].version,
            position=position,
            display_order=shuffle_options(question_dict(questions[question_id]), rng),
        )
        for position, question_id in enumerate(chosen)
    ]
    session.add(attempt)
    session.flush()
    return attempt


def begin_retake(
    session: Session, user_id: int, lesson: Lesson, now: datetime, size: int | None = None
) -> Attempt | None:
    """A fresh attempt, unless one is already open or the lesson has nothing to ask."""
    if open_attempt(session, user_id, lesson.id) is not None:
        return None
    if not quiz_questions(session, lesson):
        return None
    return start_attempt(session, user_id, lesson, now, size=size)


def attempt_for_user(session: Session, attempt_id: int, user_id: int, is_staff: bool = False):
    """The attempt when this user may see it (its owner, or staff); None otherwise."""
    attempt = session.scalar(
        sa.select(Attempt)
        .where(Attempt.id == attempt_id)
        .options(selectinload(Attempt.answers).selectinload(Answer.question))
    )
    if attempt is None or (attempt.user_id != user_id and not is_staff):
        return None
    return attempt


def _claim_submission(session: Session, attempt: Attempt, now: datetime) -> bool:
    """Marks the attempt submitted unless someone already did: the conditional UPDATE is
    atomic on every database, so a double click or a concurrent replay grades once."""
    result = session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def submit_attempt(
    session: Session, attempt: Attempt, responses: dict[int, Any], now: datetime
) -> SubmitOutcome:
    """Grades `responses` (answer id → domain response) and stores them, once."""
    if attempt.submitted_at is not None or not _claim_submission(session, attempt, now):
        session.refresh(attempt)
        return SubmitOutcome(attempt, newly_submitted=False)
    total = 0.0
    for answer in attempt.answers:
        question = question_dict(answer.question)
        response = responses.get(answer.id)
        result = grade_response(question, response)
        answer.response = response
        answer.score = result.score
        answer.is_correct = result.correct
        answer.answered_at = now
        answer.question_version = answer.question.version
        answer.selected_choices = [
            AnswerChoice(choice_position=position, question_id=answer.question_id)
            for position in selected_choice_positions(question, response)
        ]
        total += result.score
    attempt.submitted_at = now
    attempt.score = total / len(attempt.answers) if attempt.answers else 0.0
    _count_answers_as_reviews(session, attempt, now)
    session.flush()
    return SubmitOutcome(attempt, newly_submitted=True)


def _count_answers_as_reviews(session: Session, attempt: Attempt, now: datetime) -> None:
    from quizapp.services.reviews import record_quiz_answer

    for answer in attempt.answers:
        record_quiz_answer(
            session, attempt.user_id, answer.question_id, bool(answer.is_correct), now
        )


def lesson_history(session: Session, user_id: int, lesson_id: int) -> LessonHistory:
    submitted = (Attempt.user_id == user_id, Attempt.lesson_id == lesson_id) + (
        Attempt.submitted_at.is_not(None),
    )
    count, best = session.execute(
        sa.select(sa.func.count(Attempt.id), sa.func.max(Attempt.score)).where(*submitted)
    ).one()
    last = session.execute(
        sa.select(Attempt.id, Attempt.score)
        .where(*submitted)
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        .limit(1)
    ).first()
    return LessonHistory(
        attempts=count,
        best_score=best,
        last_score=last.score if last else None,
        last_attempt_id=last.id if last else None,
    )


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
