"""The access rule of courses: who may do what, and whether a refusal says 404 or 403."""

import pytest

from quizapp.domain.course_access import (
    EDIT,
    FORBIDDEN,
    LEARN,
    LISTED,
    LOGIN,
    MANAGE,
    NOT_FOUND,
    OK,
    READ,
    STAFF,
    Standing,
    decide,
    enrols_on_learning,
)


def standing(visibility="public", role=None, archived=False, admin=False, signed_in=True):
    return Standing(visibility, archived, role, is_admin=admin, signed_in=signed_in)


@pytest.mark.parametrize(
    ("visibility", "need", "expected"),
    [
        ("public", LISTED, OK),
        ("public", READ, OK),
        ("public", LEARN, OK),
        ("code", LISTED, OK),
        ("code", READ, FORBIDDEN),
        ("code", LEARN, FORBIDDEN),
        ("invite", LISTED, NOT_FOUND),
        ("invite", READ, NOT_FOUND),
        ("invite", LEARN, NOT_FOUND),
    ],
)
def test_a_signed_in_non_member_sees_what_the_visibility_lists(visibility, need, expected):
    assert decide(standing(visibility), need) == expected


@pytest.mark.parametrize("visibility", ["public", "code", "invite"])
@pytest.mark.parametrize("need", [STAFF, EDIT, MANAGE])
def test_the_staff_side_of_a_course_does_not_exist_for_non_members(visibility, need):
    assert decide(standing(visibility), need) == NOT_FOUND


@pytest.mark.parametrize(
    ("role", "need", "expected"),
    [
        ("learner", READ, OK),
        ("learner", LEARN, OK),
        ("learner", STAFF, FORBIDDEN),
        ("assistant", STAFF, OK),
        ("assistant", EDIT, FORBIDDEN),
        ("assistant", MANAGE, FORBIDDEN),
        ("instructor", EDIT, OK),
        ("instructor", MANAGE, OK),
    ],
)
def test_members_of_an_invite_course_have_their_role_s_rights(role, need, expected):
    assert decide(standing("invite", role), need) == expected


def test_an_archived_course_is_read_only_and_unlisted():
    assert decide(standing(archived=True), LISTED) == NOT_FOUND
    assert decide(standing(role="learner", archived=True), READ) == OK
    assert decide(standing(role="learner", archived=True), LEARN) == FORBIDDEN
    assert decide(standing(role="instructor", archived=True), EDIT) == FORBIDDEN
    assert decide(standing(role="instructor", archived=True), MANAGE) == OK
    assert decide(standing(role="assistant", archived=True), STAFF) == OK


def test_an_admin_may_do_everything_everywhere():
    for need in (LISTED, READ, LEARN, STAFF, EDIT, MANAGE):
        assert decide(standing("invite", admin=True, archived=True), need) == OK


def test_anonymous_visitors_read_public_courses_and_log_in_for_the_rest():
    anonymous = standing(signed_in=False)
    assert decide(anonymous, READ) == OK
    assert decide(anonymous, LEARN) == LOGIN
    assert decide(anonymous, STAFF) == LOGIN
    assert decide(standing("code", signed_in=False), READ) == LOGIN
    assert decide(standing("invite", signed_in=False), READ) == NOT_FOUND


def test_only_a_signed_in_non_member_of_a_live_public_course_enrols_by_learning():
    assert enrols_on_learning(standing())
    assert not enrols_on_learning(standing(role="instructor"))
    assert not enrols_on_learning(standing(admin=True))
    assert not enrols_on_learning(standing("code"))
    assert not enrols_on_learning(standing(archived=True))
    assert not enrols_on_learning(standing(signed_in=False))


def test_an_unknown_need_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown need"):
        decide(standing(), "peek")
