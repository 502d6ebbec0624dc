"""Draft questions for a lesson from its notes, and turn the instructor's pick into questions."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.drafting import Draft, draft_questions
from quizapp.domain.formats.bank import dump_bank
from quizapp.domain.questions import registry
from quizapp.domain.questions.registry import check_question
from quizapp.models import Lesson, Question
from quizapp.services.question_store import add_question, question_dict


class DraftError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class DraftEdits:
    """What the drafts page lets an instructor change before accepting: the text the
    learner reads and the main answer (see `registry.draft_answer`). None keeps the draft's."""

    prompt: str | None = None
    answer: str | None = None


def lesson_drafts(
    session: Session, lesson: Lesson, hidden: frozenset[str] = frozenset()
) -> list[Draft]:
    """Drafts from the lesson's notes, minus the ids in `hidden` and anything the lesson
    already asks (retired questions included, so a retired question is not re-proposed).
    Other lessons of the course lend their lists as distractors."""
    existing = [
        question_dict(row)
        for row in session.scalars(sa.select(Question).where(Question.lesson_id == lesson.id))
    ]
    bodies = session.scalars(
        sa.select(Lesson.body_md)
        .where(Lesson.course_id == lesson.course_id)
        .order_by(Lesson.number)
    ).all()
    drafts = draft_questions(
        lesson.body_md,
        lesson_number=lesson.number,
        lesson_anchor=lesson.slug,
        course_markdown=list(bodies),
        existing=existing,
    )
    # A question moved to another lesson keeps its draft id: ids are unique per course.
    taken = set(
        session.scalars(
            sa.select(Question.external_id).where(Question.course_id == lesson.course_id)
        )
    )
    return [draft for draft in drafts if draft.id not in hidden and draft.id not in taken]


def drafts_bank(session: Session, lesson: Lesson) -> tuple[str, list[Draft]]:
    """The lesson's drafts as a YAML bank file (`quizapp questions validate` accepts it),
    headed by a comment listing each draft's rule and confidence."""
    drafts = lesson_drafts(session, lesson)
    header = [
        f"# Drafts for lesson {lesson.number} ({lesson.title}), made from its notes.",
        "# Review them, then `quizapp questions import` the ones to keep.",
        *(
            f"#   {draft.id}  {draft.question['type']}  {draft.rule}  {draft.confidence:.2f}"
            for draft in drafts
        ),
    ]
    body = dump_bank([draft.question for draft in drafts], lesson=lesson.number)
    return "\n".join(header) + "\n" + body, drafts


def accept_draft(
    session: Session,
    lesson: Lesson,
    draft_id: str,
    now: datetime,
    edits: DraftEdits | None = None,
) -> Question:
    """Create the draft as a question of the lesson (with the instructor's edits), keeping
    the draft's id. Raises DraftError when the draft is gone or the edit is invalid."""
    draft = next((d for d in lesson_drafts(session, lesson) if d.id == draft_id), None)
    if draft is None:
        raise DraftError([f"the draft {draft_id!r} is no longer proposed for this lesson"])
    question = edited_question(draft.question, edits or DraftEdits())
    question, problems = check_question(question)
    if problems:
        raise DraftError(problems)
    question.pop("lesson", None)
    return add_question(session, lesson, question, now)


# --- the editable parts of a draft (each type reads its own: domain/questions) -------------


def edited_question(question: dict[str, Any], edits: DraftEdits) -> dict[str, Any]:
    """A copy of the question with the edits applied; DraftError on an unreadable answer."""
    result = copy.deepcopy(question)
    if edits.prompt is not None and edits.prompt.strip():
        result = registry.with_main_text(result, edits.prompt.strip())
    answer = (edits.answer or "").strip()
    if not answer or answer == (registry.draft_answer(question) or ""):
        return result
    try:
        return registry.with_draft_answer(result, answer)
    except ValueError as error:
        raise DraftError([str(error)]) from None
