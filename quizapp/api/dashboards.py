"""The API's dashboards: a learner's own progress and a course's statistics for its staff."""

from flask import g

from quizapp import clock
from quizapp.api import dashboard_schemas, dashboard_serializers
from quizapp.api.auth import current_api_user
from quizapp.api.routing import route
from quizapp.api.validation import ApiError, check_id
from quizapp.domain.course_access import STAFF
from quizapp.extensions import db
from quizapp.services import (
    course_groups,
    progress,
    stats,
)


@route(
    "/me/progress",
    "GET",
    tag="dashboards",
    summary="The caller's learning progress",
    responses={200: dashboard_schemas.PROGRESS},
)
def my_progress():
    found = progress.learner_progress(db.session, current_api_user(), clock.now())
    return dashboard_serializers.progress(found)


@route(
    "/courses/<course>/stats",
    "GET",
    tag="dashboards",
    staff=True,
    summary="A course's item analysis, lesson and learner figures",
    description="With `group` (a group id of the course), the learner figures (learners, "
    "activity, the learner table) are that group's; lessons and questions stay course-wide.",
    course_need=STAFF,
    query=dashboard_schemas.COURSE_STATS_QUERY,
    responses={200: dashboard_schemas.COURSE_STATS},
    errors=(404,),
)
def course_stats(course: str, query: dict):
    found = g.course
    group_id = None
    if "group" in query:
        group = course_groups.find_group(db.session, found, check_id(query["group"]))
        if group is None:
            raise ApiError(404, "not_found", "No such group in this course.")
        group_id = group.id
    dashboard = stats.course_dashboard(db.session, found, clock.now(), group_id=group_id)
    return dashboard_serializers.course_stats(dashboard)
