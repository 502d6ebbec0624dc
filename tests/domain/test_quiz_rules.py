"""Quiz rules as pure data: the bank's `quiz:` block, the grading method, timing, review
options and overrides (no app, no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.formats.bank import parse_bank, read_bank_file, write_bank_file
from quizapp.domain.formats.base import ExportCourse, ExportLesson
from quizapp.domain.grades import LessonGrade, lesson_grade
from quizapp.domain.quiz_rules import (
    Override,
    QuizRules,
    accepts_answers,
    attempt_deadline,
    review_shows,
    rules_to_block,
    start_refusal,
    with_overrides,
)

QUESTION = "  - id: q1\n    type: true_false\n    prompt: Sí.\n    answer: true\n"
BLOCK = """lesson: 3
quiz:
  size: 10
  shuffle: false
  time_limit: 20
  attempts: 2
  opens: 2026-12-01T09:00:00+01:00
  closes: "2026-12-08T23:59:00+01:00"
  grading: average
  review:
    score: immediate
    answers: after_close
    feedback: never
questions:
"""
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_a_quiz_block_becomes_the_lessons_rules() -> None:
    result = parse_bank(BLOCK + QUESTION, "clase-3.yaml")
    assert result.errors == []
    assert result.quiz == QuizRules(
        size=10,
        shuffle=False,
        time_limit=20,
        attempts=2,
        opens=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
        closes=datetime(2026, 12, 8, 22, 59, tzinfo=UTC),
        grading="average",
        review={
            "score": "immediate",
            "correctness": "immediate",
            "answers": "after_close",
            "feedback": "never",
        },
    )


@pytest.mark.parametrize(
    ("block", "line", "message"),
    [
        ("quiz:\n  attempts: 0\n", 3, "quiz.attempts: must be a whole number of attempts"),
        ("quiz:\n  grading: best\n", 3, "quiz.grading: must be highest, average, first or last"),
        (
            "quiz:\n  closes: 2026-12-08\n",
            3,
            "quiz.closes: must be a date and time with its offset",
        ),
        ("quiz:\n  opens: 2026-12-08T10:00:00\n", 3, "quiz.opens: must be a date and time"),
        ("quiz:\n  review: {answers: later}\n", 3, "must be immediate, after_close or never"),
        ("quiz:\n  timer: 3\n", 3, "unknown key 'timer'"),
        (
            "quiz:\n  opens: 2026-12-08T10:00:00Z\n  closes: 2026-12-01T10:00:00Z\n",
            4,
            "quiz: the quiz must close after it opens",
        ),
    ],
)
def test_bad_quiz_rules_are_reported_at_their_line(block: str, line: int, message: str) -> None:
    result = parse_bank("lesson: 3\n" + block + "questions:\n" + QUESTION, "b.yaml")
    assert any(error.line == line and message in error.message for error in result.errors), (
        result.errors
    )
    assert result.quiz is None


def test_a_quiz_block_needs_the_files_lesson() -> None:
    result = parse_bank("quiz: {attempts: 2}\nquestions:\n" + QUESTION, "b.yaml")
    assert result.errors
    assert "lesson" in result.errors[0].message


def test_the_yaml_export_round_trips_every_lessons_rules() -> None:
    rules = parse_bank(BLOCK + QUESTION, "b.yaml").quiz
    lessons = [
        ExportLesson(3, "clase-3", "Clase 3", [], quiz=rules_to_block(rules)),
        ExportLesson(4, "clase-4", "Clase 4", [], quiz=rules_to_block(QuizRules())),
    ]
    written = write_bank_file(ExportCourse("curso", "Curso", lessons)).data.decode()
    parsed = read_bank_file(written, "export.yaml")
    assert parsed.errors == []
    assert parsed.quizzes == {3: rules}  # a practice quiz writes nothing


@pytest.mark.parametrize(
    ("method", "grade"),
    [("highest", 0.9), ("average", 0.6), ("first", 0.5), ("last", 0.4)],
)
def test_lesson_grade_by_method(method: str, grade: float) -> None:
    assert lesson_grade(method, [0.5, 0.9, 0.4]).score == pytest.approx(grade)
    assert lesson_grade(method, []) == LessonGrade(None)


@pytest.mark.parametrize(
    ("method", "scores", "grade"),
    [
        ("highest", [0.5, None], LessonGrade(None, pending=True)),
        ("average", [None, 0.5], LessonGrade(None, pending=True)),
        ("first", [0.5, None], LessonGrade(0.5)),
        ("first", [None, 0.5], LessonGrade(None, pending=True)),
        ("last", [None, 0.5], LessonGrade(0.5)),
        ("last", [0.5, None], LessonGrade(None, pending=True)),
    ],
)
def test_a_grade_that_waits_on_a_hand_grade_is_pending(method, scores, grade) -> None:
    """An attempt with an essay awaiting its grade (None) is not counted at its floor."""
    assert lesson_grade(method, scores) == grade


def test_the_deadline_is_the_time_limit_or_the_close_date_whichever_first() -> None:
    rules = QuizRules(time_limit=20, closes=NOW + timedelta(minutes=10))
    assert attempt_deadline(rules, NOW) == NOW + timedelta(minutes=10)
    assert attempt_deadline(QuizRules(time_limit=20), NOW) == NOW + timedelta(minutes=20)
    assert attempt_deadline(QuizRules(), NOW) is None
    grace = timedelta(seconds=30)
    deadline = NOW + timedelta(minutes=10)
    assert accepts_answers(deadline, deadline + grace, grace)
    assert not accepts_answers(deadline, deadline + grace + timedelta(seconds=1), grace)


def test_start_refusals() -> None:
    assert start_refusal(QuizRules(opens=NOW + timedelta(1)), NOW, 0) == "quiz_not_open"
    assert start_refusal(QuizRules(closes=NOW), NOW, 0) == "quiz_closed"
    assert start_refusal(QuizRules(attempts=1), NOW, 1) == "no_attempts_left"
    assert start_refusal(QuizRules(attempts=1), NOW, 0) is None


@pytest.mark.parametrize(
    ("when", "closes", "shown"),
    [
        ("immediate", None, True),
        ("never", None, False),
        ("after_close", None, False),
        ("after_close", NOW + timedelta(1), False),
        ("after_close", NOW, True),
    ],
)
def test_review_options(when: str, closes: datetime | None, shown: bool) -> None:
    rules = QuizRules(closes=closes, review={"answers": when})
    assert review_shows(rules, "answers", NOW) is shown


def test_overrides_take_the_most_generous_of_each_setting() -> None:
    rules = QuizRules(time_limit=20, attempts=1, closes=NOW)
    later = NOW + timedelta(days=2)
    mine = with_overrides(
        rules, [Override(extra_minutes=10), Override(extra_attempts=2, closes=later)]
    )
    assert (mine.time_limit, mine.attempts, mine.closes) == (30, 3, later)
    assert with_overrides(QuizRules(), [Override(extra_minutes=5)]) == QuizRules()
