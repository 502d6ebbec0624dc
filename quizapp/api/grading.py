"""The API's grading by hand (essays), for the course's staff: the queue of answers
awaiting a grade and giving one. The same service as the grading pages."""

import sqlalchemy as sa
from flask import g

from quizapp import clock
from quizapp.api import answer_schemas, answer_serializers
from quizapp.api.auth import current_api_user
from quizapp.api.routing import route
from quizapp.api.validation import ApiError, check_id
from quizapp.dashboard.figures_cache import invalidate_course
from quizapp.domain.course_access import STAFF
from quizapp.extensions import db
from quizapp.models import Answer, Question
from quizapp.services import catalog, manual_grading
from quizapp.services.manual_grading import QueueFilter


def _queue_filter(query: dict) -> QueueFilter:
    lesson_id = question_id = None
    if "lesson" in query:
        lesson = catalog.find_lesson(db.session, g.course.slug, query["lesson"])
        if lesson is None:
            raise ApiError(404, "not_found", f"No lesson {query['lesson']!r} in this course.")
        lesson_id = lesson.id
    if "question" in query:
        question_id = db.session.scalar(
            sa.select(Question.id).where(
                Question.course_id == g.course.id, Question.external_id == query["question"]
            )
        )
        if question_id is None:
            raise ApiError(404, "not_found", f"No question {query['question']!r} in this course.")
    return QueueFilter(lesson_id, question_id, query.get("learner"))


@route(
    "/courses/<course>/grading",
    "GET",
    tag="grading",
    staff=True,
    summary="Answers awaiting a grade by hand (essays), oldest first",
    description="Learners' submitted answers only (staff previews never appear); narrow by "
    "`lesson`, `question` (its bank id) or `learner` (user id).",
    course_need=STAFF,
    query=answer_schemas.GRADING_QUEUE_QUERY,
    responses={200: answer_schemas.GRADING_QUEUE},
)
def grading_queue(course: str, query: dict):
    items = manual_grading.grading_queue(db.session, g.course, _queue_filter(query))
    return {"answers": [answer_serializers.queued_answer(item) for item in items]}


@route(
    "/courses/<course>/grading/<int:answer_id>",
    "POST",
    tag="grading",
    staff=True,
    summary="Grade an answer by hand (0..1, with an optional comment)",
    description="Also changes a grade given before. The attempt's score is recomputed; with "
    "its last essay graded it is final (`grading: complete`).",
    course_need=STAFF,
    body=answer_schemas.GRADE_REQUEST,
    responses={200: answer_schemas.GRADE_GIVEN},
    errors=(404, 422),
)
def grade_answer(course: str, answer_id: int, body: dict):
    try:
        attempt = manual_grading.grade_answer(
            db.session,
            g.course,
            check_id(answer_id),
            body["score"],
            body.get("comment"),
            current_api_user().id,
            clock.now(),
        )
    except LookupError:
        raise ApiError(404, "not_found", "No answer to grade by hand here.") from None
    except manual_grading.GradingError as error:
        raise ApiError(422, "invalid_request", f"{error}.") from None
    db.session.commit()
    invalidate_course(g.course.id)
    return answer_serializers.grade_given(db.session.get(Answer, answer_id), attempt)
