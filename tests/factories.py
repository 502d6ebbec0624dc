"""Shared builders for tests: courses, attempts, answers, cards and reviews inserted
directly through the models (no quiz or review service needed), and users without the
cost of hashing a password."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.questions.registry import normalise_question
from quizapp.models import (
    Answer,
    AnswerChoice,
    Attempt,
    Card,
    Course,
    Lesson,
    Question,
    ReviewLog,
    User,
)
from quizapp.models.types import utcnow
from quizapp.services import course_statistics, learner_activity
from quizapp.services.bank_import import ImportPlan, plan_import
from quizapp.services.question_store import add_question

# The types that become review cards, one of each in every lesson of the bundled course
# and in the all-types test banks.
DECK_TYPES = (
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "cloze",
    "flashcard",
)


def make_course(
    session: Session,
    slug: str = "stats-course",
    lessons: int = 1,
    questions_per_lesson: int = 3,
    choices: int = 3,
    body_md: str = "",
) -> Course:
    """Single-choice questions whose first choice (position 0) is the right one, stored
    as the editor stores them; every lesson has `body_md` as its notes."""
    course = Course(slug=slug, title=f"Course {slug}")
    session.add(course)
    session.flush()
    for number in range(1, lessons + 1):
        lesson = Lesson(
            course=course,
            number=number,
            slug=f"clase-{number}",
            title=f"Clase {number}",
            body_md=body_md,
        )
        session.add(lesson)
        session.flush()
        for position in range(questions_per_lesson):
            add_question(
                session,
                lesson,
                normalise_question(
                    {
                        "id": f"l{number}-q{position + 1}",
                        "type": "single_choice",
                        "title": f"Question {number}.{position + 1}",
                        "prompt": f"Prompt {number}.{position + 1}?",
                        "choices": [
                            {"text": f"Choice {p}", "correct": p == 0} for p in range(choices)
                        ],
                    }
                ),
                utcnow(),
            )
    session.flush()
    return course


# One question of each other deck type, added to every lesson of make_deck_course.
_DECK_EXTRAS = (
    {
        "type": "multiple_response",
        "prompt": "Pick two.",
        "choices": [
            {"text": "Right A", "correct": True},
            {"text": "Right B", "correct": True},
            {"text": "Wrong"},
        ],
    },
    {"type": "true_false", "prompt": "True?", "answer": True},
    {"type": "short_answer", "prompt": "Say yes.", "answer": "yes"},
    {"type": "numeric", "prompt": "Two plus two?", "answer": 4},
    {
        "type": "matching",
        "prompt": "Match.",
        "pairs": [{"left": "one", "right": "1"}, {"left": "two", "right": "2"}],
    },
    {
        "type": "cloze",
        "prompt": "Fill in.",
        "text": "Two plus two is {{1}}.",
        "blanks": [{"answers": ["4", "four"]}],
    },
)


def make_deck_course(session: Session, slug: str = "mazo", lessons: int = 2) -> Course:
    """A course whose every lesson (clase-N) holds, in this order, three single-choice
    questions whose first choice is right (lN-q1..q3), one question of each other
    gradable deck type and three flashcards (lN-flash1..3): review and quiz mechanisms
    without the bundled course's wording."""
    course = make_course(session, slug=slug, lessons=lessons, questions_per_lesson=3)
    for lesson in course.lessons:
        extras = [dict(raw, id=f"l{lesson.number}-{raw['type']}") for raw in _DECK_EXTRAS]
        cards = [
            {
                "id": f"l{lesson.number}-flash{n}",
                "type": "flashcard",
                "prompt": f"Front {n}",
                "back": f"Back {n}",
            }
            for n in (1, 2, 3)
        ]
        for raw in extras + cards:
            add_question(session, lesson, normalise_question(raw), utcnow())
    session.flush()
    return course


def questions_of(session: Session, lesson: Lesson) -> list[Question]:
    return list(session.scalars(lesson.questions.select().order_by(Question.position)))


# Lookups of what a test loaded (the bundled course unless told otherwise).


def course_by_slug(session: Session, slug: str = "curso-flask") -> Course:
    return session.scalar(sa.select(Course).where(Course.slug == slug))


def lesson_by_number(session: Session, number: int, course_slug: str = "curso-flask") -> Lesson:
    return session.scalar(
        sa.select(Lesson).join(Course).where(Course.slug == course_slug, Lesson.number == number)
    )


def questions_of_type(
    session: Session, type_name: str, lesson_number: int = 1, course_slug: str = "curso-flask"
) -> list[Question]:
    """The lesson's questions of one type, in lesson order."""
    lesson = lesson_by_number(session, lesson_number, course_slug)
    return list(
        session.scalars(
            sa.select(Question)
            .where(Question.lesson_id == lesson.id, Question.type == type_name)
            .order_by(Question.position, Question.id)
        )
    )


def questions_by_external_id(session: Session, prefix: str = "") -> dict[str, Question]:
    rows = session.scalars(sa.select(Question).where(Question.external_id.like(prefix + "%")))
    return {row.external_id: row for row in rows}


def plan_file(
    session: Session,
    source: str | bytes,
    filename: str,
    lesson_number: int | None = 1,
    course_slug: str = "curso-flask",
    **options,
) -> ImportPlan:
    """`plan_import` of a file into one lesson of the course (None: into the lessons the
    file names)."""
    lesson = (
        None if lesson_number is None else lesson_by_number(session, lesson_number, course_slug)
    )
    return plan_import(
        session, course_by_slug(session, course_slug), lesson, source, filename, **options
    )


def row_count(session: Session, model: type = Question) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def add_attempt(
    session: Session,
    user: User,
    lesson: Lesson,
    scores: dict[Question, float],
    submitted_at: datetime | None,
    number: int = 1,
    selected: dict[Question, list[int]] | None = None,
) -> Attempt:
    """An attempt with one answer per question in `scores`; `selected` records the
    chosen choice positions for distractor analysis."""
    selected = selected or {}
    attempt = Attempt(
        user_id=user.id,
        lesson_id=lesson.id,
        number=number,
        seed=0,
        started_at=(submitted_at or utcnow()) - timedelta(minutes=5),
        submitted_at=submitted_at,
        score=(sum(scores.values()) / len(scores)) if submitted_at and scores else None,
        question_count=len(scores),
    )
    session.add(attempt)
    for position, (question, score) in enumerate(scores.items()):
        answer = Answer(
            attempt=attempt,
            question_id=question.id,
            position=position,
            display_order=[],
            response={"choices": selected.get(question, [])},
            score=score if submitted_at else None,
            is_correct=(score == 1.0) if submitted_at else None,
            answered_at=submitted_at,
            selected_choices=[
                AnswerChoice(choice_position=p, question_id=question.id)
                for p in selected.get(question, [])
            ],
        )
        session.add(answer)
    session.flush()
    if submitted_at is not None:
        # As quiz_submission.submit_attempt does: the maintained course statistics count it.
        course_statistics.record_submission(session, attempt)
    return attempt


def add_card(
    session: Session,
    user: User,
    question: Question,
    due: datetime,
    state: int = 2,
    stability: float | None = 10.0,
    last_review: datetime | None = None,
) -> Card:
    card = Card(
        user_id=user.id,
        question_id=question.id,
        state=state,
        step=None if state == 2 else 0,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last_review,
        reps=1,
    )
    session.add(card)
    session.flush()
    return card


def add_review(
    session: Session, card: Card, reviewed_at: datetime, rating: int = 3, source: str = "review"
) -> ReviewLog:
    log = ReviewLog(
        card_id=card.id, user_id=card.user_id, rating=rating, reviewed_at=reviewed_at, source=source
    )
    session.add(log)
    session.flush()
    # As the rating services and a submission (for its "quiz" logs) do.
    learner_activity.record_review(session, card.id, card.user_id, reviewed_at, source)
    return log


def make_learner(session: Session, email: str, role: str = "learner", **fields) -> User:
    """A user row without the cost of hashing a password (tests that never log in)."""
    user = User(
        email=email, display_name=email.split("@")[0], password_hash="!", role=role, **fields
    )
    session.add(user)
    session.flush()
    return user


def make_essay_course(session: Session, slug: str = "ensayos") -> Course:
    """One lesson (clase-1) quizzing, in this order: a description, a single choice whose
    first choice is right (l1-q1), an essay of at most 20 words (l1-essay) and a second
    description; the essay has grader notes and a response template."""
    course = make_course(session, slug=slug, questions_per_lesson=0)
    lesson = course.lessons[0]
    for raw in (
        {"id": "l1-caso", "type": "description", "title": "El caso", "prompt": "Una tienda."},
        {
            "id": "l1-q1",
            "type": "single_choice",
            "prompt": "¿Qué es Flask?",
            "choices": [{"text": "Un microframework", "correct": True}, {"text": "Un ORM"}],
        },
        {
            "id": "l1-essay",
            "type": "essay",
            "prompt": "Explica por qué Flask es *micro*.",
            "max_words": 20,
            "response_template": "Flask es",
            "grader_notes": "Núcleo pequeño y extensiones.",
        },
        {"id": "l1-cierre", "type": "description", "prompt": "Fin del caso."},
    ):
        add_question(session, lesson, normalise_question(raw), utcnow())
    session.flush()
    return course


def add_essay(session: Session, lesson: Lesson, external_id: str = "matrix-essay") -> Question:
    """An essay at the end of `lesson`, so an attempt started afterwards has one to grade."""
    raw = {"id": external_id, "type": "essay", "prompt": "¿Por qué Flask es micro?"}
    return add_question(session, lesson, normalise_question(raw), utcnow())


def essay_responses(attempt: Attempt, text: str = "Porque su núcleo es pequeño.") -> dict:
    """Responses that answer the attempt's essays (and nothing else)."""
    return {a.id: text for a in attempt.answers if a.question.type == "essay"}


def answer_to(attempt: Attempt, external_id: str):
    """The attempt's answer to the question with this bank id."""
    return next(a for a in attempt.answers if a.question.external_id == external_id)
