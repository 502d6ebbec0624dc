"""The dashboard pages: the learner's /dashboard, the instructor's course dashboard with
its drill-down and CSV exports, their access rules and their bounded query counts."""

import csv
import io
import re
from datetime import timedelta

import pytest

from quizapp.dashboard import figures_cache
from quizapp.extensions import db
from quizapp.models.types import utcnow
from quizapp.services import course_groups, memberships, stats
from tests.factories import (
    add_attempt,
    add_card,
    add_review,
    make_course,
    make_learner,
    questions_of,
)

COURSE_URL = "/instructor/courses/stats-course"


@pytest.fixture
def course(app):
    course = make_course(db.session, lessons=2, questions_per_lesson=3)
    db.session.commit()
    return course


@pytest.fixture
def learner(make_user):
    return make_user("learner")


@pytest.fixture
def instructor(make_user):
    return make_user("instructor")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Learner dashboard ---------------------------------------------------------------------


def test_learner_dashboard_requires_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_learner_dashboard_shows_scores_due_cards_and_streak(client, auth, course, learner):
    now = utcnow()
    lesson = course.lessons[0]
    q1, q2, q3 = questions_of(db.session, lesson)
    add_attempt(db.session, learner, lesson, {q1: 1.0, q2: 1.0}, now - timedelta(days=1))
    add_attempt(db.session, learner, lesson, {q1: 1.0, q2: 0.0}, now - timedelta(minutes=1), 2)
    add_card(db.session, learner, q1, due=now - timedelta(days=1))  # overdue: due today
    add_card(db.session, learner, q2, due=now + timedelta(days=3))
    db.session.commit()
    auth.login(learner.email)

    html = client.get("/dashboard").get_data(as_text=True)

    assert re.search(r'id="due-today">\s*1\s*<', html)
    # Yesterday's and today's (or, just after midnight, yesterday's) submissions.
    assert re.search(r'id="streak">\s*[12]\s*<', html)
    row = text_of(
        re.search(r"<tr>\s*<th scope=\"row\">\s*<a[^>]*>1\. Clase 1.*?</tr>", html, re.S)[0]
    )
    assert "2 100 % 100 % 50 %" in row  # attempts, grade (highest), best, last
    assert "/courses/stats-course/clase-1" in html


def test_learner_dashboard_charts_work_under_the_csp(client, auth, course, learner):
    lesson = course.lessons[0]
    add_attempt(db.session, learner, lesson, {questions_of(db.session, lesson)[0]: 1.0}, utcnow())
    db.session.commit()
    auth.login(learner.email)

    html = client.get("/dashboard").get_data(as_text=True)

    assert html.count("<svg") == 2
    assert 'role="img"' in html
    assert "<title" in html
    assert "<desc" in html
    assert 'id="forecast-chart-table"' in html
    assert 'id="accuracy-chart-table"' in html
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_the_navigation_links_to_the_dashboard(client, auth, learner):
    auth.login(learner.email)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/dashboard"' in page
    assert 'href="/instructor/"' not in page  # a learner of no course's staff


def test_the_navigation_shows_the_instructor_area_to_a_course_assistant(
    client, auth, course, learner
):
    """An assistant is a learner globally: the link follows the course role."""
    memberships.set_member(db.session, course, learner, "assistant", utcnow())
    db.session.commit()
    auth.login(learner.email)
    assert 'href="/instructor/"' in client.get("/").get_data(as_text=True)
    assert client.get("/instructor/").status_code == 200
    memberships.remove_member(db.session, course, learner.id, utcnow())
    db.session.commit()
    assert 'href="/instructor/"' not in client.get("/").get_data(as_text=True)


# Instructor pages ----------------------------------------------------------------------

INSTRUCTOR_PAGES = (
    COURSE_URL,
    COURSE_URL + "/questions.csv",
    COURSE_URL + "/learners.csv",
    COURSE_URL + "/learners/{user_id}",
)


@pytest.mark.parametrize("path", INSTRUCTOR_PAGES)
def test_learners_get_403_on_instructor_pages(client, auth, course, learner, enrol, path):
    enrol(learner, course.slug)
    auth.login(learner.email)
    assert client.get(path.format(user_id=learner.id)).status_code == 403


@pytest.mark.parametrize("path", INSTRUCTOR_PAGES)
def test_anonymous_users_are_sent_to_log_in(client, course, learner, path):
    response = client.get(path.format(user_id=learner.id))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_unknown_course_or_learner_is_404(client, auth, course, instructor):
    auth.login(instructor.email)
    assert client.get("/instructor/courses/nope").status_code == 404
    assert client.get("/instructor/courses/nope/questions.csv").status_code == 404
    assert client.get(COURSE_URL + "/learners/999999").status_code == 404


def populate(course, learners: int, now):
    """`learners` learners, each with a first attempt at every lesson (plus a retake for
    every other one), choices, cards and reviews."""
    lessons = course.lessons
    for i in range(learners):
        user = make_learner(db.session, f"learner{i}@example.org")
        for lesson in lessons:
            questions = questions_of(db.session, lesson)
            scores = {q: float((i + j) % 2) for j, q in enumerate(questions)}
            selected = {q: [0 if score else 1 + (i % 2)] for q, score in scores.items()}
            add_attempt(db.session, user, lesson, scores, now - timedelta(days=i % 9), 1, selected)
            if i % 2:
                add_attempt(db.session, user, lesson, scores, now - timedelta(hours=i), 2, selected)
            for question in questions:
                card = add_card(
                    db.session,
                    user,
                    question,
                    due=now + timedelta(days=i % 14),
                    stability=5.0,
                    last_review=now - timedelta(days=1),
                )
                add_review(db.session, card, now - timedelta(days=i % 3))
    db.session.commit()


def test_course_dashboard_shows_statistics_flags_and_editor_links(client, auth, course, instructor):
    populate(course, learners=6, now=utcnow())
    auth.login(instructor.email)

    response = client.get(COURSE_URL)
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert re.search(r'id="learners-total">\s*6\s*<', html)
    assert re.search(r'id="active-30">\s*6\s*<', html)
    question = questions_of(db.session, course.lessons[0])[0]
    assert f'href="/instructor/questions/{question.id}/edit"' in html
    assert "Question 1.1" in html
    assert "style=" not in html
    assert html.count("<svg") == 1
    assert "/instructor/courses/stats-course/learners/" in html


def test_course_dashboard_of_a_course_nobody_took_yet(client, auth, course, instructor):
    auth.login(instructor.email)
    response = client.get(COURSE_URL)
    assert response.status_code == 200
    assert re.search(r'id="learners-total">\s*0\s*<', response.get_data(as_text=True))


def test_too_few_attempts_are_flagged_with_the_count(client, auth, course, instructor):
    lesson = course.lessons[0]
    q1, q2, _q3 = questions_of(db.session, lesson)
    add_attempt(
        db.session, make_learner(db.session, "x@example.org"), lesson, {q1: 1.0, q2: 0.0}, utcnow()
    )
    db.session.commit()
    auth.login(instructor.email)

    html = client.get(COURSE_URL, headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert 'class="badge text-bg-light flag-few"' in html
    assert re.search(r"flag-few\">[^<]*1[^<]*5", html)


def test_question_table_sorts_on_the_server(client, auth, course, instructor):
    lesson = course.lessons[0]
    q1, q2, q3 = questions_of(db.session, lesson)
    for i in range(3):
        user = make_learner(db.session, f"s{i}@example.org")
        add_attempt(db.session, user, lesson, {q1: 1.0, q2: 0.0, q3: float(i % 2)}, utcnow())
    db.session.commit()
    auth.login(instructor.email)

    html = client.get(COURSE_URL + "?sort=facility&order=desc").get_data(as_text=True)
    order = re.findall(r'id="question-(\d+)"', html)
    assert order[:3] == [str(q1.id), str(q3.id), str(q2.id)]
    assert 'aria-sort="descending"' in html
    # A bogus sort key falls back to the bank order instead of failing.
    assert client.get(COURSE_URL + "?sort=evil&order=sideways").status_code == 200


def test_learner_drill_down(client, auth, course, instructor):
    lesson = course.lessons[0]
    user = make_learner(db.session, "pupil@example.org")
    q1, q2, _q3 = questions_of(db.session, lesson)
    add_attempt(db.session, user, lesson, {q1: 1.0, q2: 0.0}, utcnow())
    db.session.commit()
    auth.login(instructor.email)

    html = client.get(f"{COURSE_URL}/learners/{user.id}").get_data(as_text=True)

    assert "pupil@example.org" in html
    assert "50 %" in html
    assert "<svg" in html


# Groups ------------------------------------------------------------------------------------


@pytest.fixture
def two_groups(course):
    """Ana in Mañana, Bea in Tarde, Carlos in no group; each submitted one attempt (Ana
    today, Bea 20 days ago, Carlos today)."""
    now = utcnow()
    lesson = course.lessons[0]
    q1, q2, _q3 = questions_of(db.session, lesson)
    morning = course_groups.create_group(db.session, course, "Mañana")
    afternoon = course_groups.create_group(db.session, course, "Tarde")
    people = {}
    for name, group, when in (
        ("ana", morning, now),
        ("bea", afternoon, now - timedelta(days=20)),
        ("carlos", None, now),
    ):
        user = make_learner(db.session, f"{name}@example.org")
        memberships.set_member(db.session, course, user, "learner", now)
        if group is not None:
            course_groups.set_learner_group(db.session, course, user.id, group.id)
        add_attempt(db.session, user, lesson, {q1: 1.0, q2: 0.0}, when)
        people[name] = user
    db.session.commit()
    return morning, afternoon, people


def test_the_dashboard_filters_its_learner_figures_by_group(
    client, auth, course, instructor, two_groups
):
    morning, afternoon, _people = two_groups
    auth.login(instructor.email)

    everyone = client.get(COURSE_URL).get_data(as_text=True)
    assert learner_emails(everyone) == ["ana@example.org", "bea@example.org", "carlos@example.org"]
    assert 'id="group-filter"' in everyone
    assert 'id="group-note"' not in everyone

    html = client.get(f"{COURSE_URL}?group={afternoon.id}").get_data(as_text=True)
    assert learner_emails(html) == ["bea@example.org"]
    assert re.search(r'id="learners-total">\s*1\s*<', html)
    assert re.search(r'id="active-7">\s*0\s*<', html)
    assert re.search(r'id="active-30">\s*1\s*<', html)
    assert f'<option value="{afternoon.id}" selected>Tarde</option>' in html
    assert "those of the group Tarde" in html
    # Completion stays "of the course's learners": 3 of 3 completed lesson 1.
    lesson_row = text_of(re.search(r"<th scope=\"row\">1\. Clase 1.*?</tr>", html, re.S)[0])
    assert lesson_row.split()[4:6] == ["3", "100"]  # completed, completion %
    # Links keep the group: the drill-down, the CSV, the sort headers.
    assert f"learners.csv?group={afternoon.id}" in html
    assert f"sort=attempts&amp;order=asc&amp;group={afternoon.id}" in html
    bea = _people["bea"]
    assert f"/learners/{bea.id}?group={afternoon.id}" in html


def test_the_learners_csv_and_the_drill_down_follow_the_group(
    client, auth, course, instructor, two_groups
):
    morning, _afternoon, people = two_groups
    auth.login(instructor.email)

    rows = read_csv(client.get(f"{COURSE_URL}/learners.csv?group={morning.id}"))
    assert [row[1] for row in rows[1:]] == ["ana@example.org"]
    response = client.get(f"{COURSE_URL}/learners.csv?group={morning.id}")
    assert f'learners-group-{morning.id}.csv"' in response.headers["Content-Disposition"]

    page = client.get(f"{COURSE_URL}/learners/{people['ana'].id}?group={morning.id}")
    assert page.status_code == 200
    assert f'href="{COURSE_URL}?group={morning.id}"' in page.get_data(as_text=True)
    # A learner of another group (or none) is not in this group's drill-down.
    assert (
        client.get(f"{COURSE_URL}/learners/{people['carlos'].id}?group={morning.id}").status_code
        == 404
    )


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1" * 30, "²"])
def test_a_group_the_course_does_not_have_is_a_404(client, auth, course, instructor, value):
    auth.login(instructor.email)
    for path in ("", "/learners.csv"):
        assert client.get(f"{COURSE_URL}{path}?group={value}").status_code == 404


def test_another_courses_group_is_a_404(client, auth, course, instructor):
    other = make_course(db.session, slug="other-course")
    group = course_groups.create_group(db.session, other, "Mañana")
    db.session.commit()
    auth.login(instructor.email)
    assert client.get(f"{COURSE_URL}?group={group.id}").status_code == 404


# Learner table pages and the dashboard cache -----------------------------------------------


def learner_emails(html: str) -> list[str]:
    return re.findall(
        r'<span class="d-block small text-body-secondary">([^<]+@example\.org)<', html
    )


def test_the_learner_table_is_paginated_and_the_csv_keeps_every_row(
    client, auth, course, instructor, monkeypatch
):
    monkeypatch.setattr(stats, "LEARNERS_PER_PAGE", 2)
    lesson = course.lessons[0]
    q1 = questions_of(db.session, lesson)[0]
    for name in "edcba":
        add_attempt(
            db.session, make_learner(db.session, f"{name}@example.org"), lesson, {q1: 1.0}, utcnow()
        )
    db.session.commit()
    auth.login(instructor.email)

    first = client.get(COURSE_URL).get_data(as_text=True)
    second = client.get(COURSE_URL + "?page=2&sort=facility&order=desc").get_data(as_text=True)
    beyond = client.get(COURSE_URL + "?page=99").get_data(as_text=True)

    assert learner_emails(first) == ["a@example.org", "b@example.org"]
    assert learner_emails(second) == ["c@example.org", "d@example.org"]
    assert learner_emails(beyond) == ["e@example.org"]
    assert re.search(r'id="learners-total">\s*5\s*<', second)
    assert "Learners 3–4 of 5, by email." in second
    assert '<span class="page-link" aria-current="page">2</span>' in second
    # Page links keep the question table's sort; sort links keep the page.
    assert (
        "/instructor/courses/stats-course?sort=facility&amp;order=desc&amp;page=3#learners-heading"
        in second
    )
    assert "page=2#questions-heading" in second
    rows = read_csv(client.get(COURSE_URL + "/learners.csv"))
    assert [row[1] for row in rows[1:]] == [f"{name}@example.org" for name in "abcde"]


def test_a_short_learner_table_has_no_page_links(client, auth, course, instructor):
    lesson = course.lessons[0]
    add_attempt(db.session, make_learner(db.session, "solo@example.org"), lesson, {}, utcnow())
    db.session.commit()
    auth.login(instructor.email)
    html = client.get(COURSE_URL).get_data(as_text=True)
    assert "learner-pages" not in html
    assert 'id="learners-shown"' not in html


@pytest.mark.parametrize("app_config", [{"DASHBOARD_CACHE_SECONDS": 60}])
def test_the_course_dashboard_is_cached_until_invalidated(client, auth, course, instructor):
    lesson = course.lessons[0]
    q1 = questions_of(db.session, lesson)[0]
    add_attempt(
        db.session, make_learner(db.session, "one@example.org"), lesson, {q1: 1.0}, utcnow()
    )
    db.session.commit()
    auth.login(instructor.email)
    assert re.search(r'id="learners-total">\s*1\s*<', client.get(COURSE_URL).get_data(as_text=True))

    add_attempt(
        db.session, make_learner(db.session, "two@example.org"), lesson, {q1: 1.0}, utcnow()
    )
    db.session.commit()
    cached = client.get(COURSE_URL).get_data(as_text=True)
    figures_cache.invalidate_course(course.id)
    fresh = client.get(COURSE_URL).get_data(as_text=True)

    assert re.search(r'id="learners-total">\s*1\s*<', cached)
    assert "Course stats-course" in cached  # the page renders from the cached figures
    assert re.search(r'id="learners-total">\s*2\s*<', fresh)


@pytest.mark.parametrize("app_config", [{"DASHBOARD_CACHE_SECONDS": 60}])
def test_the_cached_figures_are_kept_per_language(client, auth, course, instructor):
    auth.login(instructor.email)
    assert "Course dashboard" in client.get(COURSE_URL).get_data(as_text=True)
    spanish = client.get(COURSE_URL, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Panel del curso" in spanish


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "DASHBOARD_CACHE_SECONDS": 60,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:1/0",
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    ],
)
def test_an_unreachable_cache_renders_the_dashboard_uncached(client, auth, course, instructor):
    auth.login(instructor.email)
    response = client.get(COURSE_URL)
    assert response.status_code == 200
    assert "Course dashboard" in response.get_data(as_text=True)


# CSV exports ---------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_questions_csv(client, auth, course, instructor):
    lesson = course.lessons[0]
    q1, q2, q3 = questions_of(db.session, lesson)
    for name, scores, pick in (("u1", (1, 0, 1), 0), ("u2", (0, 0, 1), 2)):
        add_attempt(
            db.session,
            make_learner(db.session, f"{name}@example.org"),
            lesson,
            dict(zip((q1, q2, q3), map(float, scores), strict=True)),
            utcnow(),
            selected={q1: [pick]},
        )
    db.session.commit()
    auth.login(instructor.email)

    response = client.get(COURSE_URL + "/questions.csv")

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:5] == ["lesson", "question_id", "type", "title", "attempts"]
    assert rows[1] == [
        "1",
        "l1-q1",
        "single_choice",
        "Question 1.1",
        "2",
        "0.5",
        "",
        "too_few_attempts(2)",
        "A*=1; B=0; C=1",
    ]
    assert len(rows) == 1 + 6


def test_csv_exports_neutralise_formulas(client, auth, course, instructor):
    lesson = course.lessons[0]
    q1 = questions_of(db.session, lesson)[0]
    q1.title = '=HYPERLINK("http://evil.example","click")'
    names = ["+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "plain"]
    for i, name in enumerate(names):
        user = make_learner(db.session, f"w{i}@example.org")
        user.display_name = name
        add_attempt(db.session, user, lesson, {q1: 1.0}, utcnow())
    db.session.commit()
    auth.login(instructor.email)

    questions = read_csv(client.get(COURSE_URL + "/questions.csv"))
    assert questions[1][3] == "'" + '=HYPERLINK("http://evil.example","click")'

    learners = {row[1]: row[2] for row in read_csv(client.get(COURSE_URL + "/learners.csv"))[1:]}
    assert learners == {
        "w0@example.org": "'+cmd|' /C calc'!A0",
        "w1@example.org": "'-2+3",
        "w2@example.org": "'@SUM(A1)",
        "w3@example.org": "'\tTAB",
        "w4@example.org": "'\rCR",
        "w5@example.org": "plain",
    }


def test_learners_csv_content(client, auth, course, instructor):
    lesson = course.lessons[0]
    q1, q2, _q3 = questions_of(db.session, lesson)
    user = make_learner(db.session, "ana@example.org")
    add_attempt(db.session, user, lesson, {q1: 1.0, q2: 0.0}, utcnow() - timedelta(days=1))
    add_attempt(db.session, user, lesson, {q1: 1.0, q2: 1.0}, utcnow(), number=2)
    db.session.commit()
    auth.login(instructor.email)

    rows = read_csv(client.get(COURSE_URL + "/learners.csv"))

    assert rows[0] == [
        "user_id",
        "email",
        "name",
        "attempts",
        "lessons_completed",
        "mean_best_score",
        "reviews",
        "last_activity",
    ]
    assert rows[1][:7] == [str(user.id), "ana@example.org", "ana", "2", "1", "1.0", "0"]


# Bounded query counts ------------------------------------------------------------------


def measure(client, count_queries, path: str) -> int:
    db.session.expire_all()
    with count_queries:
        assert client.get(path).status_code == 200
    return len(count_queries)


def test_course_dashboard_query_count_does_not_grow_with_data(
    client, auth, course, instructor, count_queries
):
    lesson = course.lessons[0]
    q1, q2, _q3 = questions_of(db.session, lesson)
    add_attempt(
        db.session,
        make_learner(db.session, "one@example.org"),
        lesson,
        {q1: 1.0, q2: 0.0},
        utcnow(),
    )
    db.session.commit()
    auth.login(instructor.email)
    small = [
        measure(client, count_queries, COURSE_URL + suffix)
        for suffix in ("", "/questions.csv", "/learners.csv")
    ]

    populate(course, learners=30, now=utcnow())
    large = [
        measure(client, count_queries, COURSE_URL + suffix)
        for suffix in ("", "/questions.csv", "/learners.csv")
    ]

    assert small == large
    # The learner counts are one pass over the activity rows (13 statements before).
    assert small[0] <= 12


def test_learner_dashboard_query_count_does_not_grow_with_data(
    client, auth, course, learner, count_queries
):
    now = utcnow()
    lesson = course.lessons[0]
    q1, q2, _q3 = questions_of(db.session, lesson)
    add_attempt(db.session, learner, lesson, {q1: 1.0, q2: 0.0}, now)
    db.session.commit()
    auth.login(learner.email)
    small = measure(client, count_queries, "/dashboard")

    for number in range(2, 40):
        for each in course.lessons:
            questions = questions_of(db.session, each)
            add_attempt(
                db.session,
                learner,
                each,
                {q: float(number % 2) for q in questions},
                now - timedelta(days=number),
                number=number,
            )
    for each in course.lessons:
        for question in questions_of(db.session, each):
            card = add_card(
                db.session,
                learner,
                question,
                due=now + timedelta(days=question.id % 20),
                stability=3.0,
                last_review=now - timedelta(days=1),
            )
            for day in range(10):
                add_review(db.session, card, now - timedelta(days=day))
    db.session.commit()
    large = measure(client, count_queries, "/dashboard")

    assert small == large
    assert small <= 10


def test_only_text_cells_are_escaped():
    from quizapp.dashboard.csv_export import csv_text

    # Numbers the app computed (a negative discrimination) stay numbers for the spreadsheet.
    assert csv_text(["value"], [[-0.25], ["-0.25"], ["=1+1"], [""]]) == (
        "value\r\n-0.25\r\n'-0.25\r\n'=1+1\r\n\"\"\r\n"
    )
