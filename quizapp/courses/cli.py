"""`quizapp courses ...`: create courses, manage their members and join codes."""

import json
import sys

import click
from flask.cli import AppGroup

from quizapp import clock
from quizapp.extensions import db
from quizapp.models import COURSE_ROLES, VISIBILITIES
from quizapp.services import catalog
from quizapp.services.accounts import find_user_by_email
from quizapp.services.memberships import (
    MembershipError,
    add_members,
    create_course,
    leave,
    list_members,
    parse_emails,
    pending_invitations,
    remove_member,
    rotate_code,
)

courses_cli = AppGroup("courses", help="Courses, their members and join codes.")
members_cli = AppGroup("members", help="A course's members.")
courses_cli.add_command(members_cli)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _course(slug: str):
    course = catalog.find_course(db.session, slug)
    if course is None:
        _fail(f"no course {slug!r}")
    return course


def _user(email: str):
    user = find_user_by_email(db.session, email)
    if user is None:
        _fail(f"no account {email!r} (create it with: quizapp users create {email})")
    return user


@courses_cli.command("create")
@click.argument("slug")
@click.option("--title", required=True, help="The course's title.")
@click.option("--owner", "owner_email", required=True, help="Email of its first instructor.")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default="public")
@click.option("--description", default="", help="Markdown shown on the course page.")
def courses_create(
    slug: str, title: str, owner_email: str, visibility: str, description: str
) -> None:
    """Create an empty course; the owner becomes its instructor."""
    owner = _user(owner_email)
    try:
        course = create_course(
            db.session, slug, title, owner, clock.now(), description, visibility=visibility
        )
    except MembershipError as error:
        db.session.rollback()
        _fail(str(error))
    db.session.commit()
    click.echo(f"created {course.slug} ({course.visibility}), instructor {owner.email}")


@members_cli.command("add")
@click.argument("course_slug", metavar="COURSE")
@click.argument("email")
@click.option("--role", type=click.Choice(COURSE_ROLES), default="learner")
def members_add(course_slug: str, email: str, role: str) -> None:
    """Add (or change the role of) a member; an email without an account is invited."""
    course = _course(course_slug)
    emails, invalid = parse_emails(email)
    if invalid or len(emails) != 1:
        _fail(f"not an email address: {email!r}")
    try:
        report = add_members(db.session, course, emails, role, clock.now())
    except MembershipError as error:
        db.session.rollback()
        _fail(str(error))
    db.session.commit()
    if report.invited:
        click.echo(f"invited {emails[0]} to {course.slug} as {role} (no account yet)")
    else:
        click.echo(f"{emails[0]} is now {role} of {course.slug}")


@members_cli.command("remove")
@click.argument("course_slug", metavar="COURSE")
@click.argument("email")
def members_remove(course_slug: str, email: str) -> None:
    """Remove a member (any role; a course keeps one instructor). Their history is kept,
    out of the dashboards; adding them again restores the membership."""
    course = _course(course_slug)
    user = _user(email)
    try:
        removed = remove_member(db.session, course, user.id, clock.now())
    except MembershipError as error:
        db.session.rollback()
        _fail(str(error))
    if not removed:
        _fail(f"{user.email} is not a member of {course.slug}")
    db.session.commit()
    click.echo(f"removed {user.email} from {course.slug} (history kept)")


@courses_cli.command("leave")
@click.argument("course_slug", metavar="COURSE")
@click.argument("email")
def courses_leave(course_slug: str, email: str) -> None:
    """A learner leaves the course, as the course page's Leave button does (history kept;
    staff are removed with `members remove` instead)."""
    course = _course(course_slug)
    user = _user(email)
    try:
        left = leave(db.session, course, user, clock.now())
    except MembershipError as error:
        db.session.rollback()
        _fail(str(error))
    if not left:
        _fail(f"{user.email} is not enrolled in {course.slug}")
    db.session.commit()
    click.echo(f"{user.email} left {course.slug} (history kept)")


@members_cli.command("list")
@click.argument("course_slug", metavar="COURSE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def members_list(course_slug: str, as_json: bool) -> None:
    """Members (staff first) and pending invitations."""
    course = _course(course_slug)
    members = list_members(db.session, course)
    invitations = pending_invitations(db.session, course)
    if as_json:
        listing = {
            "course": course.slug,
            "members": [
                {"email": row.email, "role": row.role, "joined_at": row.joined_at.isoformat()}
                for row in members
            ],
            "invitations": [{"email": item.email, "role": item.role} for item in invitations],
        }
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for row in members:
        click.echo(f"{row.role:<10}  {row.email}")
    for item in invitations:
        click.echo(f"{item.role:<10}  {item.email}  (invited)")


@courses_cli.command("code")
@click.argument("course_slug", metavar="COURSE")
@click.option("--rotate", is_flag=True, help="Replace the code; the old one stops working.")
def courses_code(course_slug: str, rotate: bool) -> None:
    """Print the course's join code (for `code` courses)."""
    course = _course(course_slug)
    if rotate or not course.join_code:
        rotate_code(db.session, course)
        db.session.commit()
    click.echo(course.join_code)
