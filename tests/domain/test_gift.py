"""GIFT import and export: one behaviour per test, then a write→parse round-trip property."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.domain.formats.base import ExportCourse, ExportLesson
from quizapp.domain.formats.gift import parse_gift, write_gift, write_gift_file
from quizapp.domain.formats.gift_write import Inexpressible, render_question
from quizapp.domain.questions.registry import validate_question


def parse_one(text: str) -> dict:
    result = parse_gift(text, "bank.gift")
    assert result.errors == []
    (question,) = result.questions
    return question


# --- structure: comments, titles, categories, ids, tags ---------------------------------


def test_questions_have_the_bank_keys_in_order_plus_category():
    question = parse_one("::T::Q?{=a ~b}")
    assert list(question) == [
        "id",
        "type",
        "title",
        "prompt",
        "choices",
        "explanation",
        "tags",
        "section",
        "lesson",
        "category",
    ]


def test_comment_lines_are_ignored():
    question = parse_one("// a comment\nWho?{=Me ~You}\n// another one\n")
    assert question["prompt"] == "Who?"


def test_title_is_read_and_escaped_colon_kept():
    question = parse_one("::Capitals\\: Europe::Capital of France?{=Paris ~Rome}")
    assert question["title"] == "Capitals: Europe"
    assert question["prompt"] == "Capital of France?"


def test_category_applies_to_the_questions_that_follow():
    result = parse_gift("$CATEGORY: a/b\n\nQ1{T}\n\n$CATEGORY: c\n\nQ2{F}\n", "bank.gift")
    assert [q["category"] for q in result.questions] == ["a/b", "c"]
    assert result.categories == ["a/b", "c"]


def test_questions_before_any_category_have_none():
    assert parse_one("Q{T}")["category"] is None


def test_moodle_id_and_tag_comments_give_id_and_tags():
    question = parse_one("// [id:flask-1]\n// [tag:flask] [tag:web\\]dev]\nQ?{T}")
    assert question["id"] == "flask-1"
    assert question["tags"] == ["flask", "web]dev"]


def test_id_is_the_title_slug_when_the_gift_has_none():
    assert parse_one("::¿Qué es Flask?::Flask es un microframework.{T}")["id"] == "que-es-flask"


def test_id_is_a_hash_of_the_text_without_title_and_is_stable():
    first = parse_one("Flask es un microframework.{T}")["id"]
    assert first.startswith("gift-")
    assert parse_one("Flask es un microframework.{T}")["id"] == first


def test_repeated_titles_get_distinct_ids():
    result = parse_gift("::Q::One{T}\n\n::Q::Two{F}\n", "bank.gift")
    assert [q["id"] for q in result.questions] == ["q", "q-2"]


def test_lines_give_where_each_question_starts():
    result = parse_gift("// intro\n\nQ1{T}\n\n\n::t::\nQ2{F}\n", "bank.gift")
    assert result.lines == [3, 6]


# --- text: formats, escapes, whitespace ------------------------------------------------


@pytest.mark.parametrize("char", ["~", "=", "#", "{", "}", ":"])
def test_escaped_control_characters_are_literal(char):
    question = parse_one(f"Is \\{char} special?{{=yes \\{char} ~no}}")
    assert question["prompt"] == f"Is {char} special?"
    assert question["choices"][0]["text"] == f"yes {char}"


def test_backslash_n_is_a_newline_and_double_backslash_a_backslash():
    question = parse_one("[markdown]line 1\\nline 2 \\\\n{T}")
    assert question["prompt"] == "line 1\nline 2 \\n"


def test_format_tag_is_dropped_and_markdown_keeps_its_lines():
    question = parse_one("[markdown]**Bold**  \nsecond line{T}")
    assert question["prompt"] == "**Bold**  \nsecond line"


def test_moodle_format_joins_lines_with_single_spaces():
    question = parse_one("A question\n   over two lines{T}")
    assert question["prompt"] == "A question over two lines"


def test_html_text_is_kept_as_html():
    question = parse_one("[html]<p>Grant's <b>tomb</b></p>{F}")
    assert question["prompt"] == "<p>Grant's <b>tomb</b></p>"


# --- question types -----------------------------------------------------------------


def test_single_choice_with_feedback_and_general_feedback():
    question = parse_one("Q?{=right#Yes! ~wrong#No. ####Because.}")
    assert question["type"] == "single_choice"
    assert question["choices"] == [
        {"text": "right", "correct": True, "feedback": "Yes!"},
        {"text": "wrong", "correct": False, "feedback": "No."},
    ]
    assert question["explanation"] == "Because."


def test_several_right_answers_make_multiple_response_sharing_the_credit():
    question = parse_one("Seasons?{=spring =summer ~easter ~xmas}")
    assert question["type"] == "multiple_response"
    assert [c["weight"] for c in question["choices"]] == [50, 50, -50, -50]


def test_partial_weights_make_multiple_response_and_are_kept():
    question = parse_one("Q?{~%50%a#half ~%50%b ~%-100%c}")
    assert question["type"] == "multiple_response"
    assert [(c["text"], c["weight"]) for c in question["choices"]] == [
        ("a", 50),
        ("b", 50),
        ("c", -100),
    ]
    assert question["choices"][0]["feedback"] == "half"


def test_weights_of_100_and_0_keep_a_single_choice():
    assert parse_one("Q?{=%100%a ~%0%b}")["type"] == "single_choice"


def test_partial_credit_with_one_right_answer_is_a_single_choice_and_reported():
    result = parse_gift("::P::Q?{=full ~%50%half ~wrong}", "bank.gift")
    (question,) = result.questions
    assert question["type"] == "single_choice"
    assert [c["correct"] for c in question["choices"]] == [True, False, False]
    assert result.unsupported == [("bank.gift", 1, "partial credit on a single-answer choice", "P")]


def test_only_weighted_choices_make_multiple_response():
    question = parse_one("Continents?{~%50%Africa ~%50%Asia ~%-100%China}")
    assert question["type"] == "multiple_response"
    assert [c["weight"] for c in question["choices"]] == [50.0, 50.0, -100.0]


@pytest.mark.parametrize(
    ("block", "answer"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false_keywords(block, answer):
    question = parse_one(f"Grant is buried in Grant's tomb.{{{block}}}")
    assert question["type"] == "true_false"
    assert question["answer"] is answer


def test_true_false_feedback_is_wrong_then_right():
    question = parse_one("The sun rises in the east.{TRUE#No, it does.#Right.}")
    assert question["feedback_false"] == "No, it does."
    assert question["feedback_true"] == "Right."


def test_false_statement_feedback_is_wrong_then_right():
    question = parse_one("The sun rises in the west.{FALSE#No, east.#Right.}")
    assert question["feedback_true"] == "No, east."
    assert question["feedback_false"] == "Right."


def test_short_answer_accepts_every_equals_answer_with_weights():
    question = parse_one("Who?{=no one#Yes =%50%nobody}")
    assert question["type"] == "short_answer"
    assert question["answers"] == [
        {"text": "no one", "weight": 100, "feedback": "Yes"},
        {"text": "nobody", "weight": 50, "feedback": None},
    ]
    assert question["accent_insensitive"] is False


def test_a_bare_answer_is_a_short_answer():
    assert parse_one("Word for 1?{One}")["answers"][0]["text"] == "One"


@pytest.mark.parametrize(
    ("block", "answer"),
    [
        ("#3.5:0.1", {"value": 3.5, "tolerance": 0.1}),
        ("#1822", {"value": 1822, "tolerance": 0}),
        ("#1..5", {"min": 1, "max": 5}),
        ("#-3.142..-3.141", {"min": -3.142, "max": -3.141}),
    ],
)
def test_numeric_value_tolerance_and_range(block, answer):
    question = parse_one(f"Number?{{{block}}}")
    assert question["type"] == "numeric"
    assert question["answers"] == [{**answer, "weight": 100, "feedback": None}]


def test_numeric_with_several_weighted_answers():
    question = parse_one("When?{# =%100%3:0#Exact =%50%3:1}")
    assert question["answers"] == [
        {"value": 3, "tolerance": 0, "weight": 100, "feedback": "Exact"},
        {"value": 3, "tolerance": 1, "weight": 50, "feedback": None},
    ]


def test_numeric_other_answer_feedback_is_reported_as_dropped():
    result = parse_gift("::N::Number?{#\n=3:2\n~#Completely wrong}", "bank.gift")
    assert len(result.questions[0]["answers"]) == 1
    assert result.unsupported == [("bank.gift", 1, "numeric other-answer feedback", "N")]


def test_matching_pairs_and_empty_left_side_as_distractor():
    question = parse_one("Match:{=Canada -> Ottawa =Italy -> Rome = -> Paris}")
    assert question["type"] == "matching"
    assert question["pairs"] == [
        {"left": "Canada", "right": "Ottawa"},
        {"left": "Italy", "right": "Rome"},
    ]
    assert question["distractors"] == ["Paris"]


def test_missing_word_choice_is_a_cloze_with_a_drop_down():
    question = parse_one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question["type"] == "cloze"
    assert question["text"] == "Grant is {{1}} in Grant's tomb."
    assert question["blanks"] == [
        {
            "answers": ["entombed"],
            "options": ["buried", "entombed", "living"],
            "accent_insensitive": False,
        }
    ]


def test_missing_word_cloze_gets_the_default_prompt_or_the_paragraph_before():
    assert parse_one("Grant is {~a =b} here.")["prompt"] == "Completa la frase."
    question = parse_one("[markdown]Fill the gap.\\n\\nGrant is {~a =b} here.")
    assert (question["prompt"], question["text"]) == ("Fill the gap.", "Grant is {{1}} here.")


def test_missing_word_short_answer_is_a_cloze_without_options():
    question = parse_one("Two plus two equals {=four =4}.")
    assert question["text"] == "Two plus two equals {{1}}."
    assert question["blanks"][0]["options"] is None


def test_missing_word_with_feedback_keeps_its_type_and_shows_the_blank():
    question = parse_one("Grant is {~buried#No =entombed#Yes} in Grant's tomb.")
    assert question["type"] == "single_choice"
    assert question["prompt"] == "Grant is _____ in Grant's tomb."


@pytest.mark.parametrize(
    ("text", "kind"), [("Read this first.", "description"), ("Tell me a story.{}", "essay")]
)
def test_descriptions_and_essays_are_imported(text, kind):
    result = parse_gift(f"// c\n::T::{text}\n", "bank.gift")
    assert result.unsupported == []
    (question,) = result.questions
    prompt = text.removesuffix("{}")
    assert (question["type"], question["title"], question["prompt"]) == (kind, "T", prompt)
    assert validate_question({k: v for k, v in question.items() if k != "category"}) == []


def test_an_essay_keeps_its_general_feedback_and_exports_as_an_empty_block():
    result = parse_gift("::E::Explain routing.{####Routes map URLs to views.}\n", "e.gift")
    (essay,) = result.questions
    assert essay["explanation"] == "Routes map URLs to views."
    assert render_question({**essay, "id": "e", "explanation": None}).endswith("Explain routing.{}")
    again = parse_gift(render_question({**essay, "id": "e"}), "again.gift").questions[0]
    assert again["explanation"] == "Routes map URLs to views."
    assert again["type"] == "essay"


def test_a_description_with_an_explanation_cannot_be_written_as_gift():
    with pytest.raises(Inexpressible, match="explanation"):
        render_question({"id": "d", "type": "description", "prompt": "Case", "explanation": "More"})


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q?{=a ~b", "never closed"),
        ("Q?{~a ~b}", "without a right answer"),
        ("Q } ?{=a ~b}", "unescaped '}'"),
        ("Q?{=a ~b} and {=c}", "only one answer block"),
        ("::title Q?{T}", "title"),
        ("N?{#abc}", "not a number"),
    ],
)
def test_bad_questions_are_errors_with_file_and_line(text, message):
    result = parse_gift(f"Good?{{T}}\n\n// comment\n{text}\n", "bank.gift")
    assert len(result.questions) == 1
    ((filename, line, error),) = result.errors
    assert (filename, line) == ("bank.gift", 4)
    assert message in error


def test_error_line_points_inside_a_multi_line_question():
    result = parse_gift("Q?\n{\n=a\n~b\n~c\n", "bank.gift")
    assert result.errors[0][1] == 2


def test_duplicate_gift_ids_are_an_error():
    result = parse_gift("// [id:x]\nA{T}\n\n// [id:x]\nB{F}\n", "bank.gift")
    assert result.errors == [("bank.gift", 5, "duplicate id 'x'")]


# --- writing --------------------------------------------------------------------------


def base(qtype: str, **extra) -> dict:
    return {
        "id": "q1",
        "type": qtype,
        "prompt": "Prompt",
        "title": None,
        "explanation": None,
        "tags": [],
        "section": None,
        **extra,
    }


def test_writer_escapes_control_characters():
    question = base(
        "true_false",
        prompt="a ~ = # { } : \\ b",
        answer=True,
        feedback_true=None,
        feedback_false=None,
    )
    text = write_gift([question]).text
    assert "a \\~ \\= \\# \\{ \\} \\: \\\\ b" in text


def test_writer_emits_id_tags_title_and_category():
    question = base(
        "true_false",
        title="T",
        tags=["x", "y"],
        category="c/d",
        answer=False,
        feedback_true=None,
        feedback_false=None,
    )
    assert write_gift([question]).text == (
        "$CATEGORY: c/d\n\n// [id:q1]\n// [tag:x] [tag:y]\n::T::[markdown]Prompt{\nFALSE\n}\n"
    )


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        (base("flashcard", back="B"), "flashcard"),
        (
            base(
                "short_answer",
                answers=[{"text": "a -> b", "weight": 100, "feedback": None}],
                accent_insensitive=False,
            ),
            "->",
        ),
        (
            base(
                "cloze",
                text="{{1}} and {{2}}",
                blanks=[
                    {"answers": ["a"], "options": None, "accent_insensitive": False},
                    {"answers": ["b"], "options": None, "accent_insensitive": False},
                ],
            ),
            "one blank",
        ),
        (
            base(
                "short_answer",
                answers=[{"text": "Paris", "weight": 100, "feedback": None}],
                accent_insensitive=False,
                case_sensitive=True,
            ),
            "case-sensitive",
        ),
    ],
)
def test_writer_skips_what_gift_cannot_express(question, reason):
    result = write_gift([question])
    assert result.text == ""
    ((skipped_id, why),) = result.skipped
    assert skipped_id == "q1"
    assert reason in why


def test_the_course_file_names_what_it_left_out_in_a_header_comment():
    lesson = ExportLesson(
        1,
        "l",
        "L",
        [base("flashcard", back="B"), base("true_false", answer=True) | {"id": "q2"}],
    )
    written = write_gift_file(ExportCourse("c", "C", [lesson]))
    text = written.data.decode()
    assert written.skipped == [("q1", "GIFT has no 'flashcard' questions")]
    assert text.startswith(
        "// Left out: 1 question(s) GIFT cannot hold (export YAML for all):\n"
        "// - q1: GIFT has no 'flashcard' questions\n\n"
    )
    # The header is only a comment: the file reads back as the question it holds.
    parsed = parse_gift(text, "c.gift")
    assert parsed.errors == []
    assert [question["id"] for question in parsed.questions] == ["q2"]


def test_writer_accepts_the_numeric_shorthand():
    text = write_gift([base("numeric", answer=3.5, tolerance=0.1)]).text
    assert "{\n#3.5:0.1\n}" in text


# --- round trip -----------------------------------------------------------------------

ALPHABET = "abcXYZ019 áñ¿?~=#{}:\\%[]->_*\n\t"
texts = st.text(ALPHABET, min_size=1, max_size=16).map(str.strip).filter(bool)
titles = st.text(ALPHABET, min_size=1, max_size=12).map(lambda s: " ".join(s.split()))
feedbacks = st.none() | texts
# Moodle reads an all-`=` block holding "->" as matching, so the writer skips those.
no_arrow = texts.filter(lambda t: "->" not in t)
numbers = st.integers(-5000, 5000) | st.floats(-1e6, 1e6, allow_nan=False)
tags = st.lists(st.text("abcxyz-_019", min_size=1, max_size=6), max_size=3, unique=True)


@st.composite
def choice_questions(draw) -> dict:
    options = draw(st.lists(texts, min_size=2, max_size=5, unique=True))
    right = draw(st.integers(0, len(options) - 1))
    if draw(st.booleans()):
        weights = draw(
            st.lists(
                st.sampled_from([100, 50, 33.33333, 12.5, 0, -50, -100]),
                min_size=len(options),
                max_size=len(options),
            )
        )
        weights[right] = draw(st.sampled_from([100, 50, 25]))
        choices = [
            {"text": o, "weight": w, "feedback": draw(feedbacks)}
            for o, w in zip(options, weights, strict=True)
        ]
        return {"type": "multiple_response", "choices": choices}
    choices = [
        {"text": o, "correct": i == right, "feedback": draw(feedbacks)}
        for i, o in enumerate(options)
    ]
    return {"type": "single_choice", "choices": choices}


@st.composite
def short_answer_questions(draw) -> dict:
    answers = draw(st.lists(no_arrow, min_size=1, max_size=3))
    return {
        "type": "short_answer",
        "answers": [
            {
                "text": a,
                "weight": draw(st.sampled_from([100, 50, 0])),
                "feedback": draw(st.none() | no_arrow),
            }
            for a in answers
        ],
        "accent_insensitive": False,
    }


@st.composite
def numeric_questions(draw) -> dict:
    answers = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            low, high = sorted([draw(numbers), draw(numbers)])
            value = {"min": low, "max": high}
        else:
            value = {"value": draw(numbers), "tolerance": draw(st.sampled_from([0, 0.5, 2]))}
        answers.append(
            {**value, "weight": draw(st.sampled_from([100, 50, 0])), "feedback": draw(feedbacks)}
        )
    return {"type": "numeric", "answers": answers}


@st.composite
def matching_questions(draw) -> dict:
    lefts = draw(st.lists(no_arrow, min_size=2, max_size=4))
    pairs = [{"left": left, "right": draw(texts)} for left in lefts]
    return {"type": "matching", "pairs": pairs, "distractors": draw(st.lists(texts, max_size=2))}


@st.composite
def true_false_questions(draw) -> dict:
    return {
        "type": "true_false",
        "answer": draw(st.booleans()),
        "feedback_true": draw(feedbacks),
        "feedback_false": draw(feedbacks),
    }


@st.composite
def cloze_questions(draw) -> dict:
    plain = texts.filter(lambda t: "\n\n" not in t and "{{" not in t and "}}" not in t)
    before = draw(st.just("") | plain)
    text = (before + " " if before else "") + "{{1}} " + draw(plain)
    if draw(st.booleans()):
        options = draw(st.lists(texts, min_size=2, max_size=4, unique=True))
        blank = {"answers": [draw(st.sampled_from(options))], "options": options}
    else:
        answers = draw(st.lists(no_arrow, min_size=1, max_size=3))
        blank = {"answers": answers, "options": None}
    prompt = draw(texts.filter(lambda t: "{{1}}" not in t))
    return {
        "type": "cloze",
        "prompt": prompt,
        "text": text,
        "blanks": [{**blank, "accent_insensitive": False}],
    }


# GIFT holds neither an essay's word limit, template and notes nor anything of a
# description but its text (see gift_write).
ESSAY = {"type": "essay", "max_words": None, "response_template": None, "grader_notes": None}


@st.composite
def gift_questions(draw) -> dict:
    body = draw(
        st.one_of(
            st.just(ESSAY),
            st.just({"type": "description"}),
            choice_questions(),
            short_answer_questions(),
            numeric_questions(),
            matching_questions(),
            true_false_questions(),
            cloze_questions(),
        )
    )
    question = {
        "prompt": draw(texts),
        "title": draw(st.none() | titles.filter(bool)),
        "explanation": draw(feedbacks),
        "tags": draw(tags),
        "section": None,
        "lesson": None,
        "category": draw(st.none() | st.sampled_from(["course/a", "course/b"])),
        **body,
    }
    if body["type"] == "description":  # a description has no general feedback
        question["explanation"] = None
    return question


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(gift_questions(), min_size=1, max_size=4))
def test_write_then_parse_gives_the_same_questions(questions):
    running = None
    for index, question in enumerate(questions):
        question["id"] = f"q{index}"
        # GIFT cannot leave a category: $CATEGORY holds until the next one.
        question["category"] = running = question["category"] or running
    written = write_gift(questions)
    assert written.skipped == []

    parsed = parse_gift(written.text, "roundtrip.gift")

    assert parsed.errors == []
    assert parsed.questions == questions


GIFT_ALPHABET = st.sampled_from(list("{}=~#%:->\\/\n $[]TF.0123456789abcXYZ áé\t"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(GIFT_ALPHABET, max_size=200) | st.text(max_size=200))
def test_arbitrary_text_never_makes_the_parser_raise(text):
    """Whatever is uploaded, the parser answers with questions and `file:line` errors."""
    result = parse_gift(text, "upload.gift")
    for file, line, message in result.errors:
        assert file == "upload.gift"
        assert isinstance(line, int)
        assert message
