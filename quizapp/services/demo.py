"""Demo accounts (with random passwords, shown once) and a little learning history."""

import random
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.questions.registry import example_response, is_scored
from quizapp.models import Course, Lesson
from quizapp.services import memberships, quiz_submission, quizzes
from quizapp.services.accounts import create_user, find_user_by_email
from quizapp.services.question_store import question_dict
from quizapp.services.simulated_history import simulate_course_history

DEMO_ACCOUNTS = (
    ("learner@quizapp.test", "learner", "Lucía (demo)"),
    ("instructor@quizapp.test", "instructor", "Iván (demo)"),
    ("admin@quizapp.test", "admin", "Ada (demo)"),
)


def create_demo(
    session: Session, now: datetime, *, simulate_days: int = 0
) -> list[tuple[str, str, str]]:
    """Returns (email, password, role) of the accounts it created; none on a re-run.

    With `simulate_days`, the demo learner's history is that many days of reviews of every
    loaded course drawn from a simulated FSRS learner (see `simulate_demo_history`) instead
    of a few quizzes."""
    created = []
    for email, role, name in DEMO_ACCOUNTS:
        if find_user_by_email(session, email):
            continue
        password = "demo-" + secrets.token_urlsafe(9)
        create_user(session, email, password, role=role, display_name=name)
        created.append((email, password, role))
    teach_loaded_courses(session, now)
    if simulate_days:
        simulate_demo_history(session, now, simulate_days)
    elif created:
        add_demo_history(session, now)
    return created


def simulate_demo_history(session: Session, now: datetime, days: int, *, seed: int = 2026):
    """The demo learner studied every loaded course for `days` days, remembering as an FSRS
    learner with non-default parameters (DEMO_LEARNER_PARAMETERS) would: a log for the
    optimizer to fit. Cards already reviewed keep their history. Returns the histories."""
    learner = find_user_by_email(session, DEMO_ACCOUNTS[0][0])
    histories = []
    start = now - timedelta(days=days)
    for course in session.scalars(sa.select(Course).order_by(Course.id)):
        if memberships.find_membership(session, course, learner) is None:
            memberships.set_member(session, course, learner, "learner", start)
        histories.append(
            simulate_course_history(session, learner.id, course, now, days, seed=seed + course.id)
        )
    return histories


def teach_loaded_courses(session: Session, now: datetime) -> None:
    """The demo instructor owns the loaded courses (the bundled one, after `make run`)."""
    instructor = find_user_by_email(session, DEMO_ACCOUNTS[1][0])
    if instructor is None:
        return
    for course in session.scalars(sa.select(Course)):
        if memberships.find_membership(session, course, instructor) is None:
            memberships.set_member(session, course, instructor, "instructor", now)


def add_demo_history(session: Session, now: datetime) -> None:
    """The demo learner took the first lessons' quizzes over the past days, with a few
    mistakes, so dashboards, the review queue and item statistics have something to show."""
    learner = find_user_by_email(session, DEMO_ACCOUNTS[0][0])
    lessons = session.scalars(sa.select(Lesson).order_by(Lesson.course_id, Lesson.number)).all()
    rng = random.Random(2026)
    for day, lesson in zip((6, 4, 2, 1), lessons, strict=False):
        when = now - timedelta(days=day)
        if memberships.find_membership(session, lesson.course, learner) is None:
            memberships.set_member(session, lesson.course, learner, "learner", when)
        attempt = quizzes.start_attempt(
            session, learner.id, lesson, when, seed=rng.randrange(10**9)
        )
        responses = {}
        for answer in attempt.answers:
            question = question_dict(answer.question)
            if is_scored(question["type"]):  # a description asks nothing
                responses[answer.id] = example_response(question, right=rng.random() < 0.75)
        quiz_submission.submit_attempt(session, attempt, responses, when + timedelta(minutes=12))
