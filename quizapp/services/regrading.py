"""Regrading a question after its key changed: which submitted attempts would change and by
how much (the preview), then the same changes applied, each kept in the regrade log.

Results come from each answer's snapshot (services.attempt_results), so a new key changes
nothing until an instructor regrades: the answer's stored response is graded against the
question as it is now, its snapshot rewritten, and its attempt's score recomputed. The
old scores stay visible in the log, which the attempt's results page shows. Essays are
graded by hand and descriptions not at all: only automatically graded types regrade."""

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from quizapp.domain.manual_grading import attempt_score, is_full_marks
from quizapp.domain.questions.registry import grade_response, is_gradable
from quizapp.domain.quiz_layout import restore_response
from quizapp.models import Answer, Attempt, Lesson, Question, RegradeLog, User
from quizapp.services import course_statistics
from quizapp.services.attempt_results import graded_record
from quizapp.services.manual_grading import counted_answers
from quizapp.services.question_store import question_dict


class RegradeOutdated(Exception):
    """The question changed after the preview: what was shown is not what would apply."""


@dataclass(frozen=True)
class RegradeChange:
    answer: Answer
    attempt: Attempt
    learner: User
    old_score: float
    new_score: float
    old_attempt_score: float
    new_attempt_score: float

    @property
    def difference(self) -> float:
        return self.new_attempt_score - self.old_attempt_score


@dataclass(frozen=True)
class RegradePlan:
    question: Question
    version: int  # the question's version the plan grades against
    answers: int  # submitted answers regraded (their snapshots are rewritten)
    changes: list[RegradeChange]  # the answers whose score changes, oldest attempt first


def plan_regrade(session: Session, question: Question) -> RegradePlan:
    """What regrading `question` would do; writes nothing."""
    current = question_dict(question)
    if not is_gradable(current["type"]):
        return RegradePlan(question, question.version, 0, [])
    rows = session.execute(
        sa.select(Answer, Attempt, User)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .where(Answer.question_id == question.id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.submitted_at, Attempt.id)
        .options(selectinload(Attempt.answers).selectinload(Answer.question))
    ).all()
    changes = []
    for answer, attempt, learner in rows:
        new = _regraded(current, answer).score
        old = answer.score or 0.0
        if round(new, 6) == round(old, 6):
            continue
        scores = [
            (new if other.id == answer.id else other.score) if not other.awaiting_grade else None
            for other in counted_answers(attempt.answers)
        ]
        changes.append(
            RegradeChange(
                answer, attempt, learner, old, new, attempt.score or 0.0, attempt_score(scores)
            )
        )
    return RegradePlan(question, question.version, len(rows), changes)


def _regraded(current: dict, answer: Answer):
    return grade_response(current, restore_response(current, answer.response))


def apply_regrade(
    session: Session, question: Question, version: int, regrader_id: int, now: datetime
) -> RegradePlan:
    """Applies the plan the preview showed for `version` of the question (RegradeOutdated
    when it has changed since): every submitted answer's snapshot is rewritten against the
    current question, changed scores are logged and their attempts recomputed, and the
    learners' shares of the maintained statistics move with them."""
    if question.version != version:
        raise RegradeOutdated(question.id)
    plan = plan_regrade(session, question)
    current = question_dict(question)
    if not is_gradable(current["type"]):
        return plan
    course_id = session.scalar(sa.select(Lesson.course_id).where(Lesson.id == question.lesson_id))
    changed = {change.answer.id: change for change in plan.changes}
    users = sorted({change.attempt.user_id for change in plan.changes})
    with ExitStack() as moving:
        for user_id in users:
            moving.enter_context(course_statistics.user_changing(session, user_id, [course_id]))
        answers = session.scalars(
            sa.select(Answer)
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .where(Answer.question_id == question.id, Attempt.submitted_at.is_not(None))
        )
        for answer in answers:
            result = _regraded(current, answer)
            answer.graded = graded_record(current, result)
            answer.question_version = question.version
            change = changed.get(answer.id)
            if change is None:
                continue
            answer.score, answer.is_correct = result.score, is_full_marks(result.score)
            change.attempt.score = change.new_attempt_score
            session.add(
                RegradeLog(
                    attempt_id=change.attempt.id,
                    answer_id=answer.id,
                    question_id=question.id,
                    question_version=question.version,
                    old_score=change.old_score,
                    new_score=change.new_score,
                    old_attempt_score=change.old_attempt_score,
                    new_attempt_score=change.new_attempt_score,
                    regraded_at=now,
                    regraded_by_id=regrader_id,
                )
            )
        session.flush()
    return plan


def attempt_regrades(session: Session, attempt_id: int) -> list[RegradeLog]:
    """The attempt's regrade log, oldest first: what each regrade changed."""
    return list(
        session.scalars(
            sa.select(RegradeLog)
            .where(RegradeLog.attempt_id == attempt_id)
            .order_by(RegradeLog.regraded_at, RegradeLog.id)
        )
    )


def question_regrades(session: Session, question_id: int) -> list[RegradeLog]:
    """What regrading the question changed so far, newest first."""
    return list(
        session.scalars(
            sa.select(RegradeLog)
            .where(RegradeLog.question_id == question_id)
            .order_by(RegradeLog.regraded_at.desc(), RegradeLog.id.desc())
        )
    )
