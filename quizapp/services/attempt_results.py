"""What a learner sees of a submitted attempt, built once from what was answered.

At submission each answer keeps the question as it was graded (prompt, options, key,
feedback, explanation) and what grading said (`graded_record`). The results page, the
API and any export read that record (`attempt_results`), so an instructor editing a key
afterwards never makes a learner's results contradict themselves; re-grading against a
new key is an explicit instructor action, not a side effect of viewing. Answers
submitted before the record existed fall back to the current question."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from quizapp.domain.questions.base import GradeResult
from quizapp.domain.questions.registry import grade_response, is_scored
from quizapp.domain.quiz_layout import restore_response
from quizapp.domain.quiz_rules import REVIEW_PARTS, QuizRules, review_shows
from quizapp.models import Answer, Attempt, Lesson
from quizapp.services.question_store import question_dict
from quizapp.services.quiz_overrides import learner_rules


@dataclass(frozen=True)
class AnswerResult:
    answer: Answer
    question: dict[str, Any]  # as graded (or, for old answers, as it is now)
    layout: list  # the order its options were shown in
    response: Any  # the stored response (authored positions)
    score: float
    correct: bool
    right_answer: str
    feedback: list[str]  # per-choice/pair/blank feedback the response triggered
    parts: list[bool]
    # False for a description (shown, never scored); an essay is `pending` until graded
    # by hand, then carries the grader's `comment` (manual_grading).
    scored: bool = True
    pending: bool = False
    comment: str | None = None
    graded_by_hand: bool = False


def graded_record(question: dict[str, Any], result: GradeResult) -> dict[str, Any]:
    """What an answer keeps from its grading (stored in `Answer.graded`)."""
    return {
        "question": question,
        "right_answer": result.right_answer,
        "feedback": list(result.feedback),
        "parts": list(result.parts),
    }


def answer_result(answer: Answer) -> AnswerResult:
    record = answer.graded
    if record:
        question = record["question"]
        response = restore_response(question, answer.response)
        right_answer, feedback, parts = record["right_answer"], record["feedback"], record["parts"]
    else:  # submitted before answers kept their record: the best there is
        question = question_dict(answer.question)
        response = restore_response(question, answer.response)
        result = grade_response(question, response)
        right_answer, feedback, parts = result.right_answer, result.feedback, result.parts
    scored = is_scored(question["type"])
    return AnswerResult(
        answer=answer,
        question=question,
        layout=list(answer.display_order or []),
        response=response,
        score=answer.score or 0.0,
        correct=bool(answer.is_correct),
        right_answer=right_answer,
        feedback=list(feedback),
        parts=list(parts),
        scored=scored,
        pending=bool(answer.awaiting_grade),
        comment=answer.grader_comment,
        graded_by_hand=answer.hand_graded_at is not None,
    )


def attempt_results(attempt: Attempt) -> list[AnswerResult]:
    """Every answer of a submitted attempt, in the attempt's order."""
    return [answer_result(answer) for answer in attempt.answers]


@dataclass(frozen=True)
class ReviewShown:
    """Which parts of a submitted attempt its viewer sees now (the lesson's review
    options, SPEC §12): the score, per-question correctness, the right answers, and the
    feedback with explanations. Staff always see everything."""

    score: bool = True
    correctness: bool = True
    answers: bool = True
    feedback: bool = True


def review_shown(rules: QuizRules, now: datetime, staff: bool = False) -> ReviewShown:
    """`rules` are the learner's own (their overrides move "after_close" with the date)."""
    if staff:
        return ReviewShown()
    return ReviewShown(*(review_shows(rules, part, now) for part in REVIEW_PARTS))


def learner_review_shown(
    session: Session, lesson: Lesson, user_id: int, now: datetime, staff: bool = False
) -> ReviewShown:
    """review_shown under the learner's rules, their overrides read only when they can
    change what is shown: staff see everything, and an override moves only the close
    date, which only an "after_close" option reads (one query less per submission)."""
    if staff:
        return ReviewShown()
    rules = lesson.quiz_rules
    if "after_close" in rules.review.values():
        rules = learner_rules(session, lesson, user_id)
    return review_shown(rules, now)


def shown_results(attempt: Attempt, shown: ReviewShown) -> list[AnswerResult]:
    """The attempt's results with what the viewer may not see yet taken out, so no page
    or serializer can show a hidden part by mistake."""
    results = []
    for result in attempt_results(attempt):
        question = result.question
        if not shown.feedback and question.get("explanation"):
            question = {**question, "explanation": None}
        results.append(
            replace(
                result,
                question=question,
                score=result.score if shown.score else 0.0,
                correct=result.correct if shown.correctness else False,
                right_answer=result.right_answer if shown.answers else "",
                feedback=result.feedback if shown.feedback else [],
                parts=result.parts if shown.correctness else [],
                # A grader's comment is feedback on the answer: hidden with the feedback.
                comment=result.comment if shown.feedback else None,
            )
        )
    return results
