"""How well a lesson's questions cover its sections, and how learners score on each."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.lesson_notes import read_notes
from quizapp.models import Answer, Attempt, Lesson, Question, User


@dataclass(frozen=True)
class SectionCoverage:
    """One section of the lesson (or a `section:` value that names none of them)."""

    anchor: str | None  # None: questions that name no section
    title: str | None  # the heading; None for the text before the first heading
    level: int  # heading level; 0 for the lesson's opening text and orphans
    question_count: int  # active questions naming this section
    answer_count: int  # graded learner answers to them
    mean_score: float | None  # learners' mean item score in [0, 1], None without answers
    in_lesson: bool = True  # False: the anchor is not in the lesson (renamed heading?)

    @property
    def covered(self) -> bool:
        return self.question_count > 0


def lesson_coverage(session: Session, lesson: Lesson) -> list[SectionCoverage]:
    """The lesson's sections in reading order, each with its active questions and the
    learners' mean score; then rows for questions whose section is unknown or unset.

    Two aggregate queries whatever the number of answers.
    """
    counts = _question_counts(session, lesson)
    scores = _learner_scores(session, lesson)
    notes = read_notes(lesson.body_md, lesson.slug)
    rows: list[SectionCoverage] = []
    seen: set[str | None] = set()
    for section in notes.sections:
        has_text = notes.block_counts.get(section, 0) > 0
        if section.level == 0 and not has_text and section.anchor not in counts:
            continue  # a lesson that starts with a heading has no opening section
        seen.add(section.anchor)
        rows.append(_row(section.anchor, section.title, section.level, counts, scores))
    for anchor in sorted(set(counts) - seen, key=lambda value: (value is None, value or "")):
        rows.append(_row(anchor, None, 0, counts, scores, in_lesson=False))
    return rows


def _row(anchor, title, level, counts, scores, in_lesson: bool = True) -> SectionCoverage:
    answers, mean = scores.get(anchor, (0, None))
    return SectionCoverage(
        anchor=anchor,
        title=title,
        level=level,
        question_count=counts.get(anchor, 0),
        answer_count=answers,
        mean_score=None if mean is None else float(mean),
        in_lesson=in_lesson,
    )


def _question_counts(session: Session, lesson: Lesson) -> dict[str | None, int]:
    rows = session.execute(
        sa.select(Question.section, sa.func.count())
        .where(Question.lesson_id == lesson.id, Question.retired_at.is_(None))
        .group_by(Question.section)
    ).all()
    return {section: count for section, count in rows}


def _learner_scores(session: Session, lesson: Lesson) -> dict[str | None, tuple[int, float]]:
    """Graded answers of learners (staff trying the quiz would skew it), active questions."""
    rows = session.execute(
        sa.select(Question.section, sa.func.count(Answer.id), sa.func.avg(Answer.score))
        .join(Answer, Answer.question_id == Question.id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .where(
            Question.lesson_id == lesson.id,
            Question.retired_at.is_(None),
            Attempt.submitted_at.is_not(None),
            Answer.score.is_not(None),
            User.role == "learner",
        )
        .group_by(Question.section)
    ).all()
    return {section: (count, mean) for section, count, mean in rows}
