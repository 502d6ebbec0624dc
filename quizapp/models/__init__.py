"""The database models, one module per aggregate."""

from quizapp.models.attempts import Answer, AnswerChoice, Attempt, QuizOverride
from quizapp.models.cards import Card, ReviewLog
from quizapp.models.content import Choice, Course, Lesson, Question
from quizapp.models.courses import (
    COURSE_ROLES,
    COURSE_STAFF_ROLES,
    VISIBILITIES,
    CourseGroup,
    GroupMember,
    Invitation,
    Membership,
)
from quizapp.models.media import Media
from quizapp.models.memory import Job, MemoryParameters
from quizapp.models.regrades import RegradeLog
from quizapp.models.statistics import (
    ChoiceStatistic,
    ItemStatistic,
    LearnerActivity,
    LessonStatistic,
)
from quizapp.models.users import ROLES, STAFF_ROLES, ApiToken, User

__all__ = [
    "COURSE_ROLES",
    "COURSE_STAFF_ROLES",
    "VISIBILITIES",
    "CourseGroup",
    "GroupMember",
    "Invitation",
    "Membership",
    "ROLES",
    "STAFF_ROLES",
    "Answer",
    "AnswerChoice",
    "ApiToken",
    "Attempt",
    "Card",
    "Choice",
    "ChoiceStatistic",
    "Course",
    "ItemStatistic",
    "LearnerActivity",
    "Lesson",
    "RegradeLog",
    "Job",
    "LessonStatistic",
    "Media",
    "MemoryParameters",
    "Question",
    "QuizOverride",
    "ReviewLog",
    "User",
]
