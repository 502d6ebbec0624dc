"""Demo accounts (with random passwords, shown once) and a little learning history."""

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from quizapp.services.accounts import create_user, find_user_by_email

DEMO_ACCOUNTS = (
    ("learner@quizapp.test", "learner", "Lucía (demo)"),
    ("instructor@quizapp.test", "instructor", "Iván (demo)"),
    ("admin@quizapp.test", "admin", "Ada (demo)"),
)


def create_demo(session: Session, now: datetime) -> list[tuple[str, str, str]]:
    """Returns (email, password, role) of the accounts it created; none on a re-run."""
    created = []
    for email, role, name in DEMO_ACCOUNTS:
        if find_user_by_email(session, email):
            continue
        password = "demo-" + secrets.token_urlsafe(9)
        create_user(session, email, password, role=role, display_name=name)
        created.append((email, password, role))
    if created:
        add_demo_history(session, now)
    return created


def add_demo_history(session: Session, now: datetime) -> None:
    """Filled in by the quiz and review features once they exist."""
