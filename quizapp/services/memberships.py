"""Course membership use cases: creating a course with its owner, enrolling (one click or
a join code), adding members by email (pending invitations for unknown emails), leaving,
removing, and rotating the join code."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizapp.domain.slugs import slugify
from quizapp.models import COURSE_ROLES, VISIBILITIES, Course, Invitation, Membership, User
from quizapp.services import course_statistics
from quizapp.services.accounts import N_, find_user_by_email, normalise_email

Problem = tuple[str, dict]
# Unambiguous letters and digits (no 0/O, 1/I/L): codes are read aloud and copied by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


class MembershipError(ValueError):
    """A membership rule was broken; `problems` are (English msgid, parameters) pairs the
    views translate, str() is the English text."""

    def __init__(self, problems: list[Problem]):
        super().__init__(" ".join(message % params for message, params in problems))
        self.problems = problems


def _check_role(role: str) -> None:
    if role not in COURSE_ROLES:
        raise MembershipError(
            [
                (
                    N_("Unknown course role %(role)s; choose one of %(roles)s."),
                    {"role": role, "roles": ", ".join(COURSE_ROLES)},
                )
            ]
        )


def check_visibility(visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise MembershipError(
            [
                (
                    N_("Unknown visibility %(value)s; choose one of %(values)s."),
                    {"value": visibility, "values": ", ".join(VISIBILITIES)},
                )
            ]
        )


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").upper()


def rotate_code(session: Session, course: Course) -> str:
    """A fresh join code; the old one stops working at once."""
    course.join_code = new_join_code()
    session.flush()
    return course.join_code


def find_membership(session: Session, course: Course, user: User) -> Membership | None:
    return session.scalar(
        sa.select(Membership).where(
            Membership.course_id == course.id, Membership.user_id == user.id
        )
    )


def set_member(
    session: Session, course: Course, user: User, role: str, now: datetime
) -> Membership:
    """Makes `user` a member with `role` (re-activating a removed member). Whether their
    activity counts as learner data may change: the course statistics follow."""
    _check_role(role)
    with course_statistics.user_changing(session, user.id, [course.id]):
        return _set_member(session, course, user, role, now)


def _set_member(
    session: Session, course: Course, user: User, role: str, now: datetime
) -> Membership:
    membership = find_membership(session, course, user)
    if membership is None:
        membership = Membership(course_id=course.id, user_id=user.id, role=role, joined_at=now)
        try:
            # Two tabs starting a quiz of a public course both enrol the learner: the
            # unique (course, user) key lets one insert win; the other uses that row.
            with session.begin_nested():
                session.add(membership)
                session.flush()
            return membership
        except IntegrityError:
            concurrent = find_membership(session, course, user)
            if concurrent is None:
                raise
            return concurrent
    membership.role = role
    if membership.removed_at is not None:
        membership.removed_at, membership.joined_at = None, now
    session.flush()
    return membership


def create_course(
    session: Session,
    slug: str,
    title: str,
    owner: User,
    now: datetime,
    description_md: str = "",
    visibility: str = "public",
) -> Course:
    slug = slugify(slug)
    problems: list[Problem] = []
    if not slug:
        problems.append((N_("The course needs a slug (letters or digits)."), {}))
    elif session.scalar(sa.select(Course.id).where(Course.slug == slug)) is not None:
        problems.append((N_("A course with the slug %(slug)s already exists."), {"slug": slug}))
    if not title.strip():
        problems.append((N_("The course needs a title."), {}))
    if problems:
        raise MembershipError(problems)
    check_visibility(visibility)
    course = Course(
        slug=slug,
        title=title.strip(),
        description_md=description_md,
        visibility=visibility,
        join_code=new_join_code(),
        created_at=now,
        updated_at=now,
    )
    session.add(course)
    session.flush()
    set_member(session, course, owner, "instructor", now)
    return course


def enrol(
    session: Session, course: Course, user: User, now: datetime, code: str | None = None
) -> Membership:
    """Self-enrolment: one click in a public course, the join code in a code course.
    An existing member keeps their role. Invite-only courses refuse (as if unknown)."""
    membership = find_membership(session, course, user)
    if membership is not None and membership.removed_at is None:
        return membership
    if course.archived_at is not None or course.visibility == "invite":
        raise MembershipError([(N_("This course is not open for enrolment."), {})])
    if course.visibility == "code" and (
        not course.join_code or normalise_code(code or "") != course.join_code
    ):
        raise MembershipError([(N_("That join code is not right for this course."), {})])
    return set_member(session, course, user, "learner", now)


def leave(session: Session, course: Course, user: User, now: datetime) -> bool:
    """A learner leaves: their history is kept, and they stop counting in the course."""
    membership = find_membership(session, course, user)
    if membership is None or membership.removed_at is not None:
        return False
    if membership.role != "learner":
        raise MembershipError([(N_("Staff cannot leave a course; ask its instructor."), {})])
    with course_statistics.user_changing(session, user.id, [course.id]):
        membership.removed_at = now
    return True


def remove_member(session: Session, course: Course, user_id: int, now: datetime) -> bool:
    membership = session.scalar(
        sa.select(Membership).where(
            Membership.course_id == course.id,
            Membership.user_id == user_id,
            Membership.removed_at.is_(None),
        )
    )
    if membership is None:
        return False
    if membership.role == "instructor" and _instructor_count(session, course) <= 1:
        raise MembershipError([(N_("A course keeps at least one instructor."), {})])
    with course_statistics.user_changing(session, user_id, [course.id]):
        membership.removed_at = now
    return True


def _instructor_count(session: Session, course: Course) -> int:
    return session.scalar(
        sa.select(sa.func.count()).where(
            Membership.course_id == course.id,
            Membership.role == "instructor",
            Membership.removed_at.is_(None),
        )
    )


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def parse_emails(text: str) -> tuple[list[str], list[str]]:
    """Emails from a paste or a CSV (commas, semicolons, tabs or lines; a header or other
    columns without an @ are ignored): (valid emails in order, unique; invalid ones)."""
    emails: list[str] = []
    invalid: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        part = part.strip().strip('"').strip("'").strip("<>")
        if not part or "@" not in part:
            continue
        email = normalise_email(part)
        if not _EMAIL.match(email):
            invalid.append(part)
        elif email not in emails:
            emails.append(email)
    return emails, invalid


def add_members(
    session: Session, course: Course, emails: list[str], role: str, now: datetime
) -> AddReport:
    """Each email with an account becomes a member; the others get a pending invitation,
    claimed when that email registers or logs in."""
    _check_role(role)
    report = AddReport()
    for email in emails:
        user = find_user_by_email(session, email)
        if user is not None:
            set_member(session, course, user, role, now)
            report.added.append(email)
            continue
        invitation = session.scalar(
            sa.select(Invitation).where(
                Invitation.course_id == course.id, Invitation.email == email
            )
        )
        if invitation is None:
            session.add(Invitation(course_id=course.id, email=email, role=role, created_at=now))
        else:
            invitation.role = role
        report.invited.append(email)
    session.flush()
    return report


def claim_invitations(session: Session, user: User, now: datetime) -> int:
    """Turns the invitations of the user's email into memberships; returns how many."""
    invitations = session.scalars(
        sa.select(Invitation).where(Invitation.email == normalise_email(user.email))
    ).all()
    for invitation in invitations:
        course = session.get(Course, invitation.course_id)
        set_member(session, course, user, invitation.role, now)
        session.delete(invitation)
    session.flush()
    return len(invitations)


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    email: str
    display_name: str
    role: str
    joined_at: datetime


def list_members(session: Session, course: Course) -> list[MemberRow]:
    """Active members, staff first, then by email."""
    order = sa.case({"instructor": 0, "assistant": 1}, value=Membership.role, else_=2)
    rows = session.execute(
        sa.select(User.id, User.email, User.display_name, Membership.role, Membership.joined_at)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.course_id == course.id, Membership.removed_at.is_(None))
        .order_by(order, User.email)
    ).all()
    return [MemberRow(*row) for row in rows]


def pending_invitations(session: Session, course: Course) -> list[Invitation]:
    return list(
        session.scalars(
            sa.select(Invitation)
            .where(Invitation.course_id == course.id)
            .order_by(Invitation.email)
        )
    )
