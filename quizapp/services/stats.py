"""The instructor's course dashboard: item analysis, lesson, learner and activity figures,
each aggregated by one grouped SQL query so the page costs the same whatever the data.

Data subset for item analysis (as Moodle's default): each learner's FIRST attempt at a
lesson (Attempt.number == 1) that has been submitted, and the answers in it that carry a
score (ungradable questions such as flashcards have none). Facility, discrimination,
choice counts and Cronbach's alpha all use that subset; completion and mean (best) score
per lesson use every submitted attempt.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain import statistics
from quizapp.domain.statistics import ItemFlags, ItemSums
from quizapp.models import (
    Answer,
    AnswerChoice,
    Attempt,
    Card,
    Choice,
    Course,
    Lesson,
    Question,
    ReviewLog,
    User,
)
from quizapp.services import catalog

SORT_KEYS = ("position", "facility", "discrimination", "attempts")


@dataclass(frozen=True)
class ChoiceCount:
    position: int
    text_md: str
    is_correct: bool
    count: int
    share: float | None  # of the item's analysed responses; may sum over 1 for multi-select

    @property
    def label(self) -> str:
        return choice_label(self.position)


@dataclass(frozen=True)
class QuestionStats:
    question: Question
    lesson_number: int
    attempts: int  # analysed (first, submitted) responses
    facility: float | None
    discrimination: float | None
    flags: ItemFlags
    choices: list[ChoiceCount] = field(default_factory=list)


@dataclass(frozen=True)
class LessonStats:
    lesson: Lesson
    question_count: int  # active questions
    learners_completed: int  # learners with at least one submitted attempt
    completion: float | None  # of the course's learners
    mean_best_score: float | None
    # Test statistics over first submitted attempts.
    first_attempts: int
    first_mean: float | None
    first_sd: float | None
    alpha: float | None


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    email: str
    display_name: str
    attempts: int
    lessons_completed: int
    mean_best_score: float | None
    reviews: int
    last_activity: datetime | None


@dataclass(frozen=True)
class CourseDashboard:
    course: Course
    active_7_days: int
    active_30_days: int
    lessons: list[LessonStats]
    questions: list[QuestionStats]
    learners: list[LearnerRow]


def choice_label(position: int) -> str:
    """A, B, ... Z, then 27, 28...: the letters learners saw in Moodle-like reports."""
    return chr(ord("A") + position) if 0 <= position < 26 else str(position + 1)


def course_dashboard(
    session: Session,
    course: Course,
    now: datetime,
    sort: str = "position",
    order: str = "asc",
) -> CourseDashboard:
    learners = learner_table(session, course)
    active_7, active_30 = active_learner_counts(session, course, now)
    sums = item_sums(session, course)
    return CourseDashboard(
        course=course,
        active_7_days=active_7,
        active_30_days=active_30,
        lessons=lesson_statistics(session, course, len(learners), sums),
        questions=sort_questions(question_statistics(session, course, sums), sort, order),
        learners=learners,
    )


def _first_attempt_filter(course: Course):
    return sa.and_(
        Lesson.course_id == course.id,
        Attempt.number == 1,
        Attempt.submitted_at.is_not(None),
    )


def _first_attempt_totals(course: Course):
    """One row per analysed attempt: its lesson and total score (Σ item scores)."""
    return (
        sa.select(
            Answer.attempt_id.label("attempt_id"),
            Attempt.lesson_id.label("lesson_id"),
            sa.func.sum(Answer.score).label("total"),
        )
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(_first_attempt_filter(course), Answer.score.is_not(None))
        .group_by(Answer.attempt_id, Attempt.lesson_id)
        .subquery("totals")
    )


def item_sums(session: Session, course: Course) -> dict[tuple[int, int], ItemSums]:
    """Sufficient statistics per (lesson, question) in ONE grouped query, where x is the
    item score and y = attempt total - x its rest score. Keyed by the lesson of the
    attempt, so a question moved between lessons still counts where it was answered."""
    totals = _first_attempt_totals(course)
    x = Answer.score
    y = totals.c.total - Answer.score
    rows = session.execute(
        sa.select(
            totals.c.lesson_id,
            Answer.question_id,
            sa.func.count(),
            sa.func.sum(x),
            sa.func.sum(x * x),
            sa.func.sum(y),
            sa.func.sum(y * y),
            sa.func.sum(x * y),
        )
        .join(totals, totals.c.attempt_id == Answer.attempt_id)
        .where(Answer.score.is_not(None))
        .group_by(totals.c.lesson_id, Answer.question_id)
    ).all()
    return {
        (lesson_id, qid): ItemSums(int(n), *(float(value or 0) for value in sums))
        for lesson_id, qid, n, *sums in rows
    }


def _sums_per_question(sums: dict[tuple[int, int], ItemSums]) -> dict[int, ItemSums]:
    result: dict[int, ItemSums] = {}
    for (_lesson_id, qid), item in sums.items():
        result[qid] = statistics.add_sums(result[qid], item) if qid in result else item
    return result


def choice_counts(session: Session, course: Course) -> dict[tuple[int, int], int]:
    """How many analysed responses selected each (question id, choice position)."""
    rows = session.execute(
        sa.select(AnswerChoice.question_id, AnswerChoice.choice_position, sa.func.count())
        .join(Answer, Answer.id == AnswerChoice.answer_id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(_first_attempt_filter(course))
        .group_by(AnswerChoice.question_id, AnswerChoice.choice_position)
    ).all()
    return {(qid, position): count for qid, position, count in rows}


def question_statistics(
    session: Session, course: Course, sums: dict[tuple[int, int], ItemSums] | None = None
) -> list[QuestionStats]:
    """Active questions, plus retired ones that still have analysed responses."""
    questions = session.execute(
        sa.select(Question, Lesson.number)
        .join(Lesson, Lesson.id == Question.lesson_id)
        .where(Question.course_id == course.id)
        .order_by(Lesson.number, Question.position, Question.id)
    ).all()
    choices: dict[int, list[Choice]] = {}
    for choice in session.scalars(
        sa.select(Choice)
        .join(Question, Question.id == Choice.question_id)
        .where(Question.course_id == course.id)
        .order_by(Choice.question_id, Choice.position)
    ):
        choices.setdefault(choice.question_id, []).append(choice)
    per_question = _sums_per_question(item_sums(session, course) if sums is None else sums)
    counts = choice_counts(session, course)
    result = []
    for question, lesson_number in questions:
        item = per_question.get(question.id, ItemSums(0, 0.0, 0.0, 0.0, 0.0, 0.0))
        if not question.is_active and not item.n:
            continue
        facility = statistics.facility_index(item)
        discrimination = statistics.discrimination_index(item)
        result.append(
            QuestionStats(
                question=question,
                lesson_number=lesson_number,
                attempts=item.n,
                facility=facility,
                discrimination=discrimination,
                flags=statistics.item_flags(facility, discrimination, item.n),
                choices=[
                    ChoiceCount(
                        position=choice.position,
                        text_md=choice.text_md,
                        is_correct=choice.is_correct,
                        count=counts.get((question.id, choice.position), 0),
                        share=statistics.mean(
                            item.n, counts.get((question.id, choice.position), 0)
                        ),
                    )
                    for choice in choices.get(question.id, [])
                ],
            )
        )
    return result


def sort_questions(questions: list[QuestionStats], sort: str, order: str) -> list[QuestionStats]:
    """Server-side sorting of the question table; unknown keys keep the bank order and
    questions without a figure stay at the bottom in either direction."""
    if sort not in SORT_KEYS or sort == "position":
        return list(reversed(questions)) if order == "desc" else list(questions)
    known = [q for q in questions if getattr(q, sort) is not None]
    unknown = [q for q in questions if getattr(q, sort) is None]
    known.sort(key=lambda q: getattr(q, sort), reverse=order == "desc")
    return known + unknown


def lesson_statistics(
    session: Session,
    course: Course,
    learner_count: int,
    sums: dict[tuple[int, int], ItemSums] | None = None,
) -> list[LessonStats]:
    summaries = catalog.lesson_summaries(session, course)
    best = (
        sa.select(Attempt.user_id, Attempt.lesson_id, sa.func.max(Attempt.score).label("best"))
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(Lesson.course_id == course.id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id, Attempt.lesson_id)
        .subquery()
    )
    completion = {
        lesson_id: (count, mean_best)
        for lesson_id, count, mean_best in session.execute(
            sa.select(best.c.lesson_id, sa.func.count(), sa.func.avg(best.c.best)).group_by(
                best.c.lesson_id
            )
        )
    }
    tests = first_attempt_test_statistics(session, course)
    per_lesson_items: dict[int, list[ItemSums]] = {}
    for (lesson_id, _qid), item in (item_sums(session, course) if sums is None else sums).items():
        per_lesson_items.setdefault(lesson_id, []).append(item)
    result = []
    for summary in summaries:
        lesson = summary.lesson
        completed, mean_best = completion.get(lesson.id, (0, None))
        n, score_sum, score_sq, total_sum, total_sq = tests.get(lesson.id, (0, 0.0, 0.0, 0.0, 0.0))
        result.append(
            LessonStats(
                lesson=lesson,
                question_count=summary.question_count,
                learners_completed=completed,
                completion=statistics.mean(learner_count, completed),
                mean_best_score=None if mean_best is None else float(mean_best),
                first_attempts=n,
                first_mean=statistics.mean(n, score_sum),
                first_sd=statistics.standard_deviation(n, score_sum, score_sq),
                alpha=_lesson_alpha(n, total_sum, total_sq, per_lesson_items.get(lesson.id, [])),
            )
        )
    return result


def first_attempt_test_statistics(
    session: Session, course: Course
) -> dict[int, tuple[int, float, float, float, float]]:
    """Per lesson: (N, Σscore, Σscore², Σtotal, Σtotal²) over first submitted attempts,
    where score is the attempt's mean item score and total its raw sum."""
    totals = _first_attempt_totals(course)
    score = sa.func.coalesce(Attempt.score, 0.0)
    rows = session.execute(
        sa.select(
            totals.c.lesson_id,
            sa.func.count(),
            sa.func.sum(score),
            sa.func.sum(score * score),
            sa.func.sum(totals.c.total),
            sa.func.sum(totals.c.total * totals.c.total),
        )
        .join(Attempt, Attempt.id == totals.c.attempt_id)
        .group_by(totals.c.lesson_id)
    ).all()
    return {
        lesson_id: (int(n), *(float(value or 0) for value in sums)) for lesson_id, n, *sums in rows
    }


def _lesson_alpha(n: int, total_sum: float, total_sq: float, items: list[ItemSums]) -> float | None:
    """Alpha needs a complete response matrix: every analysed attempt answered every
    item. When attempts drew different questions (quiz_size, a bank edited between
    attempts) it is not defined and we report None rather than a misleading figure."""
    if n < 2 or any(item.n != n for item in items):
        return None
    item_variances = [statistics.variance(i.n, i.sum_x, i.sum_x2) or 0.0 for i in items]
    return statistics.cronbach_alpha(item_variances, statistics.variance(n, total_sum, total_sq))


def _course_activity(course: Course):
    """(user_id, at) for every quiz submission and review in the course."""
    quizzes = (
        sa.select(Attempt.user_id.label("user_id"), Attempt.submitted_at.label("at"))
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(Lesson.course_id == course.id, Attempt.submitted_at.is_not(None))
    )
    reviews = (
        sa.select(ReviewLog.user_id.label("user_id"), ReviewLog.reviewed_at.label("at"))
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Question, Question.id == Card.question_id)
        .where(Question.course_id == course.id)
    )
    return sa.union_all(quizzes, reviews).subquery("activity")


def active_learner_counts(session: Session, course: Course, now: datetime) -> tuple[int, int]:
    """Distinct users with a quiz submission or a review in the last 7 and 30 days."""
    activity = _course_activity(course)
    week_ago = now - timedelta(days=7)
    month_ago = now - timedelta(days=30)
    row = session.execute(
        sa.select(
            sa.func.count(sa.distinct(sa.case((activity.c.at >= week_ago, activity.c.user_id)))),
            sa.func.count(sa.distinct(activity.c.user_id)),
        ).where(activity.c.at >= month_ago, activity.c.at <= now)
    ).one()
    return int(row[0]), int(row[1])


def learner_table(session: Session, course: Course) -> list[LearnerRow]:
    """Every user with a submitted attempt or a review in the course, in one query."""
    per_lesson = (
        sa.select(
            Attempt.user_id.label("user_id"),
            sa.func.count().label("attempts"),
            sa.func.max(Attempt.score).label("best"),
            sa.func.max(Attempt.submitted_at).label("last"),
        )
        .join(Lesson, Lesson.id == Attempt.lesson_id)
        .where(Lesson.course_id == course.id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id, Attempt.lesson_id)
        .subquery()
    )
    quizzes = (
        sa.select(
            per_lesson.c.user_id,
            sa.func.sum(per_lesson.c.attempts).label("attempts"),
            sa.func.count().label("lessons"),
            sa.func.avg(per_lesson.c.best).label("mean_best"),
            sa.func.max(per_lesson.c.last).label("last"),
        )
        .group_by(per_lesson.c.user_id)
        .subquery()
    )
    reviews = (
        sa.select(
            ReviewLog.user_id.label("user_id"),
            sa.func.count(sa.case((ReviewLog.source == "review", 1))).label("reviews"),
            sa.func.max(ReviewLog.reviewed_at).label("last"),
        )
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Question, Question.id == Card.question_id)
        .where(Question.course_id == course.id)
        .group_by(ReviewLog.user_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(
            User.id,
            User.email,
            User.display_name,
            quizzes.c.attempts,
            quizzes.c.lessons,
            quizzes.c.mean_best,
            quizzes.c.last,
            reviews.c.reviews,
            reviews.c.last,
        )
        .outerjoin(quizzes, quizzes.c.user_id == User.id)
        .outerjoin(reviews, reviews.c.user_id == User.id)
        .where(sa.or_(quizzes.c.user_id.is_not(None), reviews.c.user_id.is_not(None)))
        .order_by(User.email)
    ).all()
    return [
        LearnerRow(
            user_id=user_id,
            email=email,
            display_name=name,
            attempts=int(attempts or 0),
            lessons_completed=int(lessons or 0),
            mean_best_score=None if mean_best is None else float(mean_best),
            reviews=int(review_count or 0),
            last_activity=max((t for t in (last_quiz, last_review) if t), default=None),
        )
        for (
            user_id,
            email,
            name,
            attempts,
            lessons,
            mean_best,
            last_quiz,
            review_count,
            last_review,
        ) in rows
    ]


def flag_codes(flags: ItemFlags) -> list[str]:
    codes = []
    if flags.too_few_attempts is not None:
        codes.append(f"too_few_attempts({flags.too_few_attempts})")
    if flags.too_easy:
        codes.append("too_easy")
    if flags.too_hard:
        codes.append("too_hard")
    if flags.negative_discrimination:
        codes.append("negative_discrimination")
    return codes


def question_title(question: Question) -> str:
    text = question.title or " ".join(question.prompt_md.split())
    return text if len(text) <= 80 else text[:79] + "…"
