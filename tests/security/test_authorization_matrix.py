"""Every HTML route × every kind of visitor answers as the expectation table says.

The table below lists each (endpoint, method) of the site (the JSON API has its own
tests). A new route without a row fails `test_every_route_has_an_expectation`, so nobody
adds a page without deciding who may see it. Requests carry a valid CSRF token, so what
answers is the authorization check (or the view behind it), never the CSRF guard.

Roles: `anonymous`; `learner`, who owns the attempt, card and API token in the URLs;
`other`, a second learner reaching the first one's things; `instructor`; `admin`."""

from urllib.parse import urlsplit

import pytest

from tests.conftest import AuthActions, csrf_token_from

ROLES = ("anonymous", "learner", "other", "instructor", "admin")
LOGIN = "login"  # a 302 to /auth/login


def expect(anonymous=LOGIN, learner=200, other=None, instructor=None, admin=None) -> dict:
    """Per-role expectation; `other` defaults to the learner's, admin to the instructor's."""
    instructor = learner if instructor is None else instructor
    return {
        "anonymous": anonymous,
        "learner": learner,
        "other": learner if other is None else other,
        "instructor": instructor,
        "admin": instructor if admin is None else admin,
    }


PUBLIC = expect(anonymous=200)
SIGNED_IN = expect()
STAFF = expect(learner=403, instructor=200)
# Staff pages that answer a POST with a redirect when done (or when the form says no).
STAFF_ACTION = expect(learner=403, instructor=302)
# Only the owner of the attempt/card/token: another learner gets 404, as if it did not exist.
OWNED_ATTEMPT = expect(learner=200, other=404, instructor=200)

# (endpoint, method) → expected status per role. Keep in url_map order of areas.
EXPECTED: dict[tuple[str, str], dict] = {
    # core
    ("core.healthz", "GET"): PUBLIC,
    ("core.favicon", "GET"): expect(anonymous=204, learner=204),
    ("core.switch_language", "POST"): expect(anonymous=302, learner=302),
    # learner pages
    ("learn.home", "GET"): PUBLIC,
    ("learn.course", "GET"): PUBLIC,
    ("learn.lesson", "GET"): PUBLIC,
    ("learn.quiz", "GET"): SIGNED_IN,
    # A post naming no attempt shows the quiz again, with the errors.
    ("learn.quiz", "POST"): SIGNED_IN,
    ("learn.new_attempt", "POST"): expect(learner=302),
    ("learn.attempt_result", "GET"): OWNED_ATTEMPT,
    ("dashboard.learner", "GET"): SIGNED_IN,
    # review (the card is the learner's; everybody else's lookup finds nothing)
    ("review.queue", "GET"): SIGNED_IN,
    ("review.answer", "POST"): expect(learner=200, other=404, instructor=404),
    ("review.rate", "POST"): expect(learner=302, other=404, instructor=404),
    ("review.settings", "GET"): SIGNED_IN,
    ("review.settings", "POST"): expect(learner=302),
    ("review.dont_know", "POST"): expect(learner=200, other=404, instructor=404),
    ("review.undo", "POST"): expect(learner=302),
    ("review.suspend", "POST"): expect(learner=302, other=404, instructor=404),
    ("review.bury", "POST"): expect(learner=302, other=404, instructor=404),
    # The browser lists only the visitor's own cards; a bulk action on others' changes nothing.
    ("review.cards", "GET"): SIGNED_IN,
    ("review.cards", "POST"): expect(learner=302),
    # account
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,  # an empty form is shown again
    ("auth.register", "GET"): expect(anonymous=200, learner=302),  # signed in: home
    ("auth.register", "POST"): expect(anonymous=200, learner=302),
    ("auth.logout", "GET"): PUBLIC,  # a confirmation form (logging out is a POST)
    ("auth.logout", "POST"): expect(anonymous=302, learner=302),
    ("auth.account", "GET"): SIGNED_IN,
    ("auth.change_password", "POST"): expect(learner=400),  # the empty form is refused
    ("auth.create_api_token", "POST"): SIGNED_IN,  # the page shows the new token once
    ("auth.revoke_api_token", "POST"): expect(learner=302, other=404, instructor=404),
    ("auth.logout_everywhere", "POST"): expect(learner=302),  # ends the session: last
    # instructor area
    ("author.index", "GET"): STAFF,
    ("author.preview", "POST"): STAFF,
    ("author.new_lesson", "GET"): STAFF,
    ("author.new_lesson", "POST"): STAFF,  # the empty form is shown again
    ("author.edit_lesson", "GET"): STAFF,
    # Fields left out keep the lesson's values (WTForms' obj=): it is saved unchanged.
    ("author.edit_lesson", "POST"): STAFF_ACTION,
    ("author.lesson_questions", "GET"): STAFF,
    ("author.new_question", "GET"): STAFF,
    ("author.new_question", "POST"): STAFF,
    ("author.edit_question", "GET"): STAFF,
    ("author.edit_question", "POST"): STAFF,
    ("author.retire_question", "POST"): STAFF_ACTION,
    ("author.restore_question", "POST"): STAFF_ACTION,
    ("author.move_question", "POST"): STAFF_ACTION,
    ("author.import_questions", "GET"): STAFF,
    ("author.import_questions", "POST"): STAFF,
    ("author.confirm_import", "POST"): expect(learner=403, instructor=400),  # no upload token
    ("author.export_questions", "GET"): STAFF,
    ("drafts.lesson_coverage", "GET"): STAFF,
    ("drafts.lesson_drafts", "GET"): STAFF,
    ("drafts.accept_draft", "POST"): STAFF_ACTION,
    ("drafts.discard_draft", "POST"): STAFF_ACTION,
    # media: the file named here is stored nowhere, so everyone gets 404 (who may fetch a
    # stored one is in tests/web/test_media.py); the media page is the course staff's
    ("media.serve", "GET"): expect(anonymous=404, learner=404),
    ("media.library", "GET"): STAFF,
    ("media.library", "POST"): expect(learner=403, instructor=422),  # no file: shown again
    # dashboards
    ("dashboard.course", "GET"): STAFF,
    ("dashboard.learner_detail", "GET"): STAFF,
    ("dashboard.questions_csv", "GET"): STAFF,
    ("dashboard.learners_csv", "GET"): STAFF,
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
}
QUERY = {"author.new_question": "?type=short_answer"}


def test_every_route_has_an_expectation(html_routes):
    listed = {(endpoint, method) for endpoint, method, _rule in html_routes}
    assert sorted(listed - EXPECTED.keys()) == [], "routes without a row in EXPECTED"
    assert sorted(EXPECTED.keys() - listed) == [], "rows for routes that no longer exist"
    assert all(set(row) == set(ROLES) for row in EXPECTED.values())


# Logging out everywhere needs the session's CSRF token, which a plain logout ends: it goes first.
LOGGING_OUT = {("auth.logout_everywhere", "POST"): 1, ("auth.logout", "POST"): 2}


def _matches(response, expected) -> bool:
    if expected == LOGIN:
        location = urlsplit(response.headers.get("Location", ""))
        return response.status_code == 302 and location.path == "/auth/login"
    return response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_expected(
    client, make_user, html_routes, owned_ids, path_of, role
):
    owner = make_user("learner")
    users = {
        "learner": owner,
        "other": make_user("learner"),
        "instructor": make_user("instructor"),
        "admin": make_user("admin"),
    }
    ids = owned_ids(owner)
    auth = AuthActions(client)
    if role != "anonymous":
        assert auth.login(users[role].email).status_code == 302
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))

    # Logging out ends the session: those go last.
    routes = sorted(html_routes, key=lambda r: LOGGING_OUT.get((r[0], r[1]), 0))
    wrong = []
    for endpoint, method, rule in routes:
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
