"""What the two authorization matrices share (the pages' in tests/security, the API's in
tests/api): the kinds of caller, their accounts and memberships, the submitted attempt the
URLs name, and filling a route's URL."""

from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.models.types import utcnow
from quizapp.services import catalog, memberships, quiz_submission, quizzes
from tests.factories import add_essay, essay_responses

ROLES = (
    "anonymous",
    "outsider",
    "learner",
    "other_learner",
    "assistant",
    "other_instructor",
    "instructor",
    "admin",
)
# The bundled, public course and one of its lessons.
COURSE, LESSON = "curso-flask", "clase-3-que-es-flask"


def make_callers(make_user, enrol, learner=None) -> dict:
    """Every kind of caller but the anonymous one, with the memberships they need:
    `learner` (made when not given) and the assistant in COURSE, the other learner and
    instructor in another course only."""
    other_course = memberships.create_course(
        db.session, "otro-curso", "Otro curso", make_user("instructor", teaches=False), utcnow()
    )
    db.session.commit()
    callers = {
        "outsider": make_user("learner"),
        "learner": learner or make_user("learner"),
        "other_learner": make_user("learner"),
        "assistant": make_user("learner"),
        "other_instructor": make_user("instructor", teaches=False),
        "instructor": make_user("instructor"),
        "admin": make_user("admin"),
    }
    enrol(callers["learner"])
    enrol(callers["assistant"], role="assistant")
    enrol(callers["other_learner"], other_course.slug)
    enrol(callers["other_instructor"], other_course.slug, role="instructor")
    return callers


def submitted_attempt(owner) -> tuple[Attempt, int]:
    """A submitted attempt of `owner` at LESSON with an essay in it (for the grading
    routes); returns it and the essay's answer id."""
    lesson = catalog.find_lesson(db.session, COURSE, LESSON)
    add_essay(db.session, lesson)
    attempt = quizzes.start_attempt(db.session, owner.id, lesson, utcnow())
    responses = essay_responses(attempt)
    quiz_submission.submit_attempt(db.session, attempt, responses, utcnow())
    db.session.commit()
    return attempt, next(iter(responses))


def fill_path(rule, ids: dict[str, str]) -> str:
    """The rule's URL with its arguments filled from `ids`."""
    path = rule.rule
    for argument in rule.arguments:
        value = ids[argument]
        path = path.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
    return path
