"""The course dashboard's question table, whose cells are formatted once per page
(quizapp/dashboard/question_table.py): each shows what Jinja's own `url_for`, `truncate`
and number formatting would have shown for that row."""

import re

import pytest
import sqlalchemy as sa
from flask import render_template_string, url_for

from quizapp.dashboard import question_table
from quizapp.extensions import db
from quizapp.models import Choice
from quizapp.models.types import utcnow
from quizapp.services import item_analysis, memberships
from tests.factories import add_attempt, make_course, make_learner, questions_of

COURSE_URL = "/instructor/courses/stats-course"
LONG_CHOICE = (
    "**Una opción** larga con `código` y palabras suficientes para pasar de sesenta "
    "caracteres de texto visible"
)


@pytest.fixture
def course(app):
    course = make_course(db.session, lessons=2, questions_per_lesson=3)
    question = questions_of(db.session, course.lessons[0])[0]
    choice = db.session.scalar(
        sa.select(Choice).where(Choice.question_id == question.id, Choice.position == 1)
    )
    choice.text_md = LONG_CHOICE
    for i in range(3):
        learner = make_learner(db.session, f"taker{i}@example.org")
        for lesson in course.lessons:
            scores = {q: float((i + j) % 2) for j, q in enumerate(questions_of(db.session, lesson))}
            selected = {q: [0 if score else 1] for q, score in scores.items()}
            add_attempt(db.session, learner, lesson, scores, utcnow(), 1, selected)
    db.session.commit()
    return course


def test_each_row_links_to_the_urls_url_for_builds(app, course):
    with app.test_request_context():
        stats = item_analysis.question_statistics(db.session, course)
        rows = question_table.question_rows(stats, can_edit=True)
        assert [row.question_id for row in rows] == [item.question.id for item in stats]
        for row in rows:
            assert row.edit_url == url_for("author.edit_question", question_id=row.question_id)
            assert row.regrade_url == url_for("grading.regrade", question_id=row.question_id)
        assert all(
            row.edit_url is None and row.regrade_url is None
            for row in question_table.question_rows(stats, can_edit=False)
        )


def test_cells_are_formatted_as_the_template_filters_did(app, course):
    with app.test_request_context():
        stats = item_analysis.question_statistics(db.session, course)
        rows = question_table.question_rows(stats, can_edit=True)
        for item, row in zip(stats, rows, strict=True):
            expected = render_template_string(
                "{{ '—' if f is none else '%.*f' | format(2, f) }}|"
                "{{ '—' if d is none else '%.*f' | format(2, d) }}",
                f=item.facility,
                d=item.discrimination,
            )
            assert f"{row.facility}|{row.discrimination}" == expected
            for choice, cell in zip(item.choices, row.choices, strict=True):
                assert cell.hint == render_template_string(
                    "{{ t | plain_text | truncate(60) }}", t=choice.text_md
                )
                share = "" if choice.share is None else f" ({round(choice.share * 100)} %)"
                assert cell.figure == f"{choice.count}{share}"
    long_hint = next(c.hint for row in rows for c in row.choices if c.hint.startswith("Una"))
    assert long_hint.endswith("...")
    assert "**" not in long_hint
    assert len(long_hint) <= question_table.CHOICE_HINT_LENGTH


def test_the_page_shows_the_rows_and_an_assistant_gets_no_edit_links(
    client, auth, course, make_user
):
    instructor = make_user("instructor")
    assistant = make_user("learner")
    memberships.set_member(db.session, course, assistant, "assistant", utcnow())
    db.session.commit()
    question = questions_of(db.session, course.lessons[0])[0]

    auth.login(instructor.email)
    html = client.get(COURSE_URL, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'href="/instructor/questions/{question.id}/edit">Question 1.1</a>' in html
    assert f'href="/instructor/questions/{question.id}/regrade">Regrade' in html
    assert re.search(
        r"<span class=\"fw-semibold\">A</span> <span class=\"text-success\">"
        r"\(correct\)</span>:\s*\d+ \(\d+ %\)",
        html,
    )
    assert "— Una opción larga con código" in html
    auth.logout()

    auth.login(assistant.email)
    html = client.get(COURSE_URL, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Question 1.1" in html
    assert "/edit" not in html
    assert "/regrade" not in html


@pytest.mark.parametrize("group", [None, 7])
def test_the_learner_links_pattern_builds_what_url_for_builds(app, group):
    with app.test_request_context():
        pattern = question_table.UrlPattern(
            "dashboard.learner_detail", "user_id", course_slug="stats-course", group=group
        )
        for user_id in (1, 42, 987654321, 123456789012):
            assert pattern(user_id) == url_for(
                "dashboard.learner_detail",
                course_slug="stats-course",
                user_id=user_id,
                group=group,
            )
