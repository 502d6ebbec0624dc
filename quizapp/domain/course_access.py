"""The one rule of who may do what in a course (SPEC section 11), with no database:
callers give the course's visibility, the caller's role in it and what they want.

Outside a course you may not see, the answer is NOT_FOUND, so nobody learns that it exists;
inside it (or in a listed course) without the right, FORBIDDEN. The staff side of a course
exists only for its staff: to anybody else it is NOT_FOUND, even for a listed course."""

from dataclasses import dataclass

# Roles in one course: instructors edit content and see everything; assistants see the
# dashboards and learners and grade, but do not edit; learners are enrolled.
COURSE_ROLES = ("instructor", "assistant", "learner")
COURSE_STAFF_ROLES = ("instructor", "assistant")
VISIBILITIES = ("public", "code", "invite")

# What a request wants to do.
LISTED = "listed"  # the course page: title, description, how to join
READ = "read"  # the lessons' notes
LEARN = "learn"  # take a quiz, make flashcards
STAFF = "staff"  # dashboards, learners, grading, members
EDIT = "edit"  # content: lessons, questions, imports (not while archived)
MANAGE = "manage"  # settings, members, groups, archive and delete (archived too)

NEEDS = (LISTED, READ, LEARN, STAFF, EDIT, MANAGE)
STAFF_NEEDS = (STAFF, EDIT, MANAGE)
# These need a signed-in user whatever the course (anonymous visitors log in first).
SIGNED_IN_NEEDS = (LEARN, STAFF, EDIT, MANAGE)

OK = "ok"
LOGIN = "login"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Standing:
    """The caller as seen from one course."""

    visibility: str  # public | code | invite
    archived: bool
    role: str | None  # instructor | assistant | learner (an active membership) or None
    is_admin: bool = False
    signed_in: bool = True

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def is_staff(self) -> bool:
        return self.is_admin or self.role in COURSE_STAFF_ROLES

    @property
    def is_listed(self) -> bool:
        return self.visibility in ("public", "code") and not self.archived


def decide(standing: Standing, need: str) -> str:
    """OK, LOGIN (an anonymous visitor should sign in), FORBIDDEN or NOT_FOUND."""
    if need not in NEEDS:
        raise ValueError(f"unknown need {need!r}")
    if not standing.signed_in and need in SIGNED_IN_NEEDS:
        return LOGIN
    if standing.is_admin:
        return OK
    if need in STAFF_NEEDS:
        return _staff_decision(standing, need)
    if standing.is_member:
        # Archived courses are read-only: nothing new is learned in them.
        return FORBIDDEN if need == LEARN and standing.archived else OK
    if not standing.is_listed:
        return NOT_FOUND
    if need == LISTED or standing.visibility == "public":
        return OK  # a public course's notes are open; its first quiz enrols
    return FORBIDDEN if standing.signed_in else LOGIN  # a code course: join first


def _staff_decision(standing: Standing, need: str) -> str:
    if not standing.is_member:
        return NOT_FOUND
    if not standing.is_staff:
        return FORBIDDEN
    if need == STAFF:
        return OK
    if standing.role != "instructor" or (need == EDIT and standing.archived):
        return FORBIDDEN
    return OK


def enrols_on_learning(standing: Standing) -> bool:
    """A signed-in non-member learning in a public course becomes one of its learners."""
    return (
        standing.signed_in
        and not standing.is_member
        and not standing.is_admin
        and standing.visibility == "public"
        and not standing.archived
    )
