"""The course dashboard and learner progress services against hand-computed figures.

The item-analysis data set (first submitted attempts, see tests/domain/test_statistics.py):

    learner  q1  q2  q3  total   q1 choice  q2 choice
    A         1   1   0    2        A          A
    B         1   0   1    2        A          B
    C         0   0   0    0        B          B
    D         1   1   1    3        A          A
    E         0   1   0    1        C          A

plus noise that item analysis must ignore: A's second attempt (all wrong) and F's first
attempt, never submitted. q4 has no answers.
"""

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from quizapp.extensions import db
from quizapp.services import item_analysis, progress, stats
from tests.factories import (
    add_attempt,
    add_card,
    add_review,
    make_course,
    make_learner,
    questions_of,
)

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)  # a Wednesday

MATRIX = {
    "a": (1, 1, 0),
    "b": (1, 0, 1),
    "c": (0, 0, 0),
    "d": (1, 1, 1),
    "e": (0, 1, 0),
}
Q1_CHOICE = {"a": 0, "b": 0, "c": 1, "d": 0, "e": 2}
Q2_CHOICE = {"a": 0, "b": 1, "c": 1, "d": 0, "e": 0}


@pytest.fixture
def course(app):
    return make_course(db.session, questions_per_lesson=4)


@pytest.fixture
def lesson(course):
    return course.lessons[0]


@pytest.fixture
def questions(lesson):
    return questions_of(db.session, lesson)


@pytest.fixture
def data_set(course, lesson, questions):
    q1, q2, q3, _q4 = questions
    learners = {}
    for offset, (name, scores) in enumerate(MATRIX.items()):
        user = make_learner(db.session, f"{name}@example.org")
        learners[name] = user
        add_attempt(
            db.session,
            user,
            lesson,
            dict(zip((q1, q2, q3), map(float, scores), strict=True)),
            submitted_at=NOW - timedelta(days=3, hours=offset),
            selected={q1: [Q1_CHOICE[name]], q2: [Q2_CHOICE[name]]},
        )
    add_attempt(
        db.session,
        learners["a"],
        lesson,
        {q1: 0.0, q2: 0.0, q3: 0.0},
        submitted_at=NOW - timedelta(days=1),
        number=2,
        selected={q1: [1], q2: [2]},
    )
    learners["f"] = make_learner(db.session, "f@example.org")
    add_attempt(db.session, learners["f"], lesson, {q1: 1.0, q2: 1.0, q3: 1.0}, submitted_at=None)
    db.session.flush()
    return learners


def by_external_id(dashboard_questions):
    return {item.question.external_id: item for item in dashboard_questions}


def test_facility_and_discrimination_from_first_submitted_attempts(course, data_set):
    items = by_external_id(item_analysis.question_statistics(db.session, course))
    # Facility: q1 = 3/5, q2 = 3/5, q3 = 2/5.
    assert items["l1-q1"].facility == pytest.approx(0.6)
    assert items["l1-q2"].facility == pytest.approx(0.6)
    assert items["l1-q3"].facility == pytest.approx(0.4)
    # Discrimination: 1/√2.4, 0, 0.6/√3.36 (hand computation in the domain test).
    assert items["l1-q1"].discrimination == pytest.approx(1 / math.sqrt(2.4))
    assert items["l1-q2"].discrimination == pytest.approx(0.0, abs=1e-9)
    assert items["l1-q3"].discrimination == pytest.approx(0.6 / math.sqrt(3.36))
    assert [items[f"l1-q{i}"].attempts for i in (1, 2, 3, 4)] == [5, 5, 5, 0]


def test_flags_on_the_data_set(course, data_set):
    items = by_external_id(item_analysis.question_statistics(db.session, course))
    assert not items["l1-q1"].flags.any
    assert not items["l1-q3"].flags.any
    assert items["l1-q4"].flags.too_few_attempts == 0
    assert items["l1-q4"].facility is None


def test_a_flashcard_is_never_flagged_for_too_few_attempts(course, questions):
    flashcard = questions[3]
    flashcard.type, flashcard.data, flashcard.choices = "flashcard", {"back": "Back"}, []
    db.session.flush()
    items = by_external_id(item_analysis.question_statistics(db.session, course))
    assert items["l1-q3"].flags.too_few_attempts == 0  # a quiz question: judged later
    assert not items["l1-q4"].flags.any


def test_a_question_label_is_its_prompt_as_plain_text(course, questions):
    question = questions[0]
    question.title = None
    question.prompt_md = "¿Qué devuelve `render_template`? Un ______ de **HTML**."
    assert item_analysis.question_title(question) == (
        "¿Qué devuelve render_template? Un ______ de HTML."
    )


def test_flags_too_easy_and_negative_discrimination(course, lesson, questions):
    q1, q2, q3, _q4 = questions
    # q1: everyone right (facility 1 > 0.95). q2 right only for the two weakest learners:
    # x = 0,0,0,1,1 against rest scores 2,2,1,1,1 → negative correlation.
    rows = [(1, 0, 1), (1, 0, 1), (1, 0, 0), (1, 1, 0), (1, 1, 0)]
    for i, scores in enumerate(rows):
        user = make_learner(db.session, f"n{i}@example.org")
        add_attempt(
            db.session,
            user,
            lesson,
            dict(zip((q1, q2, q3), map(float, scores), strict=True)),
            submitted_at=NOW,
        )
    items = by_external_id(item_analysis.question_statistics(db.session, course))
    assert items["l1-q1"].flags.too_easy
    assert items["l1-q1"].discrimination is None  # constant score: undefined, not flagged
    assert items["l1-q2"].flags.negative_discrimination
    assert items["l1-q2"].discrimination < 0


def test_distractor_counts_per_choice(course, data_set):
    items = by_external_id(item_analysis.question_statistics(db.session, course))
    q1 = [(c.label, c.is_correct, c.count) for c in items["l1-q1"].choices]
    assert q1 == [("A", True, 3), ("B", False, 1), ("C", False, 1)]
    assert [c.share for c in items["l1-q1"].choices] == pytest.approx([0.6, 0.2, 0.2])
    assert [c.count for c in items["l1-q2"].choices] == [3, 2, 0]
    assert [c.count for c in items["l1-q4"].choices] == [0, 0, 0]


def test_lesson_statistics_alpha_sd_and_completion(course, data_set):
    learners = stats.learner_table(db.session, course)
    [lesson] = stats.lesson_statistics(db.session, course, len(learners))
    # Cronbach's alpha = 3/2 · (1 - 0.9/1.3) = 6/13.
    assert lesson.alpha == pytest.approx(6 / 13)
    assert lesson.first_attempts == 5
    # First-attempt scores 2/3, 2/3, 0, 1, 1/3: mean 8/15, sample SD √1.3 / 3.
    assert lesson.first_mean == pytest.approx(8 / 15)
    assert lesson.first_sd == pytest.approx(math.sqrt(1.3) / 3)
    # Learners with a submitted attempt: A-E (F never submitted). Best scores: A's first.
    assert lesson.learners_completed == 5
    assert lesson.completion == pytest.approx(1.0)
    assert lesson.mean_best_score == pytest.approx(8 / 15)
    assert lesson.question_count == 4


def test_alpha_is_undefined_when_attempts_saw_different_questions(course, lesson, data_set):
    q1, q2, _q3, _q4 = questions_of(db.session, lesson)
    add_attempt(
        db.session, make_learner(db.session, "g@example.org"), lesson, {q1: 1.0, q2: 0.0}, NOW
    )
    [stats_row] = stats.lesson_statistics(db.session, course, 6)
    assert stats_row.first_attempts == 6
    assert stats_row.alpha is None


def test_sorting_the_question_table(course, data_set):
    questions = item_analysis.question_statistics(db.session, course)
    by_facility = item_analysis.sort_questions(questions, "facility", "asc")
    assert [q.question.external_id for q in by_facility] == ["l1-q3", "l1-q1", "l1-q2", "l1-q4"]
    by_discrimination = item_analysis.sort_questions(questions, "discrimination", "desc")
    assert [q.question.external_id for q in by_discrimination] == [
        "l1-q1",
        "l1-q3",
        "l1-q2",
        "l1-q4",  # no figure: last in either direction
    ]
    assert item_analysis.sort_questions(questions, "nonsense", "asc") == questions


def test_learner_table(course, lesson, data_set):
    card = add_card(db.session, data_set["c"], questions_of(db.session, lesson)[0], due=NOW)
    add_review(db.session, card, NOW - timedelta(hours=1))
    add_review(db.session, card, NOW - timedelta(hours=2), source="quiz")
    rows = {row.email: row for row in stats.learner_table(db.session, course)}
    assert sorted(rows) == [f"{name}@example.org" for name in "abcde"]
    assert rows["a@example.org"].attempts == 2
    assert rows["a@example.org"].lessons_completed == 1
    assert rows["a@example.org"].mean_best_score == pytest.approx(2 / 3)
    assert rows["a@example.org"].last_activity == NOW - timedelta(days=1)
    assert rows["c@example.org"].reviews == 1  # review-page reviews only
    assert rows["c@example.org"].last_activity == NOW - timedelta(hours=1)


def test_active_learners_in_the_last_7_and_30_days(course, lesson, questions):
    recent, older, gone, reviewer = (
        make_learner(db.session, f"{name}@example.org") for name in ("r", "o", "g", "v")
    )
    scores = {questions[0]: 1.0}
    add_attempt(db.session, recent, lesson, scores, NOW - timedelta(days=1))
    add_attempt(db.session, older, lesson, scores, NOW - timedelta(days=10))
    add_attempt(db.session, gone, lesson, scores, NOW - timedelta(days=40))
    card = add_card(db.session, reviewer, questions[0], due=NOW)
    add_review(db.session, card, NOW - timedelta(days=2))
    # Every learner with activity, then those active within 7 and 30 days.
    assert stats.learner_counts(db.session, course, NOW) == (4, 2, 3)


def test_course_dashboard_puts_it_together(course, data_set):
    dashboard = stats.course_dashboard(db.session, course, NOW, sort="attempts", order="desc")
    assert dashboard.active_7_days == 5  # A-E submitted 3 days ago (F never submitted)
    assert len(dashboard.learners) == 5
    assert [q.attempts for q in dashboard.questions] == [5, 5, 5, 0]


# Learner progress ---------------------------------------------------------------------


@pytest.fixture
def learner(app):
    return make_learner(db.session, "me@example.org", desired_retention=0.9)


def test_best_and_last_scores_per_lesson(course, lesson, questions, learner):
    q1, q2, _q3, _q4 = questions
    add_attempt(db.session, learner, lesson, {q1: 1.0, q2: 1.0}, NOW - timedelta(days=2))
    add_attempt(db.session, learner, lesson, {q1: 1.0, q2: 0.0}, NOW - timedelta(days=1), number=2)
    add_attempt(db.session, learner, lesson, {q1: 0.0, q2: 0.0}, None, number=3)  # in progress
    found = progress.learner_progress(db.session, learner, NOW)
    [item] = found.lessons
    assert (item.attempts, item.best_score, item.last_score) == (2, 1.0, 0.5)
    assert item.question_count == 4


def test_a_lessons_question_count_is_its_active_questions_that_become_cards(
    course, lesson, questions, learner
):
    """Mastery's denominator, counted per listed lesson: a retired question and one of a
    type that never becomes a card (a description) are left out, and another lesson's
    or course's questions never count."""
    q1, q2, q3, _q4 = questions
    q1.retired_at = NOW - timedelta(days=3)
    q2.type = "description"
    make_course(db.session, slug="other-course", lessons=2, questions_per_lesson=5)
    add_attempt(db.session, learner, lesson, {q3: 1.0}, NOW - timedelta(days=1))
    db.session.flush()
    [item] = progress.learner_progress(db.session, learner, NOW).lessons
    assert item.question_count == 2


def test_a_learner_without_activity_sees_no_lessons(course, learner):
    found = progress.learner_progress(db.session, learner, NOW)
    assert found.lessons == []
    assert found.due_today == 0
    assert found.streak == 0


def test_mastery_counts_review_cards_still_remembered(course, lesson, questions, learner):
    q1, q2, q3, _q4 = questions
    # Stability 10 days, reviewed yesterday: R ≈ 0.99 ≥ 0.9 → mastered.
    add_card(
        db.session,
        learner,
        q1,
        NOW + timedelta(days=9),
        stability=10,
        last_review=NOW - timedelta(days=1),
    )
    # Reviewed 30 days ago with stability 10: R < 0.9 → forgotten by now.
    add_card(
        db.session,
        learner,
        q2,
        NOW - timedelta(days=20),
        stability=10,
        last_review=NOW - timedelta(days=30),
    )
    # Still learning: not mastered whatever its retrievability.
    add_card(
        db.session, learner, q3, NOW, state=1, stability=10, last_review=NOW - timedelta(hours=1)
    )
    [item] = progress.learner_progress(db.session, learner, NOW).lessons
    assert item.mastered == 1
    assert item.mastery == pytest.approx(1 / 4)


def test_retrievability_is_fsrs_forgetting_curve():
    last = NOW - timedelta(days=10)
    # At elapsed time = stability, FSRS's curve gives exactly 90 %.
    assert progress.card_retrievability(10.0, last, NOW) == pytest.approx(0.9)


def test_due_today_and_forecast(course, lesson, questions, learner):
    q1, q2, q3, q4 = questions
    add_card(db.session, learner, q1, due=NOW - timedelta(days=3))  # overdue → today
    add_card(db.session, learner, q2, due=NOW + timedelta(hours=10))  # 20:00 today
    add_card(db.session, learner, q3, due=NOW + timedelta(days=1))
    add_card(db.session, learner, q4, due=NOW + timedelta(days=14))  # beyond the 14 days
    found = progress.learner_progress(db.session, learner, NOW)
    assert found.due_today == 2
    assert len(found.forecast) == 14
    assert found.forecast[0] == (date(2025, 3, 12), 2)
    assert found.forecast[1] == (date(2025, 3, 13), 1)
    assert sum(count for _day, count in found.forecast) == 3


def test_suspended_cards_are_not_due_and_buried_ones_are_due_when_they_come_back(
    course, lesson, questions, learner
):
    q1, q2, q3, q4 = questions
    add_card(db.session, learner, q1, due=NOW - timedelta(days=3))  # due today
    suspended = add_card(db.session, learner, q2, due=NOW - timedelta(days=1))
    suspended.suspended_at = NOW - timedelta(hours=2)
    buried = add_card(db.session, learner, q3, due=NOW - timedelta(hours=1))
    buried.buried_until = datetime(2025, 3, 13, tzinfo=UTC)  # back tomorrow
    unburied = add_card(db.session, learner, q4, due=NOW - timedelta(days=2))
    unburied.buried_until = NOW - timedelta(hours=3)  # buried yesterday, back today
    db.session.flush()
    found = progress.learner_progress(db.session, learner, NOW)
    assert found.due_today == 2
    assert found.forecast[1] == (date(2025, 3, 13), 1)
    assert sum(count for _day, count in found.forecast) == 3


def test_day_streak_counts_quizzes_and_reviews(course, lesson, questions, learner):
    scores = {questions[0]: 1.0}
    add_attempt(db.session, learner, lesson, scores, NOW - timedelta(hours=1))  # today
    card = add_card(db.session, learner, questions[1], due=NOW)
    add_review(db.session, card, NOW - timedelta(days=1))  # yesterday
    add_review(db.session, card, NOW - timedelta(days=2, hours=2))  # the day before
    add_attempt(db.session, learner, lesson, scores, NOW - timedelta(days=5), number=2)
    assert progress.learner_progress(db.session, learner, NOW).streak == 3


def test_weekly_accuracy(course, lesson, questions, learner):
    q1, q2, q3, _q4 = questions
    # This week (from Monday 10 March): 2 of 3 right. Last week: 0 of 1.
    add_attempt(db.session, learner, lesson, {q1: 1.0, q2: 1.0, q3: 0.0}, NOW - timedelta(days=1))
    add_attempt(db.session, learner, lesson, {q1: 0.0}, NOW - timedelta(days=7), number=2)
    weeks = progress.learner_progress(db.session, learner, NOW).accuracy
    assert len(weeks) == progress.ACCURACY_WEEKS
    assert weeks[-1].week_start == date(2025, 3, 10)
    assert (weeks[-1].answers, weeks[-1].accuracy) == (3, pytest.approx(2 / 3))
    assert (weeks[-2].answers, weeks[-2].accuracy) == (1, 0.0)
    assert weeks[0].accuracy is None


# Learner table pages and the dashboard cache ---------------------------------------------


def test_a_dashboard_page_holds_only_its_learners(course, data_set):
    every = stats.learner_table(db.session, course)

    second = stats.course_dashboard(db.session, course, NOW, page=2, per_page=2)

    assert [row.email for row in second.learners] == ["c@example.org", "d@example.org"]
    assert second.learners == every[2:4]
    assert (second.learner_count, second.learner_page, second.learner_pages) == (5, 2, 3)
    # Completion still divides by every learner, not by the page's.
    assert second.lessons == stats.course_dashboard(db.session, course, NOW).lessons


@pytest.mark.parametrize(("asked", "shown", "emails"), [(0, 1, "ab"), (9, 3, "e"), (-4, 1, "ab")])
def test_a_page_out_of_range_shows_the_nearest_one(course, data_set, asked, shown, emails):
    dashboard = stats.course_dashboard(db.session, course, NOW, page=asked, per_page=2)
    assert dashboard.learner_page == shown
    assert [row.email for row in dashboard.learners] == [f"{n}@example.org" for n in emails]


def test_a_course_without_learners_has_one_empty_page(course):
    dashboard = stats.course_dashboard(db.session, course, NOW, page=1)
    assert (dashboard.learners, dashboard.learner_count, dashboard.learner_pages) == ([], 0, 1)
