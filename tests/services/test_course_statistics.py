"""The maintained course statistics (quizapp.services.course_statistics) and learner
activity (quizapp.services.learner_activity) always equal a full recomputation from the
answers and review logs: after seeded random submissions (through the quiz service),
second attempts, staff previews, review-page ratings and their undo, removals, re-adds,
role changes and an admin, in any order; and `quizapp stats rebuild` restores them."""

import contextlib
import random

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, Course, ItemStatistic, LearnerActivity, LessonStatistic
from quizapp.models.types import utcnow
from quizapp.services import (
    accounts,
    course_statistics,
    learner_activity,
    memberships,
    quiz_submission,
    quizzes,
    ratings,
)
from quizapp.services.simulated_history import simulate_course_history
from tests.factories import make_course, make_learner


def _assert_equal_to_recomputation(course: Course) -> None:
    db.session.flush()
    kept = course_statistics.maintained(db.session, course)
    fresh = course_statistics.contribution(db.session, course)
    assert kept.choices == fresh.choices
    assert set(kept.items) == set(fresh.items)
    for key, item in fresh.items.items():
        assert kept.items[key].n == item.n
        assert tuple(vars(kept.items[key]).values()) == pytest.approx(tuple(vars(item).values()))
    assert set(kept.tests) == set(fresh.tests)
    for lesson_id, sums in fresh.tests.items():
        assert kept.tests[lesson_id][0] == sums[0]
        assert kept.tests[lesson_id] == pytest.approx(sums)
    assert set(kept.completion) == set(fresh.completion)
    for lesson_id, (completed, best_sum) in fresh.completion.items():
        assert kept.completion[lesson_id][0] == completed
        assert kept.completion[lesson_id][1] == pytest.approx(best_sum)
    assert learner_activity.maintained(db.session, course) == learner_activity.activity(
        db.session, course
    )


def _rate_or_undo(rng: random.Random, user) -> None:
    """A review-page rating of one of the user's cards (made by their quizzes), or the
    undo of their last one."""
    cards = db.session.scalars(sa.select(Card.id).where(Card.user_id == user.id)).all()
    if rng.random() < 0.3:
        with contextlib.suppress(ratings.NothingToUndo):
            ratings.undo_last_rating(db.session, user.id)
    elif cards:
        ratings.rate_card(db.session, user.id, rng.choice(cards), rng.randint(1, 4), utcnow())


def _take_quiz(rng: random.Random, user, lesson) -> None:
    """Starts and submits a quiz through the service, answering each question at random
    (right, wrong or blank); the course's staff take it as a preview, as the quiz page
    starts it for them."""
    membership = memberships.find_membership(db.session, lesson.course, user)
    staff = (
        membership is not None and membership.removed_at is None and membership.role != "learner"
    )
    attempt = quizzes.start_attempt(
        db.session, user.id, lesson, utcnow(), seed=rng.randrange(99), preview=staff
    )
    responses = {}
    for answer in attempt.answers:
        pick = rng.choice([0, 1, 2, None])
        if pick is not None:
            responses[answer.id] = pick
    quiz_submission.submit_attempt(db.session, attempt, responses, utcnow())


@pytest.fixture
def course(app):
    course = make_course(db.session, lessons=2, questions_per_lesson=4, choices=3)
    db.session.commit()
    return course


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_maintained_statistics_equal_a_recomputation_whatever_happens(course, seed):
    rng = random.Random(seed)
    now = utcnow()
    people = [make_learner(db.session, f"p{seed}-{i}@example.org") for i in range(7)]
    instructor = make_learner(db.session, f"t{seed}@example.org", role="instructor")
    memberships.set_member(db.session, course, instructor, "instructor", now)
    for person in people[:5]:
        memberships.set_member(db.session, course, person, "learner", now)
    # people[5] and people[6] are not members: in a public course their answers count.
    everyone = [*people, instructor]
    for step in range(40):
        action = rng.random()
        # The instructor only previews quizzes (the course keeps its instructor).
        person = rng.choice(everyone if action < 0.5 else people)
        if action < 0.5:
            _take_quiz(rng, person, rng.choice(course.lessons))
        elif action < 0.6:
            _rate_or_undo(rng, person)
        elif action < 0.7:
            memberships.remove_member(db.session, course, person.id, now)
        elif action < 0.8:
            memberships.set_member(db.session, course, person, "learner", now)
        elif action < 0.85:
            memberships.set_member(db.session, course, person, "assistant", now)
        elif action < 0.9:
            accounts.set_role(db.session, person, rng.choice(["admin", "learner"]))
        else:
            membership = memberships.find_membership(db.session, course, person)
            if membership is not None and membership.role == "learner":
                memberships.leave(db.session, course, person, now)
        if step % 10 == 9:
            _assert_equal_to_recomputation(course)
    db.session.commit()
    _assert_equal_to_recomputation(course)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemStatistic)) > 0
    assert db.session.scalar(sa.select(sa.func.max(LearnerActivity.reviews))) > 0


def test_a_removed_learner_leaves_the_figures_and_a_re_add_brings_them_back(course):
    learner = make_learner(db.session, "gone@example.org")
    memberships.set_member(db.session, course, learner, "learner", utcnow())
    _take_quiz(random.Random(5), learner, course.lessons[0])
    lesson_id = course.lessons[0].id

    def first_attempts() -> int:
        row = db.session.get(LessonStatistic, lesson_id)
        db.session.refresh(row)
        return row.first_n

    assert first_attempts() == 1
    memberships.remove_member(db.session, course, learner.id, utcnow())
    assert first_attempts() == 0
    memberships.set_member(db.session, course, learner, "learner", utcnow())
    assert first_attempts() == 1
    _assert_equal_to_recomputation(course)


def test_staff_previews_never_count(course):
    instructor = make_learner(db.session, "teach@example.org", role="instructor")
    memberships.set_member(db.session, course, instructor, "instructor", utcnow())
    _take_quiz(random.Random(6), instructor, course.lessons[0])
    db.session.commit()
    assert course_statistics.maintained(db.session, course).items == {}


def test_rebuild_restores_the_statistics_from_the_answers(course, runner):
    rng = random.Random(7)
    for i in range(4):
        _take_quiz(rng, make_learner(db.session, f"r{i}@example.org"), course.lessons[i % 2])
    db.session.commit()
    expected = course_statistics.maintained(db.session, course)
    db.session.execute(sa.update(ItemStatistic).values(n=0))  # as if damaged
    db.session.execute(sa.delete(LearnerActivity))
    db.session.commit()
    result = runner.invoke(args=["stats", "rebuild", "--course", course.slug])
    assert result.exit_code == 0, result.output
    assert f"{course.slug}: 16 analysed responses" in result.output
    assert "4 users with activity" in result.output
    db.session.rollback()
    assert course_statistics.maintained(db.session, course).items == pytest.approx(expected.items)
    _assert_equal_to_recomputation(course)


def test_rebuild_of_an_unknown_course_fails_clearly(runner):
    result = runner.invoke(args=["stats", "rebuild", "--course", "nope"])
    assert result.exit_code == 1
    assert "no course 'nope'" in result.output


def test_an_undone_rating_takes_its_review_out_of_the_learner_activity(course):
    learner = make_learner(db.session, "undo@example.org")
    _take_quiz(random.Random(8), learner, course.lessons[0])
    card = db.session.scalars(sa.select(Card.id).where(Card.user_id == learner.id)).first()
    ratings.rate_card(db.session, learner.id, card, 3, utcnow())
    assert learner_activity.maintained(db.session, course)[learner.id][1] == 1
    ratings.undo_last_rating(db.session, learner.id)
    assert learner_activity.maintained(db.session, course)[learner.id][1] == 0
    _assert_equal_to_recomputation(course)


def test_a_simulated_history_shows_in_the_learner_activity(course):
    learner = make_learner(db.session, "simulated@example.org")
    simulate_course_history(db.session, learner.id, course, utcnow(), 5, seed=2)
    assert learner_activity.maintained(db.session, course)[learner.id][1] > 0
    _assert_equal_to_recomputation(course)
