"""The API's course membership routes: join (with a code), leave, the members list and
removing a member. Leaving or being removed keeps the history; the dashboards stop
counting it (quizapp.services.access.counts_as_learner)."""

from flask import g

from quizapp import clock
from quizapp.api import schemas, serializers
from quizapp.api.auth import current_api_user
from quizapp.api.routing import route
from quizapp.api.validation import ApiError, check_id
from quizapp.domain.course_access import LISTED, MANAGE, READ, STAFF
from quizapp.extensions import db
from quizapp.services import memberships


@route(
    "/courses/<course>/enrolments",
    "POST",
    tag="catalogue",
    summary="Enrol the caller in a course (with the join code of a code course)",
    description="201 when the caller joins; 200 when they already belong to the course "
    "(with their role). A public course needs no code; an invite-only course is not found.",
    course_need=LISTED,
    body=schemas.ENROLMENT_REQUEST,
    responses={201: schemas.ENROLMENT, 200: schemas.ENROLMENT},
    errors=(403,),
)
def enrol(course: str, body: dict):
    found = g.course
    user = current_api_user()
    if g.standing.role is not None:
        return serializers.enrolment(found, g.standing.role), 200
    try:
        membership = memberships.enrol(db.session, found, user, clock.now(), code=body.get("code"))
    except memberships.MembershipError as error:
        raise ApiError(403, "enrolment_refused", str(error)) from None
    db.session.commit()
    return serializers.enrolment(found, membership.role), 201


@route(
    "/courses/<course>/members",
    "GET",
    tag="catalogue",
    staff=True,
    summary="A course's members and pending invitations (its staff only)",
    course_need=STAFF,
    responses={200: schemas.MEMBER_LIST},
)
def list_members(course: str):
    found = g.course
    return {
        "members": [serializers.member(row) for row in memberships.list_members(db.session, found)],
        "invitations": [
            {"email": item.email, "role": item.role}
            for item in memberships.pending_invitations(db.session, found)
        ],
    }


@route(
    "/courses/<course>/enrolments",
    "DELETE",
    tag="catalogue",
    summary="Leave a course (the caller, a learner of it)",
    description="The caller's learner membership ends: their attempts and cards are kept, "
    "and the course's dashboards stop counting them. Joining again restores it. 404 when "
    "the caller is not enrolled; 409 for the course's staff (an instructor removes them).",
    course_need=READ,
    responses={200: schemas.LEFT_COURSE},
    errors=(404, 409),
)
def leave(course: str):
    found = g.course
    try:
        left = memberships.leave(db.session, found, current_api_user(), clock.now())
    except memberships.MembershipError as error:
        raise ApiError(409, "staff_cannot_leave", str(error)) from None
    if not left:
        raise ApiError(404, "not_found", "You are not enrolled in this course.")
    db.session.commit()
    return {"course": serializers.course_ref(found), "left": True}


@route(
    "/courses/<course>/members/<int:user_id>",
    "DELETE",
    tag="catalogue",
    staff=True,
    summary="Remove a member from a course (its instructors)",
    description="Ends the member's membership: their history is kept, out of the dashboards "
    "and learner tables. 404 when the user is not a member; 409 for the last instructor.",
    course_need=MANAGE,
    responses={200: schemas.MEMBER_REMOVED},
    errors=(403, 404, 409),
)
def remove_member(course: str, user_id: int):
    found = g.course
    try:
        removed = memberships.remove_member(db.session, found, check_id(user_id), clock.now())
    except memberships.MembershipError as error:
        raise ApiError(409, "last_instructor", str(error)) from None
    if not removed:
        raise ApiError(404, "not_found", "No such member of this course.")
    db.session.commit()
    return {"user_id": user_id, "removed": True}
