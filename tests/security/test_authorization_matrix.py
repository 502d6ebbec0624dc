"""Every HTML route × every kind of visitor answers as the expectation table says.

The table below lists each (endpoint, method) of the site (the JSON API has its own
matrix in tests/api). A new route without a row fails `test_every_route_has_an_expectation`,
so nobody adds a page without deciding who may see it. Requests carry a valid CSRF token, so
what answers is the authorization check (or the view behind it), never the CSRF guard.

The course in the URLs is the bundled, public course. Visitors: `anonymous`; `outsider`, a
learner not enrolled in it; `learner`, enrolled, who owns the attempt, card and API token in
the URLs; `other_learner`, enrolled in another course only; `assistant` of the course;
`other_instructor`, who teaches another course only; `instructor` of the course; `admin`.
The staff side of a course exists only for its staff (404 to everybody else); an enrolled
learner or an assistant lacking the right gets 403 (SPEC section 11)."""

from urllib.parse import urlsplit

import pytest

from tests.conftest import AuthActions, csrf_token_from
from tests.matrix import ROLES, make_callers

LOGIN = "login"  # a 302 to /auth/login


def expect(
    anonymous=LOGIN,
    outsider=200,
    learner=None,
    other_learner=None,
    assistant=None,
    other_instructor=None,
    instructor=None,
    admin=None,
) -> dict:
    """Per-visitor expectation. Defaults cascade: the enrolled learner and the other
    course's learner answer as the outsider, the assistant as the learner, the other
    course's instructor as the outsider, the instructor as the assistant, the admin as the
    instructor."""
    learner = outsider if learner is None else learner
    assistant = learner if assistant is None else assistant
    instructor = assistant if instructor is None else instructor
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "learner": learner,
        "other_learner": outsider if other_learner is None else other_learner,
        "assistant": assistant,
        "other_instructor": outsider if other_instructor is None else other_instructor,
        "instructor": instructor,
        "admin": instructor if admin is None else admin,
    }


PUBLIC = expect(anonymous=200)
SIGNED_IN = expect()
# The instructor area's own pages: for whoever teaches or assists somewhere.
TEACHING = expect(outsider=403, assistant=200, other_instructor=200)
# A course's staff pages (dashboards, learners, exports): its assistants too.
COURSE_STAFF = expect(outsider=404, learner=403, assistant=200)
# A course's content (lessons, questions, imports, drafts): its instructors only.
COURSE_EDIT = expect(outsider=404, learner=403, instructor=200)
# The same, for posts that answer with a redirect when done (or when the form says no).
COURSE_EDIT_ACTION = expect(outsider=404, learner=403, instructor=302)
# The learner's attempt: the owner and the course's staff; to anyone else it does not exist.
OWNED_ATTEMPT = expect(outsider=404, learner=200, assistant=200, instructor=200)


def own_only(status) -> dict:
    """The learner's own card or token: everybody else's lookup finds nothing."""
    return expect(outsider=404, learner=status, assistant=404, instructor=404)


# (endpoint, method) → expected status per visitor. Keep in url_map order of areas.
EXPECTED: dict[tuple[str, str], dict] = {
    # core
    ("core.healthz", "GET"): PUBLIC,
    ("core.favicon", "GET"): expect(anonymous=204, outsider=204),
    ("core.switch_language", "POST"): expect(anonymous=302, outsider=302),
    # learner pages (of a public course: open to read, the first quiz enrols)
    ("learn.home", "GET"): PUBLIC,
    ("learn.course", "GET"): PUBLIC,
    ("learn.lesson", "GET"): PUBLIC,
    ("learn.quiz", "GET"): SIGNED_IN,
    # A post naming no attempt shows the quiz again, with the errors.
    ("learn.quiz", "POST"): SIGNED_IN,
    ("learn.new_attempt", "POST"): expect(outsider=302),
    # Autosave needs the caller's own attempt in progress; none here (JSON 404).
    ("learn.autosave", "POST"): expect(outsider=404),
    ("learn.attempt_result", "GET"): OWNED_ATTEMPT,
    ("dashboard.learner", "GET"): SIGNED_IN,
    ("dashboard.memory", "GET"): SIGNED_IN,
    # review (the card is the learner's; everybody else's lookup finds nothing)
    ("review.queue", "GET"): SIGNED_IN,
    ("review.answer", "POST"): own_only(200),
    ("review.rate", "POST"): own_only(302),
    ("review.settings", "GET"): SIGNED_IN,
    ("review.settings", "POST"): expect(outsider=302),
    ("review.fit_parameters", "POST"): expect(outsider=302),
    ("review.dont_know", "POST"): own_only(200),
    ("review.undo", "POST"): expect(outsider=302),
    ("review.suspend", "POST"): own_only(302),
    ("review.bury", "POST"): own_only(302),
    # The browser lists only the visitor's own cards; a bulk action on others' changes nothing.
    ("review.cards", "GET"): SIGNED_IN,
    ("review.cards", "POST"): expect(outsider=302),
    # account
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,  # an empty form is shown again
    ("auth.register", "GET"): expect(anonymous=200, outsider=302),  # signed in: home
    ("auth.register", "POST"): expect(anonymous=200, outsider=302),
    ("auth.logout", "GET"): PUBLIC,  # a confirmation form (logging out is a POST)
    ("auth.logout", "POST"): expect(anonymous=302, outsider=302),
    ("auth.account", "GET"): SIGNED_IN,
    ("auth.change_password", "POST"): expect(outsider=400),  # the empty form is refused
    ("auth.create_api_token", "POST"): SIGNED_IN,  # the page shows the new token once
    ("auth.revoke_api_token", "POST"): own_only(302),
    ("auth.logout_everywhere", "POST"): expect(outsider=302),  # ends the session: last
    # instructor area
    ("author.index", "GET"): TEACHING,
    ("author.preview", "POST"): TEACHING,
    ("author.new_lesson", "GET"): COURSE_EDIT,
    ("author.new_lesson", "POST"): COURSE_EDIT,  # the empty form is shown again
    ("author.edit_lesson", "GET"): COURSE_EDIT,
    # Fields left out keep the lesson's values (WTForms' obj=): it is saved unchanged.
    ("author.edit_lesson", "POST"): COURSE_EDIT_ACTION,
    ("author.lesson_questions", "GET"): COURSE_STAFF,
    ("author.new_question", "GET"): COURSE_EDIT,
    ("author.new_question", "POST"): COURSE_EDIT,
    ("author.edit_question", "GET"): COURSE_EDIT,
    ("author.edit_question", "POST"): COURSE_EDIT,
    ("author.retire_question", "POST"): COURSE_EDIT_ACTION,
    ("author.restore_question", "POST"): COURSE_EDIT_ACTION,
    ("author.move_question", "POST"): COURSE_EDIT_ACTION,
    ("author.import_questions", "GET"): COURSE_EDIT,
    ("author.import_questions", "POST"): COURSE_EDIT,
    # No upload token: refused once the course check has let the instructor through.
    ("author.confirm_import", "POST"): expect(outsider=404, learner=403, instructor=400),
    ("author.map_import_categories", "POST"): expect(outsider=404, learner=403, instructor=400),
    ("author.export_questions", "GET"): COURSE_STAFF,
    ("drafts.lesson_coverage", "GET"): COURSE_STAFF,
    ("drafts.lesson_drafts", "GET"): COURSE_EDIT,
    ("drafts.accept_draft", "POST"): COURSE_EDIT_ACTION,
    ("drafts.discard_draft", "POST"): COURSE_EDIT_ACTION,
    # media: the file named here is stored nowhere, so everyone gets 404 (who may fetch a
    # stored one is in tests/web/test_media.py); the media page is the course instructors'
    ("media.serve", "GET"): expect(anonymous=404, outsider=404),
    ("media.library", "GET"): COURSE_EDIT,
    ("media.library", "POST"): expect(outsider=404, learner=403, instructor=422),
    # dashboards
    ("dashboard.course", "GET"): COURSE_STAFF,
    ("dashboard.learner_detail", "GET"): COURSE_STAFF,
    # A quiz accommodation for the learner: the course's instructors (a redirect back).
    ("dashboard.set_override", "POST"): COURSE_EDIT_ACTION,
    ("dashboard.questions_csv", "GET"): COURSE_STAFF,
    ("dashboard.learners_csv", "GET"): COURSE_STAFF,
    ("dashboard.course_retention", "GET"): COURSE_STAFF,
    # grading by hand: the course's staff, assistants included (the answer is an essay)
    ("grading.queue", "GET"): COURSE_STAFF,
    ("grading.grade", "GET"): COURSE_STAFF,
    ("grading.grade", "POST"): expect(outsider=404, learner=403, assistant=302),
    ("grading.gradebook_page", "GET"): COURSE_STAFF,
    ("grading.gradebook_csv", "GET"): COURSE_STAFF,
    # regrading a question changes scores after a key change: the course's instructors
    ("grading.regrade", "GET"): COURSE_EDIT,
    ("grading.regrade", "POST"): COURSE_EDIT_ACTION,
    # course membership: joining and leaving (done, or refused with a message: a redirect)
    ("courses.enrol", "POST"): expect(outsider=302),
    ("courses.leave", "POST"): expect(outsider=302),
    # creating courses: global instructors and admins
    ("courses.new_course", "GET"): expect(outsider=403, other_instructor=200, instructor=200),
    ("courses.new_course", "POST"): expect(outsider=403, other_instructor=200, instructor=200),
    # a course's settings, members and groups: its instructors manage, assistants look
    ("courses.settings", "GET"): COURSE_EDIT,
    ("courses.settings", "POST"): COURSE_EDIT_ACTION,  # fields left out keep their values
    ("courses.rotate_code", "POST"): COURSE_EDIT_ACTION,
    ("courses.archive", "POST"): COURSE_EDIT_ACTION,
    ("courses.delete_course", "POST"): COURSE_EDIT_ACTION,  # no confirmation: refused
    ("courses.members", "GET"): COURSE_STAFF,
    ("courses.add_members", "POST"): COURSE_EDIT_ACTION,  # no emails: refused
    ("courses.remove_member", "POST"): COURSE_EDIT_ACTION,
    ("courses.create_group", "POST"): COURSE_EDIT_ACTION,  # no name: nothing made
    ("courses.assign_group", "POST"): COURSE_EDIT_ACTION,
}

# Form fields (besides the CSRF token) that make a post valid, so the check that refuses
# it is the authorization (or ownership) check rather than the form's own validation.
FORMS = {
    "review.rate": lambda ids: {"rating": "3", "reps": ids["reps"]},
    "review.answer": lambda ids: {"reps": ids["reps"]},
    "review.settings": lambda ids: {
        "retention_percent": "90",
        "daily_new_limit": "10",
        "leech_threshold": "8",
    },
    "review.dont_know": lambda ids: {"reps": ids["reps"]},
    "review.cards": lambda ids: {"action": "suspend", "cards": ids["card_id"]},
    "author.move_question": lambda ids: {"lesson": ids["lesson_id"]},
    "author.preview": lambda ids: {"text": "**bold**"},
    # Asks for the state the course is in (not archived): the check answers, nothing changes.
    "courses.archive": lambda ids: {"archived": "0"},
    "grading.grade": lambda ids: {"score": "0.5", "comment": "Bien."},
    "grading.regrade": lambda ids: {"version": "1"},
}
QUERY = {"author.new_question": "?type=short_answer"}


def test_every_route_has_an_expectation(html_routes):
    listed = {(endpoint, method) for endpoint, method, _rule in html_routes}
    assert sorted(listed - EXPECTED.keys()) == [], "routes without a row in EXPECTED"
    assert sorted(EXPECTED.keys() - listed) == [], "rows for routes that no longer exist"
    assert all(set(row) == set(ROLES) for row in EXPECTED.values())


def _matches(response, expected) -> bool:
    if expected == LOGIN:
        location = urlsplit(response.headers.get("Location", ""))
        return response.status_code == 302 and location.path == "/auth/login"
    return response.status_code == expected


def _order(route) -> int:
    """Posts that change who belongs to the course come after the other routes, so those
    see every visitor as they were: removing the learner, then learning in the public
    course and joining it (which enrol), then leaving; logging out ends the session: last."""
    endpoint, method, _rule = route
    if method != "POST":
        return 0
    return LAST.get(endpoint, 0)


LAST = {
    "courses.remove_member": 1,
    "learn.quiz": 2,
    "learn.new_attempt": 2,
    "learn.autosave": 2,
    "courses.enrol": 2,
    "courses.leave": 3,
    # Logging out everywhere needs the session's CSRF token, which a plain logout ends.
    "auth.logout_everywhere": 4,
    "auth.logout": 5,
}


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_expected(
    client, make_user, enrol, html_routes, owned_ids, path_of, role
):
    owner = make_user("learner")
    ids = owned_ids(owner)
    users = make_callers(make_user, enrol, owner)
    auth = AuthActions(client)
    if role != "anonymous":
        assert auth.login(users[role].email).status_code == 302
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))

    wrong = []
    for endpoint, method, rule in sorted(html_routes, key=_order):
        expected = EXPECTED[(endpoint, method)][role]
        path = path_of(rule, ids) + QUERY.get(endpoint, "")
        if method == "GET":
            response = client.get(path)
        else:
            if (endpoint, method) == ("auth.logout", "POST"):  # the session was just ended
                token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
            form = FORMS.get(endpoint, lambda _ids: {})(ids)
            response = client.post(path, data={"csrf_token": token, **form})
        if not _matches(response, expected):
            where = response.headers.get("Location", "")
            wrong.append(f"{method} {path}: {response.status_code} {where}, expected {expected}")
    assert wrong == [], f"as {role}:\n" + "\n".join(wrong)
