"""Course membership: enrolment rules, invitations, removal, and staff activity kept out of
the learner figures."""

import pytest

from quizapp.extensions import db
from quizapp.models.types import utcnow
from quizapp.services import course_lifecycle, memberships, stats
from quizapp.services.item_analysis import question_statistics
from quizapp.services.memberships import MembershipError
from tests.factories import add_attempt, make_course, make_learner, questions_of


@pytest.fixture
def owner(app):
    user = make_learner(db.session, "owner@example.org", role="instructor")
    db.session.commit()
    return user


def _course(owner, visibility="public", slug="club"):
    course = memberships.create_course(
        db.session, slug, "Club", owner, utcnow(), visibility=visibility
    )
    db.session.commit()
    return course


def test_creating_a_course_makes_its_owner_an_instructor_with_a_join_code(owner):
    course = _course(owner, "code")
    assert [(row.email, row.role) for row in memberships.list_members(db.session, course)] == [
        ("owner@example.org", "instructor")
    ]
    assert len(course.join_code) == memberships.CODE_LENGTH


def test_a_duplicate_slug_or_an_empty_title_is_refused(owner):
    _course(owner)
    with pytest.raises(MembershipError, match="already exists"):
        memberships.create_course(db.session, "Club", "Again", owner, utcnow())
    with pytest.raises(MembershipError, match="needs a title"):
        memberships.create_course(db.session, "other", "  ", owner, utcnow())


def test_a_code_course_needs_its_current_code(owner):
    course = _course(owner, "code")
    learner = make_learner(db.session, "ana@example.org")
    with pytest.raises(MembershipError, match="join code"):
        memberships.enrol(db.session, course, learner, utcnow(), code="WRONG")
    old = course.join_code
    memberships.rotate_code(db.session, course)
    with pytest.raises(MembershipError, match="join code"):
        memberships.enrol(db.session, course, learner, utcnow(), code=old)
    spaced = f" {course.join_code[:4].lower()}-{course.join_code[4:]} "
    assert memberships.enrol(db.session, course, learner, utcnow(), code=spaced).role == "learner"


def test_an_invite_course_refuses_self_enrolment(owner):
    course = _course(owner, "invite")
    with pytest.raises(MembershipError, match="not open"):
        memberships.enrol(db.session, course, make_learner(db.session, "b@example.org"), utcnow())


def test_unknown_emails_become_invitations_claimed_at_sign_up(owner):
    course = _course(owner, "invite")
    known = make_learner(db.session, "known@example.org")
    emails, invalid = memberships.parse_emails(
        "email,name\nknown@example.org,Known\n NEW@example.org ; bad@@x\nnew@example.org"
    )
    assert emails == ["known@example.org", "new@example.org"]
    assert invalid == ["bad@@x"]
    report = memberships.add_members(db.session, course, emails, "learner", utcnow())
    assert (report.added, report.invited) == (["known@example.org"], ["new@example.org"])
    assert memberships.find_membership(db.session, course, known).role == "learner"
    newcomer = make_learner(db.session, "new@example.org")
    assert memberships.claim_invitations(db.session, newcomer, utcnow()) == 1
    assert memberships.find_membership(db.session, course, newcomer).role == "learner"
    assert memberships.pending_invitations(db.session, course) == []


def test_the_last_instructor_stays(owner):
    course = _course(owner)
    with pytest.raises(MembershipError, match="at least one instructor"):
        memberships.remove_member(db.session, course, owner.id, utcnow())


def test_staff_previews_and_removed_learners_are_not_learner_data(owner):
    course = make_course(db.session, lessons=1, questions_per_lesson=2)
    lesson = course.lessons[0]
    q1, q2 = questions_of(db.session, lesson)
    learner = make_learner(db.session, "learner@example.org")
    leaver = make_learner(db.session, "leaver@example.org")
    assistant = make_learner(db.session, "assistant@example.org")
    admin = make_learner(db.session, "admin@example.org", role="admin")
    for user in (learner, leaver):
        memberships.set_member(db.session, course, user, "learner", utcnow())
    memberships.set_member(db.session, course, owner, "instructor", utcnow())
    memberships.set_member(db.session, course, assistant, "assistant", utcnow())
    for user in (learner, leaver, owner, assistant, admin):
        add_attempt(db.session, user, lesson, {q1: 1.0, q2: 0.0}, utcnow())
    memberships.leave(db.session, course, leaver, utcnow())
    db.session.commit()

    dashboard = stats.course_dashboard(db.session, course, utcnow())
    assert [row.email for row in dashboard.learners] == ["learner@example.org"]
    assert dashboard.learner_count == 1
    assert dashboard.lessons[0].learners_completed == 1
    assert dashboard.active_7_days == 1
    assert {
        item.question.id: item.attempts for item in question_statistics(db.session, course)
    } == {
        q1.id: 1,
        q2.id: 1,
    }


def test_a_course_with_learner_history_is_archived_not_deleted(owner):
    course = make_course(db.session, lessons=1, questions_per_lesson=1)
    memberships.set_member(db.session, course, owner, "instructor", utcnow())
    (question,) = questions_of(db.session, course.lessons[0])
    add_attempt(db.session, owner, course.lessons[0], {question: 1.0}, utcnow())
    assert not course_lifecycle.has_learner_history(db.session, course)  # a preview
    learner = make_learner(db.session, "learner@example.org")
    add_attempt(db.session, learner, course.lessons[0], {question: 1.0}, utcnow())
    with pytest.raises(MembershipError, match="archive it instead"):
        course_lifecycle.delete_course(db.session, course)
    course_lifecycle.archive(db.session, course, utcnow())
    assert course.archived_at is not None
