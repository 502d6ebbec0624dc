"""Moves questions between their normalised dict form (the domain's) and database rows."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.questions.flashcard import reversed_card
from quizapp.models import Choice, Lesson, Question

COMMON_KEYS = ("id", "type", "title", "prompt", "explanation", "tags", "section")


@dataclass(frozen=True)
class ChoiceRow:
    text: str
    weight: float
    is_correct: bool
    feedback: str | None


def choice_rows(question: dict[str, Any]) -> list[ChoiceRow]:
    """The rows a question's options become, so distractor counts are a GROUP BY. A
    true/false question keeps two rows: True (position 0) and False (position 1)."""
    if isinstance(question.get("answer"), bool):
        answer = question["answer"]
        return [
            ChoiceRow("True", 100.0 if answer else 0.0, answer, question.get("feedback_true")),
            ChoiceRow(
                "False", 0.0 if answer else 100.0, not answer, question.get("feedback_false")
            ),
        ]
    rows = []
    for choice in question.get("choices") or []:
        if "weight" in choice:
            weight = float(choice["weight"])
        else:
            weight = 100.0 if choice.get("correct") else 0.0
        rows.append(ChoiceRow(choice["text"], weight, weight > 0, choice.get("feedback")))
    return rows


def content_hash(question: dict[str, Any]) -> str:
    """Hash of everything that affects grading or display, so re-loading an unchanged
    question does not bump its version."""
    relevant = {key: value for key, value in question.items() if key not in ("lesson", "category")}
    encoded = json.dumps(relevant, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def type_data(question: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in question.items()
        if key not in COMMON_KEYS and key not in ("lesson", "category")
    }


def next_position(session: Session, lesson_id: int) -> int:
    """The place after the lesson's last question (retired ones keep theirs)."""
    highest = session.scalar(
        sa.select(sa.func.max(Question.position)).where(Question.lesson_id == lesson_id)
    )
    return 0 if highest is None else highest + 1


def add_question(
    session: Session, lesson: Lesson, question: dict[str, Any], now: datetime
) -> Question:
    """A new question (a valid normalised dict) at the end of the lesson: what the editor,
    an accepted draft and a moved question all do."""
    row = Question(
        course_id=lesson.course_id,
        lesson_id=lesson.id,
        content_hash="",
        position=next_position(session, lesson.id),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    apply_question(row, question)
    session.flush()
    return row


def apply_question(row: Question, question: dict[str, Any]) -> bool:
    """Writes the dict onto the row; returns True when the content changed."""
    new_hash = content_hash(question)
    if row.content_hash == new_hash:
        return False
    if row.content_hash:
        row.version += 1
    row.content_hash = new_hash
    row.external_id = question["id"]
    row.type = question["type"]
    row.title = question.get("title")
    row.prompt_md = question["prompt"]
    row.explanation_md = question.get("explanation")
    row.tags = list(question.get("tags") or [])
    row.section = question.get("section")
    row.data = type_data(question)
    _sync_choices(row, choice_rows(question))
    return True


def _sync_choices(row: Question, wanted: list[ChoiceRow]) -> None:
    """Updates choice rows in place by position: replacing them would insert the new rows
    before deleting the old ones and trip the (question, position) unique constraint."""
    existing = {choice.position: choice for choice in row.choices}
    for position, item in enumerate(wanted):
        choice = existing.get(position)
        if choice is None:
            choice = Choice(position=position)
            row.choices.append(choice)
        choice.text_md, choice.weight = item.text, item.weight
        choice.is_correct, choice.feedback_md = item.is_correct, item.feedback
    for position, choice in existing.items():
        if position >= len(wanted):
            row.choices.remove(choice)


def question_dict(row: Question) -> dict[str, Any]:
    """The normalised dict of a stored question, as the domain modules expect it."""
    question = {
        "id": row.external_id,
        "type": row.type,
        "title": row.title,
        "prompt": row.prompt_md,
        "explanation": row.explanation_md,
        "tags": list(row.tags or []),
        "section": row.section,
    }
    question.update(row.data or {})
    return question


def card_question(card) -> dict[str, Any]:
    """The question as this card shows it: a reverse card asks the flashcard's back."""
    question = question_dict(card.question)
    return reversed_card(question) if card.reverse else question
