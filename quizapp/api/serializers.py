"""Plain JSON shapes of the service results (documented in quizapp.api.schemas).

Questions go out in two forms: public (no right answers, options as `{position, text}` in
the order shown, `position` being the place in that order, which is what responses name:
never the authored position, which would give the key away) and, for staff, with the
answer key (authored order)."""

from datetime import UTC, date, datetime
from typing import Any

from quizapp.domain import media_refs
from quizapp.domain.questions.registry import describe_right_answer
from quizapp.domain.quiz_layout import matching_options, response_as_places, restore_response
from quizapp.domain.quiz_rules import QuizRules
from quizapp.domain.rendering import render_markdown
from quizapp.models import ApiToken, Attempt, Card, Course, Lesson, Media, Question
from quizapp.services.attempt_results import ReviewShown, shown_results
from quizapp.services.bank_import import ImportPlan, summary
from quizapp.services.catalog import CourseSummary, LessonSummary
from quizapp.services.item_analysis import flag_codes, question_title
from quizapp.services.progress import LearnerProgress
from quizapp.services.question_store import card_question, question_dict
from quizapp.services.stats import CourseDashboard


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def token_created(api_token: ApiToken, token: str) -> dict[str, Any]:
    return {
        "token": token,
        "id": api_token.id,
        "name": api_token.name,
        "prefix": api_token.prefix,
        "created_at": iso(api_token.created_at),
    }


# --- catalogue ------------------------------------------------------------------------------


def course_ref(course: Course) -> dict[str, Any]:
    return {"slug": course.slug, "title": course.title}


def course_item(item: CourseSummary, role: str | None = None) -> dict[str, Any]:
    return {
        **course_ref(item.course),
        "description": item.course.description_md or "",
        "lesson_count": item.lesson_count,
        # What the quizzes ask from; flashcards are studied in review, never asked.
        "question_count": item.quiz_question_count,
        "flashcard_count": item.flashcard_count,
        "visibility": item.course.visibility,
        "role": role,
    }


def enrolment(course: Course, role: str) -> dict[str, Any]:
    return {"course": course_ref(course), "role": role}


def member(row) -> dict[str, Any]:
    """A quizapp.services.memberships.MemberRow."""
    return {
        "user_id": row.user_id,
        "email": row.email,
        "display_name": row.display_name,
        "role": row.role,
        "joined_at": iso(row.joined_at),
    }


def lesson_ref(lesson: Lesson) -> dict[str, Any]:
    return {
        "course": lesson.course.slug,
        "number": lesson.number,
        "slug": lesson.slug,
        "title": lesson.title,
    }


def lesson_item(item: LessonSummary) -> dict[str, Any]:
    lesson = item.lesson
    return {
        "number": lesson.number,
        "slug": lesson.slug,
        "title": lesson.title,
        # What the lesson's quiz asks from (what the quiz page counts); flashcards apart.
        "question_count": item.quiz_question_count,
        "flashcard_count": item.flashcard_count,
        "quiz_size": lesson.quiz_size,
        "quiz": quiz_rules(lesson.quiz_rules),
    }


def quiz_rules(rules: QuizRules) -> dict[str, Any]:
    return {
        "size": rules.size,
        "shuffle": rules.shuffle,
        "time_limit": rules.time_limit,
        "attempts": rules.attempts,
        "opens": iso(rules.opens),
        "closes": iso(rules.closes),
        "grading": rules.grading,
        "review": dict(rules.review),
    }


# --- questions ------------------------------------------------------------------------------


def _options(texts: list[str], order: list[int] | None) -> list[dict[str, Any]]:
    """Options in `order` (authored positions), each named by its place in that order."""
    positions = [pos for pos in (order or range(len(texts))) if 0 <= pos < len(texts)]
    return [{"position": place, "text": texts[pos]} for place, pos in enumerate(positions)]


def public_question(
    question: dict[str, Any], layout: list | None = None, *, with_back: bool = False
) -> dict[str, Any]:
    """The question as a learner may see it before answering, options in `layout` order
    (an attempt's or a review's shuffle; staff get the authored order). Keys follow the
    data, as quiz_layout does."""
    out: dict[str, Any] = {
        "id": question["id"],
        "type": question["type"],
        "title": question.get("title"),
        "prompt": question.get("prompt") or "",
        "prompt_html": render_markdown(question.get("prompt") or ""),
        "section": question.get("section"),
        "tags": list(question.get("tags") or []),
    }
    if question.get("choices"):
        out["options"] = _options([c["text"] for c in question["choices"]], layout)
    elif question.get("pairs"):
        out["items"] = _options([pair["left"] for pair in question["pairs"]], None)
        out["options"] = _options(matching_options(question), layout)
    elif question.get("blanks"):
        out["text"] = question.get("text") or ""
        out["blanks"] = [
            {
                "position": i,
                "options": _options(
                    blank["options"], layout[i] if layout and i < len(layout) else None
                )
                if blank.get("options")
                else None,
            }
            for i, blank in enumerate(question["blanks"])
        ]
    if "max_words" in question:  # an essay: its limit and starting text, never the notes
        out["max_words"] = question["max_words"]
        out["response_template"] = question.get("response_template")
    if with_back and "back" in question:
        out["back"] = question["back"]
    return out


def staff_question(row: Question, lesson: Lesson) -> dict[str, Any]:
    question = question_dict(row)
    return {
        **public_question(question, with_back=True),
        "lesson": lesson.slug,
        "explanation": question.get("explanation"),
        "right_answer": describe_right_answer(question),
        "definition": question,
    }


# --- attempts -------------------------------------------------------------------------------


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
    attempt: Attempt, lesson: Lesson, shown: ReviewShown | None = None
) -> dict[str, Any]:
    """The graded attempt, from what was answered (as the results page shows it), with
    what the lesson's review options hide for now as null."""
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
    }


def _grading_of(result) -> str:
    if not result.scored:
        return "none"
    if result.pending:
        return "pending"
    return "by_hand" if result.graded_by_hand else "automatic"


# --- grading by hand --------------------------------------------------------------------------


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


# --- reviews --------------------------------------------------------------------------------


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


def due_card(card: Card, layout: list) -> dict[str, Any]:
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


# --- progress and statistics ----------------------------------------------------------------


def progress(found: LearnerProgress) -> dict[str, Any]:
    return {
        "lessons": [
            {
                "lesson": lesson_ref(item.lesson),
                "question_count": item.question_count,
                "attempts": item.attempts,
                "grade": item.grade,
                "best_score": item.best_score,
                "last_score": item.last_score,
                "mastered": item.mastered,
                "mastery": item.mastery,
            }
            for item in found.lessons
        ],
        "due_today": found.due_today,
        "forecast": [{"date": iso(day), "due": count} for day, count in found.forecast],
        "streak": found.streak,
        "accuracy": [
            {"week_start": iso(week.week_start), "answers": week.answers, "accuracy": week.accuracy}
            for week in found.accuracy
        ],
    }


def course_stats(dashboard: CourseDashboard) -> dict[str, Any]:
    return {
        "course": course_ref(dashboard.course),
        "group_id": dashboard.group_id,
        "active_7_days": dashboard.active_7_days,
        "active_30_days": dashboard.active_30_days,
        "lessons": [
            {
                "lesson": lesson_ref(item.lesson),
                "question_count": item.question_count,
                "learners_completed": item.learners_completed,
                "completion": item.completion,
                "mean_best_score": item.mean_best_score,
                "first_attempts": item.first_attempts,
                "first_mean": item.first_mean,
                "first_sd": item.first_sd,
                "alpha": item.alpha,
            }
            for item in dashboard.lessons
        ],
        "questions": [
            {
                "id": item.question.external_id,
                "type": item.question.type,
                "title": question_title(item.question),
                "lesson_number": item.lesson_number,
                "attempts": item.attempts,
                "facility": item.facility,
                "discrimination": item.discrimination,
                "flags": flag_codes(item.flags),
                "choices": [
                    {
                        "position": choice.position,
                        "label": choice.label,
                        "text": choice.text_md,
                        "is_correct": choice.is_correct,
                        "count": choice.count,
                        "share": choice.share,
                    }
                    for choice in item.choices
                ],
            }
            for item in dashboard.questions
        ],
        "learners": [
            {
                "user_id": row.user_id,
                "email": row.email,
                "display_name": row.display_name,
                "attempts": row.attempts,
                "lessons_completed": row.lessons_completed,
                "mean_grade": row.mean_grade,
                "mean_best_score": row.mean_best_score,
                "reviews": row.reviews,
                "last_activity": iso(row.last_activity),
            }
            for row in dashboard.learners
        ],
    }


def import_result(plan: ImportPlan, applied: bool) -> dict[str, Any]:
    return {
        "filename": plan.filename,
        "format": plan.fmt,
        "applied": applied,
        "created": plan.created,
        "updated": plan.updated,
        "unchanged": plan.unchanged,
        "kept": plan.kept,
        "unsupported": plan.unsupported,
        "warnings": plan.warnings,
        "summary": summary(plan),
    }


# --- media ----------------------------------------------------------------------------------


def media_stored(media: Media, alt: str) -> dict[str, Any]:
    return {
        "name": media.name,
        "url": media_refs.media_url(media.name),
        "markdown": media_refs.image_markdown(alt, media.name),
        "kind": media.kind,
        "content_type": media.content_type,
        "size": media.size,
        "width": media.width,
        "height": media.height,
    }
