"""Course pages: enrolling by one click or join code, leaving, and the staff's settings,
members, groups, archive and delete."""

import io

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import CourseGroup, GroupMember, Invitation, Membership
from quizapp.models.types import utcnow
from quizapp.services import catalog, memberships
from tests.conftest import DATA_DIR, csrf_token_from

SETTINGS = "/instructor/courses/{}/settings"
MEMBERS = "/instructor/courses/{}/members"


def _token(client, path="/") -> str:
    return csrf_token_from(client.get(path).get_data(as_text=True))


def _course(owner, visibility="public", slug="club"):
    course = memberships.create_course(
        db.session, slug, "Club de lectura", owner, utcnow(), visibility=visibility
    )
    db.session.commit()
    return course


def _role(course_slug: str, user) -> str | None:
    return db.session.scalar(
        sa.select(Membership.role)
        .join(Membership.user)
        .where(
            Membership.user_id == user.id,
            Membership.removed_at.is_(None),
            Membership.course_id == catalog.find_course(db.session, course_slug).id,
        )
    )


def test_one_click_enrols_in_a_public_course_and_leaving_keeps_nothing_open(
    client, auth, make_user
):
    course = _course(make_user("instructor"))
    learner = make_user()
    auth.login(learner.email)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Enrol" in page
    response = client.post(f"/courses/{course.slug}/enrol", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert _role("club", learner) == "learner"
    assert "Leave the course" in client.get(f"/courses/{course.slug}").get_data(as_text=True)
    client.post(f"/courses/{course.slug}/leave", data={"csrf_token": _token(client)})
    assert _role("club", learner) is None


def test_a_code_course_is_joined_with_its_code_only(client, auth, make_user):
    course = _course(make_user("instructor"), "code")
    learner = make_user()
    auth.login(learner.email)
    url = f"/courses/{course.slug}/enrol"
    client.post(url, data={"csrf_token": _token(client), "code": "NOPE1234"})
    assert _role("club", learner) is None
    wrong = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "That join code is not right for this course." in wrong
    client.post(url, data={"csrf_token": _token(client), "code": course.join_code.lower()})
    assert _role("club", learner) == "learner"


def test_an_invite_course_cannot_be_joined_by_outsiders(client, auth, make_user):
    course = _course(make_user("instructor"), "invite")
    auth.login(make_user().email)
    response = client.post(f"/courses/{course.slug}/enrol", data={"csrf_token": _token(client)})
    assert response.status_code == 404


def test_an_instructor_creates_a_course_from_a_markdown_file(client, auth, make_user):
    owner = make_user("instructor")
    auth.login(owner.email)
    data = {
        "csrf_token": _token(client, "/instructor/courses/new"),
        "title": "Semilla",
        "slug": "semilla",
        "visibility": "code",
        "markdown": (io.BytesIO((DATA_DIR / "seed_course.md").read_bytes()), "seed.md"),
    }
    response = client.post("/instructor/courses/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    course = catalog.find_course(db.session, "semilla")
    assert [lesson.number for lesson in course.lessons] == [1, 2, 3]
    assert course.visibility == "code"
    assert course.join_code
    assert _role("semilla", owner) == "instructor"
    assert "semilla" in client.get("/instructor/").get_data(as_text=True)


def test_learners_may_not_create_courses(client, auth, make_user):
    auth.login(make_user().email)
    assert client.get("/instructor/courses/new").status_code == 403


def test_settings_change_visibility_and_rotate_the_code(client, auth, make_user):
    owner = make_user("instructor")
    course = _course(owner)
    auth.login(owner.email)
    token = _token(client, SETTINGS.format("club"))
    client.post(
        SETTINGS.format("club"),
        data={"csrf_token": token, "title": "Club", "description_md": "", "visibility": "code"},
    )
    db.session.refresh(course)
    old = course.join_code
    assert course.visibility == "code"
    assert old in client.get(SETTINGS.format("club")).get_data(as_text=True)
    client.post("/instructor/courses/club/code", data={"csrf_token": token})
    db.session.refresh(course)
    assert course.join_code != old


def test_members_are_added_from_a_paste_and_a_csv_and_invitations_are_claimed(
    client, auth, make_user
):
    owner = make_user("instructor")
    _course(owner, "invite")
    known = make_user(email="known@example.org")
    auth.login(owner.email)
    token = _token(client, MEMBERS.format("club"))
    csv = io.BytesIO(b"email,name\nnew@example.org,New\n")
    response = client.post(
        MEMBERS.format("club") + "/add",
        data={"csrf_token": token, "emails": "known@example.org\n", "role": "learner",
              "csv_file": (csv, "class.csv")},
    )  # fmt: skip
    assert response.status_code == 302
    assert _role("club", known) == "learner"
    assert db.session.scalar(sa.select(Invitation.email)) == "new@example.org"
    auth.logout()
    newcomer = make_user(email="new@example.org")
    auth.login(newcomer.email)
    assert _role("club", newcomer) == "learner"
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0


def test_a_bad_email_adds_nobody(client, auth, make_user):
    owner = make_user("instructor")
    _course(owner, "invite")
    auth.login(owner.email)
    client.post(
        MEMBERS.format("club") + "/add",
        data={"csrf_token": _token(client, MEMBERS.format("club")), "role": "learner",
              "emails": "ok@example.org, broken@@example"},
    )  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0
    page = client.get(MEMBERS.format("club")).get_data(as_text=True)
    assert "Nobody was added" in page


def test_groups_are_created_and_learners_put_in_them_and_removed_learners_leave(
    client, auth, make_user
):
    owner = make_user("instructor")
    course = _course(owner)
    learner = make_user()
    memberships.set_member(db.session, course, learner, "learner", utcnow())
    db.session.commit()
    auth.login(owner.email)
    token = _token(client, MEMBERS.format("club"))
    client.post("/instructor/courses/club/groups", data={"csrf_token": token, "name": "Mañana"})
    group = db.session.scalar(sa.select(CourseGroup))
    assert group.name == "Mañana"
    client.post(
        f"/instructor/courses/club/members/{learner.id}/group",
        data={"csrf_token": token, "group_id": str(group.id)},
    )
    assert db.session.scalar(sa.select(GroupMember.user_id)) == learner.id
    client.post(f"/instructor/courses/club/members/{learner.id}/remove", data={"csrf_token": token})
    assert _role("club", learner) is None


def test_an_assistant_sees_members_but_cannot_manage(client, auth, make_user):
    course = _course(make_user("instructor"))
    assistant = make_user()
    memberships.set_member(db.session, course, assistant, "assistant", utcnow())
    db.session.commit()
    auth.login(assistant.email)
    page = client.get(MEMBERS.format("club")).get_data(as_text=True)
    assert assistant.email in page
    assert "Add members" not in page
    assert client.get(SETTINGS.format("club")).status_code == 403
    assert "club" in client.get("/instructor/").get_data(as_text=True)


def test_archive_hides_the_course_and_delete_needs_no_learner_history(client, auth, make_user):
    owner = make_user("instructor")
    _course(owner)
    auth.login(owner.email)
    token = _token(client, SETTINGS.format("club"))
    client.post("/instructor/courses/club/archive", data={"csrf_token": token, "archived": "1"})
    assert "Club de lectura" not in client.get("/").get_data(as_text=True)
    client.post("/instructor/courses/club/archive", data={"csrf_token": token, "archived": "1"})
    assert catalog.find_course(db.session, "club").archived_at is not None  # still archived
    client.post("/instructor/courses/club/archive", data={"csrf_token": token, "archived": "0"})
    assert "Club de lectura" in client.get("/").get_data(as_text=True)
    client.post("/instructor/courses/club/delete", data={"csrf_token": token, "confirm_slug": "x"})
    assert catalog.find_course(db.session, "club") is not None
    client.post(
        "/instructor/courses/club/delete", data={"csrf_token": token, "confirm_slug": "club"}
    )
    assert catalog.find_course(db.session, "club") is None
