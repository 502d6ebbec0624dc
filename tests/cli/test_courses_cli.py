"""`quizapp courses ...` and `content load --owner`: courses with owners from the shell."""

import json

from quizapp.extensions import db
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
