"""Essay (graded by hand) and description (nothing to answer): what the registry says of
them, how an essay response grades, and where each type may appear."""

import pytest

from quizapp.domain.questions.registry import (
    describe_right_answer,
    grade_response,
    in_deck,
    in_quiz,
    is_gradable,
    is_scored,
    normalise_question,
    question_to_yaml,
    response_problem,
    validate_question,
)

ESSAY = normalise_question(
    {
        "id": "e",
        "type": "essay",
        "prompt": "¿Por qué Flask es un microframework?",
        "max_words": 5,
        "grader_notes": "Núcleo pequeño, extensiones.",
    }
)
DESCRIPTION = normalise_question({"id": "d", "type": "description", "prompt": "Un caso."})


@pytest.mark.parametrize(
    ("qtype", "gradable", "scored", "quiz", "deck"),
    [
        ("single_choice", True, True, True, True),
        ("essay", False, True, True, False),
        ("description", False, False, True, False),
        ("flashcard", False, False, False, True),
        ("nonsense", False, False, False, False),
    ],
)
def test_each_kind_of_type_appears_where_it_belongs(qtype, gradable, scored, quiz, deck):
    assert (is_gradable(qtype), is_scored(qtype), in_quiz(qtype), in_deck(qtype)) == (
        gradable,
        scored,
        quiz,
        deck,
    )


def test_a_written_essay_is_pending_and_scores_nothing_yet():
    result = grade_response(ESSAY, "Porque trae lo mínimo.")
    assert (result.pending, result.score, result.correct) == (True, 0.0, False)


@pytest.mark.parametrize("response", [None, "", "   ", 3, ["x"]])
def test_a_blank_or_garbage_essay_scores_zero_with_nothing_to_grade(response):
    result = grade_response(ESSAY, response)
    assert (result.pending, result.score) == (False, 0.0)


def test_the_word_limit_is_a_response_problem_not_a_grading_error():
    assert response_problem(ESSAY, "uno dos tres cuatro cinco") is None
    assert response_problem(ESSAY, "uno dos tres cuatro cinco seis") == (
        "the answer has 6 words; the limit is 5"
    )
    assert grade_response(ESSAY, "uno dos tres cuatro cinco seis").pending is True


def test_learners_never_see_the_grader_notes_as_a_right_answer():
    assert describe_right_answer(ESSAY) == ""


def test_a_description_has_nothing_to_grade():
    with pytest.raises(ValueError, match="nothing to grade"):
        grade_response(DESCRIPTION, "x")


def test_essay_keys_in_yaml_are_only_those_set():
    assert question_to_yaml(ESSAY) == {
        "id": "e",
        "type": "essay",
        "prompt": "¿Por qué Flask es un microframework?",
        "max_words": 5,
        "grader_notes": "Núcleo pequeño, extensiones.",
    }
    assert question_to_yaml(DESCRIPTION) == {"id": "d", "type": "description", "prompt": "Un caso."}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"max_words": 0}, "max_words: must be a whole number of words, at least 1"),
        ({"max_words": "diez"}, "max_words: must be a whole number of words, at least 1"),
        ({"max_words": 2, "response_template": "uno dos tres"}, "over the word limit"),
        ({"answer": "x"}, "unknown key 'answer'"),
    ],
)
def test_a_broken_essay_is_reported(raw, message):
    problems = validate_question({"id": "e", "type": "essay", "prompt": "P", **raw})
    assert any(message in problem for problem in problems), problems


def test_a_description_takes_no_answer_keys():
    problems = validate_question({"id": "d", "type": "description", "prompt": "P", "back": "x"})
    assert problems == ["unknown key 'back'"]


def test_a_yaml_word_limit_written_as_a_float_is_still_whole_words():
    question = normalise_question({"id": "e", "type": "essay", "prompt": "P", "max_words": 300.0})
    assert question["max_words"] == 300
    assert isinstance(question["max_words"], int)


@pytest.mark.parametrize(
    ("drawn", "placed"),
    [
        # Lesson order: d1, q1, q2, d2, q3, d3 — d1 introduces q1 and q2, d2 introduces q3.
        ([1, 2, 3], [10, 1, 2, 20, 3, 30]),
        ([2, 3, 1], [10, 2, 20, 3, 1, 30]),
        ([3, 2, 1], [20, 3, 10, 2, 1, 30]),
        # q1 and q2 not drawn: d1 goes with d2's questions.
        ([3], [10, 20, 3, 30]),
        # q3 not drawn: d2 has nothing left to introduce and closes the quiz with d3.
        ([2, 1], [10, 2, 1, 20, 30]),
    ],
)
def test_a_description_comes_before_the_first_asked_of_its_questions(drawn, placed):
    from quizapp.domain.quiz_layout import place_descriptions

    assert place_descriptions(drawn, [10, 1, 2, 20, 3, 30], {10, 20, 30}) == placed
