"""`quizapp courses ...` and `content load --owner`: courses with owners from the shell."""

import json

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Membership
from quizapp.services import catalog
from tests.conftest import DATA_DIR


def test_create_a_course_add_members_and_list_them(runner, make_user):
    owner = make_user("instructor", email="ana@example.org")
    make_user("learner", email="luis@example.org")
    created = runner.invoke(
        args=["courses", "create", "Mi Curso", "--title", "Mi curso", "--owner", owner.email]
    )
    assert created.exit_code == 0, created.output
    assert "created mi-curso (public), instructor ana@example.org" in created.output
    for email, role in (("luis@example.org", "assistant"), ("nueva@example.org", "learner")):
        result = runner.invoke(
            args=["courses", "members", "add", "mi-curso", email, "--role", role]
        )
        assert result.exit_code == 0, result.output
    assert "invited nueva@example.org" in result.output

    listed = runner.invoke(args=["courses", "members", "list", "mi-curso", "--json"])
    body = json.loads(listed.output)
    assert [(m["email"], m["role"]) for m in body["members"]] == [
        ("ana@example.org", "instructor"),
        ("luis@example.org", "assistant"),
    ]
    assert body["invitations"] == [{"email": "nueva@example.org", "role": "learner"}]


def test_the_join_code_is_shown_and_rotated(runner, make_user):
    owner = make_user("instructor")
    runner.invoke(
        args=["courses", "create", "club", "--title", "Club", "--owner", owner.email,
              "--visibility", "code"]
    )  # fmt: skip
    first = runner.invoke(args=["courses", "code", "club"]).output.strip()
    assert first == runner.invoke(args=["courses", "code", "club"]).output.strip()
    rotated = runner.invoke(args=["courses", "code", "club", "--rotate"]).output.strip()
    assert rotated != first
    assert catalog.find_course(db.session, "club").join_code == rotated


def test_unknown_courses_accounts_and_roles_fail_clearly(runner, make_user):
    owner = make_user("instructor")
    missing = runner.invoke(args=["courses", "code", "nope"])
    assert missing.exit_code == 1
    assert "no course 'nope'" in missing.output
    nobody = runner.invoke(
        args=["courses", "create", "x", "--title", "X", "--owner", "nobody@example.org"]
    )
    assert nobody.exit_code == 1
    assert "no account" in nobody.output
    runner.invoke(args=["courses", "create", "x", "--title", "X", "--owner", owner.email])
    twice = runner.invoke(args=["courses", "create", "x", "--title", "X", "--owner", owner.email])
    assert twice.exit_code == 1
    assert "already exists" in twice.output
    role = runner.invoke(args=["courses", "members", "add", "x", owner.email, "--role", "boss"])
    assert role.exit_code == 2


def test_content_load_with_an_owner_makes_them_its_instructor(runner, make_user):
    owner = make_user("instructor", teaches=False)
    result = runner.invoke(
        args=["content", "load", str(DATA_DIR / "seed_course.md"), "--owner", owner.email]
    )
    assert result.exit_code == 0, result.output
    slug = result.output.split(":")[0]
    listed = json.loads(runner.invoke(args=["courses", "members", "list", slug, "--json"]).output)
    assert [(m["email"], m["role"]) for m in listed["members"]] == [(owner.email, "instructor")]


def test_the_demo_instructor_owns_the_bundled_course(runner):
    assert runner.invoke(args=["content", "load"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    listed = json.loads(
        runner.invoke(args=["courses", "members", "list", "curso-flask", "--json"]).output
    )
    roles = {m["email"]: m["role"] for m in listed["members"]}
    assert roles["instructor@quizapp.test"] == "instructor"
    assert roles["learner@quizapp.test"] == "learner"
    assert catalog.find_course(db.session, "curso-flask").visibility == "public"


def test_a_member_is_removed_and_a_learner_leaves_with_history_kept(runner, make_user):
    owner = make_user("instructor", email="ana@example.org")
    for email in ("luis@example.org", "eva@example.org"):
        make_user("learner", email=email)
    runner.invoke(args=["courses", "create", "club", "--title", "Club", "--owner", owner.email])
    for email in ("luis@example.org", "eva@example.org"):
        runner.invoke(args=["courses", "members", "add", "club", email])

    removed = runner.invoke(args=["courses", "members", "remove", "club", "luis@example.org"])
    assert removed.exit_code == 0, removed.output
    assert "removed luis@example.org from club (history kept)" in removed.output
    left = runner.invoke(args=["courses", "leave", "club", "eva@example.org"])
    assert left.exit_code == 0, left.output
    assert "eva@example.org left club" in left.output

    listed = json.loads(runner.invoke(args=["courses", "members", "list", "club", "--json"]).output)
    assert [m["email"] for m in listed["members"]] == ["ana@example.org"]
    memberships = db.session.scalars(
        sa.select(Membership).join(Membership.user).order_by(Membership.id)
    ).all()
    # The rows stay (history kept), marked removed.
    assert [(m.user.email, m.removed_at is not None) for m in memberships] == [
        ("ana@example.org", False),
        ("luis@example.org", True),
        ("eva@example.org", True),
    ]


def test_removing_or_leaving_refuses_what_cannot_be_done(runner, make_user):
    owner = make_user("instructor", email="ana@example.org")
    make_user("learner", email="luis@example.org")
    runner.invoke(args=["courses", "create", "club", "--title", "Club", "--owner", owner.email])

    last = runner.invoke(args=["courses", "members", "remove", "club", "ana@example.org"])
    assert last.exit_code == 1
    assert "keeps at least one instructor" in last.output
    staff = runner.invoke(args=["courses", "leave", "club", "ana@example.org"])
    assert staff.exit_code == 1
    assert "Staff cannot leave a course" in staff.output
    stranger = runner.invoke(args=["courses", "members", "remove", "club", "luis@example.org"])
    assert stranger.exit_code == 1
    assert "luis@example.org is not a member of club" in stranger.output
    not_enrolled = runner.invoke(args=["courses", "leave", "club", "luis@example.org"])
    assert not_enrolled.exit_code == 1
    assert "is not enrolled in club" in not_enrolled.output
