"""The learner's lesson table (their dashboard and the instructor's drill-down) as rows of
display text, built in one pass, as the instructor's question table is
(dashboard/question_table.py), its links from one URL per course (question_table.UrlPattern):
cell by cell, the template spent half of the figures' rendering on it (per row a url_for,
four filters and a sentence translated again). The template places the strings and
translates its labels once."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from quizapp.dashboard.question_table import UrlPattern
from quizapp.models import Course
from quizapp.services.progress import LearnerProgress


@dataclass(frozen=True, slots=True)
class LessonRow:
    label: str  # "3. Title"
    url: str | None  # the lesson page; None where the table links no lesson
    attempts: int
    scores_hidden: bool  # the quiz's review options hide the scores from the learner now
    grade: str
    best: str
    last: str
    mastery: str
    mastered: str  # "3 of 10 questions", for screen readers


def lesson_tables(
    progress: LearnerProgress, link_lessons: bool
) -> list[tuple[Course, list[LessonRow]]]:
    """Per course, in the order shown, its lessons' rows."""
    percent = current_app.jinja_env.filters["percent"]
    pending = _("pending")
    of_questions = _("%(mastered)d of %(total)d questions")
    tables = []
    for course, lessons in progress.courses:
        lesson_url = (
            UrlPattern("learn.lesson", key="lesson_slug", course_slug=course.slug)
            if link_lessons
            else None
        )
        rows = []
        for item in lessons:
            lesson = item.lesson
            url = lesson_url(lesson.slug) if lesson_url else None
            rows.append(
                LessonRow(
                    label=f"{lesson.number}. {lesson.title}",
                    url=url,
                    attempts=item.attempts,
                    scores_hidden=item.scores_hidden,
                    grade=pending if item.grade_pending else percent(item.grade),
                    best=percent(item.best_score),
                    last=percent(item.last_score),
                    mastery=percent(item.mastery),
                    mastered=of_questions
                    % {"mastered": item.mastered, "total": item.question_count},
                )
            )
        tables.append((course, rows))
    return tables
