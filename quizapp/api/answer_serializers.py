"""Plain JSON shapes of answering (documented in quizapp.api.answer_schemas):
attempts and their results, the grading queue and flashcard reviews."""

from datetime import datetime
from typing import Any

from quizapp.api.serializers import iso, lesson_ref, public_question
from quizapp.domain.quiz_layout import response_as_places, restore_response
from quizapp.models import Attempt, Card, Lesson
from quizapp.services.attempt_results import ReviewShown, shown_results
from quizapp.services.question_store import card_question, question_dict


def attempt_started(
    attempt: Attempt, lesson: Lesson, deadline: datetime | None = None
) -> dict[str, Any]:
    """An attempt to answer, with what was autosaved so far (in display places)."""
    questions = []
    for answer in attempt.answers:
        question = question_dict(answer.question)
        saved = restore_response(question, answer.response)
        questions.append(
            {
                "answer_id": answer.id,
                "position": answer.position,
                "question": public_question(question, answer.display_order),
                "response": response_as_places(question, answer.display_order, saved),
            }
        )
    return {
        "id": attempt.id,
        "lesson": lesson_ref(lesson),
        "number": attempt.number,
        "started_at": iso(attempt.started_at),
        "submitted": attempt.is_submitted,
        "preview": attempt.preview,
        "deadline": iso(deadline),
        "questions": questions,
    }


def attempt_result(
    attempt: Attempt, lesson: Lesson, shown: ReviewShown | None = None, regrades=()
) -> dict[str, Any]:
    """The graded attempt, from what was answered (as the results page shows it), with
    what the lesson's review options hide for now as null; `regrades`, its regrade log
    (old → new scores), only while the score is shown."""
    shown = shown or ReviewShown()
    answers = [
        {
            "answer_id": result.answer.id,
            "position": result.answer.position,
            "question": public_question(result.question, result.layout),
            "response": response_as_places(result.question, result.layout, result.response),
            "answered": result.response is not None,
            "score": result.score if shown.score and result.scored and not result.pending else None,
            "correct": result.correct if shown.correctness else None,
            "right_answer": result.right_answer if shown.answers else None,
            "feedback": result.feedback if shown.feedback else [],
            "explanation": result.question.get("explanation") if shown.feedback else None,
            "grading": _grading_of(result),
            # The grader's comment is feedback: shown_results leaves it out while hidden.
            "comment": result.comment,
        }
        for result in shown_results(attempt, shown)
    ]
    return {
        "id": attempt.id,
        "lesson": lesson_ref(lesson),
        "number": attempt.number,
        "started_at": iso(attempt.started_at),
        "submitted_at": iso(attempt.submitted_at),
        "score": (attempt.score or 0.0) if shown.score else None,
        "question_count": attempt.question_count,
        "grading": "pending" if attempt.pending_answers else "complete",
        "pending_answers": attempt.pending_answers,
        "shown": {
            "score": shown.score,
            "correctness": shown.correctness,
            "answers": shown.answers,
            "feedback": shown.feedback,
        },
        "answers": answers,
        "regrades": [
            {
                "answer_id": entry.answer_id,
                "question_version": entry.question_version,
                "old_score": entry.old_score,
                "new_score": entry.new_score,
                "old_attempt_score": entry.old_attempt_score,
                "new_attempt_score": entry.new_attempt_score,
                "regraded_at": iso(entry.regraded_at),
            }
            for entry in (regrades if shown.score else ())
        ],
    }


def _grading_of(result) -> str:
    if not result.scored:
        return "none"
    if result.pending:
        return "pending"
    return "by_hand" if result.graded_by_hand else "automatic"


def queued_answer(item) -> dict[str, Any]:
    """An answer of the grading queue (services.manual_grading.QueuedAnswer)."""
    question = item.question
    return {
        "answer_id": item.answer.id,
        "attempt_id": item.attempt.id,
        "learner": {
            "id": item.learner.id,
            "email": item.learner.email,
            "display_name": item.learner.display_name or "",
        },
        "lesson": lesson_ref(item.lesson),
        "question": {
            "id": question["id"],
            "title": question.get("title"),
            "prompt": question.get("prompt") or "",
            "max_words": question.get("max_words"),
            "grader_notes": question.get("grader_notes"),
        },
        "response": item.response,
        "submitted_at": iso(item.attempt.submitted_at),
    }


def grade_given(answer, attempt: Attempt) -> dict[str, Any]:
    return {
        "answer_id": answer.id,
        "score": answer.score,
        "comment": answer.grader_comment,
        "attempt": {
            "id": attempt.id,
            "score": attempt.score or 0.0,
            "pending_answers": attempt.pending_answers,
            "grading": "pending" if attempt.pending_answers else "complete",
        },
    }


def card_state(card: Card) -> dict[str, Any]:
    return {
        "id": card.id,
        "state": card.state,
        "due": iso(card.due),
        "reps": card.reps,
        "lapses": card.lapses,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "last_review": iso(card.last_review),
    }


def due_card(card: Card, layout: list, question: dict[str, Any] | None = None) -> dict[str, Any]:
    if question is None:
        question = card_question(card)
    return {
        "card": card_state(card),
        "lesson": lesson_ref(card.question.lesson),
        "question": public_question(question, layout, with_back=True),
    }


def review_result(card: Card, rating: int, grade=None) -> dict[str, Any]:
    return {
        "card": card_state(card),
        "rating": rating,
        "grade": None
        if grade is None
        else {
            "score": grade.score,
            "correct": grade.correct,
            "right_answer": grade.right_answer,
            "feedback": list(grade.feedback),
        },
    }
