"""Essays graded by hand and descriptions shown but not counted, at the service level:
pending at submission, queued for the course's staff only, settled when graded."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Card, Question
from quizapp.models.types import utcnow
from quizapp.services import manual_grading, quiz_submission, quizzes
from quizapp.services.attempt_results import attempt_results
from quizapp.services.manual_grading import GradingError, QueueFilter
from tests.factories import answer_to, make_essay_course


@pytest.fixture
def course(essay_course):
    return essay_course


@pytest.fixture
def lesson(course):
    return course.lessons[0]


def _submit(learner, lesson, essay="Flask es pequeño y se extiende.", choice=0):
    attempt = quizzes.start_attempt(db.session, learner.id, lesson, utcnow(), seed=3)
    responses = {answer_to(attempt, "l1-q1").id: choice, answer_to(attempt, "l1-essay").id: essay}
    quiz_submission.submit_attempt(db.session, attempt, responses, utcnow())
    db.session.commit()
    return attempt


def test_descriptions_are_shown_in_their_place_but_not_counted(lesson, make_user):
    attempt = quizzes.start_attempt(db.session, make_user().id, lesson, utcnow(), seed=3)
    shown = [answer.question.external_id for answer in attempt.answers]
    # The case text opens the questions it introduces, whatever their shuffled order; the
    # closing text, with nothing after it, ends the quiz.
    assert shown[0] == "l1-caso"
    assert shown[-1] == "l1-cierre"
    assert sorted(shown[1:3]) == ["l1-essay", "l1-q1"]
    assert attempt.question_count == 2
    assert quizzes.question_count(db.session, lesson) == 2


def test_a_written_essay_leaves_the_attempt_pending_with_a_floor_score(lesson, make_user):
    attempt = _submit(make_user(), lesson)
    assert attempt.pending_answers == 1
    assert attempt.score == pytest.approx(0.5)  # the right choice; the essay counts 0 for now
    essay, case = answer_to(attempt, "l1-essay"), answer_to(attempt, "l1-caso")
    assert (essay.awaiting_grade, essay.score, essay.is_correct) == (True, None, None)
    assert essay.response == "Flask es pequeño y se extiende."
    assert (case.awaiting_grade, case.score, case.is_correct) == (False, None, None)
    results = {r.question["id"]: r for r in attempt_results(attempt)}
    assert results["l1-essay"].pending
    assert not results["l1-caso"].scored


def test_a_blank_essay_scores_zero_and_awaits_nothing(lesson, make_user):
    attempt = _submit(make_user(), lesson, essay="")
    assert attempt.pending_answers == 0
    assert answer_to(attempt, "l1-essay").score == 0.0


def test_essays_and_descriptions_never_become_cards(lesson, make_user):
    learner = make_user()
    _submit(learner, lesson)
    kinds = db.session.scalars(
        sa.select(Question.type)
        .join(Card, Card.question_id == Question.id)
        .where(Card.user_id == learner.id)
    )
    assert set(kinds) == {"single_choice"}


def test_the_queue_lists_pending_essays_by_lesson_question_or_learner(course, lesson, make_user):
    first, second = make_user(), make_user()
    _submit(first, lesson)
    _submit(second, lesson)
    queue = manual_grading.grading_queue(db.session, course)
    assert [item.learner.id for item in queue] == [first.id, second.id]
    assert queue[0].response == "Flask es pequeño y se extiende."
    assert queue[0].question["grader_notes"] == "Núcleo pequeño y extensiones."
    essay_id = queue[0].answer.question_id
    assert len(manual_grading.grading_queue(db.session, course, QueueFilter(lesson.id))) == 2
    by_question = QueueFilter(question_id=essay_id)
    assert len(manual_grading.grading_queue(db.session, course, by_question)) == 2
    by_learner = QueueFilter(user_id=second.id)
    assert [i.learner.id for i in manual_grading.grading_queue(db.session, course, by_learner)] == [
        second.id
    ]
    choices = manual_grading.queue_choices(db.session, course)
    assert [label for _id, label in choices["lessons"]] == ["1. Clase 1"]


def test_staff_attempts_never_reach_the_queue(course, lesson, make_user, enrol):
    assistant = make_user()
    enrol(assistant, course.slug, role="assistant")
    _submit(assistant, lesson)
    _submit(make_user("admin"), lesson)
    assert manual_grading.grading_queue(db.session, course) == []


def test_grading_the_last_essay_settles_the_attempt(course, lesson, make_user):
    learner, grader = make_user(), make_user("instructor")
    attempt = _submit(learner, lesson)
    (item,) = manual_grading.grading_queue(db.session, course)
    now = utcnow()
    manual_grading.grade_answer(
        db.session, course, item.answer.id, 0.8, "  Bien, falta Werkzeug.  ", grader.id, now
    )
    db.session.commit()
    db.session.refresh(attempt)
    assert attempt.pending_answers == 0
    assert attempt.score == pytest.approx((1.0 + 0.8) / 2)
    essay = answer_to(attempt, "l1-essay")
    assert (essay.score, essay.is_correct, essay.awaiting_grade) == (0.8, False, False)
    assert (essay.grader_comment, essay.graded_by_id) == ("Bien, falta Werkzeug.", grader.id)
    assert manual_grading.grading_queue(db.session, course) == []
    result = next(r for r in attempt_results(attempt) if r.question["id"] == "l1-essay")
    assert (result.pending, result.graded_by_hand, result.comment) == (
        False,
        True,
        "Bien, falta Werkzeug.",
    )


def test_a_graded_essay_can_be_graded_again(course, lesson, make_user):
    attempt = _submit(make_user(), lesson)
    grader = make_user("instructor")
    answer_id = answer_to(attempt, "l1-essay").id
    manual_grading.grade_answer(db.session, course, answer_id, 1, None, grader.id, utcnow())
    manual_grading.grade_answer(
        db.session, course, answer_id, 0.5, "Mejor no.", grader.id, utcnow()
    )
    db.session.commit()
    db.session.refresh(attempt)
    assert attempt.score == pytest.approx(0.75)


@pytest.mark.parametrize("score", [-0.1, 1.5, "0.5", None, True, float("nan")])
def test_a_grade_outside_0_to_1_is_refused_and_nothing_changes(course, lesson, make_user, score):
    attempt = _submit(make_user(), lesson)
    answer_id = answer_to(attempt, "l1-essay").id
    with pytest.raises(GradingError):
        manual_grading.grade_answer(
            db.session, course, answer_id, score, None, make_user("instructor").id, utcnow()
        )
    db.session.rollback()
    assert db.session.get(Answer, answer_id).awaiting_grade is True


def test_an_answer_of_another_course_or_an_auto_graded_one_is_not_found(course, lesson, make_user):
    attempt = _submit(make_user(), lesson)
    other = make_essay_course(db.session, slug="otro")
    grader = make_user("instructor").id
    essay_id = answer_to(attempt, "l1-essay").id
    with pytest.raises(LookupError):
        manual_grading.grade_answer(db.session, other, essay_id, 1, None, grader, utcnow())
    choice_id = answer_to(attempt, "l1-q1").id
    with pytest.raises(LookupError):
        manual_grading.grade_answer(db.session, course, choice_id, 1, None, grader, utcnow())
