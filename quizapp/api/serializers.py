"""Plain JSON shapes of the service results (documented in quizapp.api.schemas).

Questions go out in two forms: public (no right answers, options as `{position, text}` in
the order shown, `position` being the place in that order, which is what responses name:
never the authored position, which would give the key away) and, for staff, with the
answer key (authored order)."""

from datetime import UTC, date, datetime
from typing import Any

from quizapp.domain import media_refs
from quizapp.domain.questions.registry import describe_right_answer
from quizapp.domain.quiz_layout import matching_options
from quizapp.domain.quiz_rules import QuizRules
from quizapp.domain.rendering import render_markdown
from quizapp.models import ApiToken, Course, Lesson, Media, Question
from quizapp.services.bank_import import ImportPlan, summary
from quizapp.services.catalog import CourseSummary, LessonSummary
from quizapp.services.question_store import question_dict


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
