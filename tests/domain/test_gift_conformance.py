"""The GIFT importer reads every file of the gift-pegjs corpus as its authors expect.

Each `NAME.gift` in `gift_conformance/` has `NAME.json`, the parse gift-pegjs expects
(see that folder's README). Both sides are projected onto the fields QuizApp keeps and
then compared exactly:

- question order and type (MC, Short, TF, Numerical, Matching), `title`, `id` (when the
  GIFT gives one), `tags`, the `$CATEGORY` in force, and every category in file order;
- the stem text. A missing-word blank is written `_____` with one space either side on
  both sides, since gift-pegjs pads it (`from _____ .`) and we keep the author's
  spacing (`from {{1}}.`); a cloze's `text` is the stem (its default prompt, which
  GIFT does not have, is left out);
- choices: text, credit and feedback. With one `=` (a single choice) credit is 100 for
  it and 0 for the others, and Moodle's partial credit (`~%50%`) is reported as dropped;
  otherwise (multiple response) credit is the `%n%` weight, and unweighted `=` share
  +100 and unweighted `~` share -100 (the bank format's rule). Short answers: the
  weight, 100 by default;
- true/false: the answer and both feedbacks, in GIFT's `#first#second` order; Moodle
  (format.php) reads them as #wrong#right, gift-pegjs names them trueFeedback and
  falseFeedback, so we compare positions, not names;
- numeric answers (value and tolerance, or min and max), credit and feedback;
- matching pairs; a pair with an empty left side is one of our `distractors`;
- general feedback (`####`), our `explanation`;
- Essay (`{}`) and Description (no answer block), imported as our `essay` and
  `description` types (stem, title, id, tags, general feedback); a numeric
  "any other answer" (`~#feedback`, gift-pegjs text `*`), which we drop and report.

Not compared: text formats (`[html]`…: we keep the text, not the format), the
`hasEmbeddedAnswers` flag (the blank shows in the stem instead).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from quizapp.domain.formats.gift import parse_gift
from quizapp.domain.formats.gift_syntax import DEFAULT_CLOZE_PROMPT
from quizapp.domain.questions.registry import validate_question

CORPUS = Path(__file__).parent / "gift_conformance"
GIFT_FILES = sorted(CORPUS.glob("*.gift"))
_BLANK_SPACING = re.compile(r"\s*_____\s*")


def _stem(text: str) -> str:
    return _BLANK_SPACING.sub(" _____ ", text).strip()


def _text(rich: dict | None) -> str | None:
    return rich["text"] if rich and rich.get("text") else None


# --- the expected JSON, projected ---------------------------------------------------


def _expected_credits(choices: list[dict], kind: str, title, dropped: list) -> list[float]:
    if kind == "Short":  # every short answer is accepted, at its weight
        return [100 if c["weight"] is None else c["weight"] for c in choices]
    if sum(c["isCorrect"] for c in choices) == 1:  # one `=`: a single choice
        partial = [
            c["weight"]
            for c in choices
            if c["weight"] is not None
            and (c["weight"] != 100 if c["isCorrect"] else c["weight"] > 0)
        ]
        if partial:
            dropped.append(("partial credit on a single-answer choice", title))
        return [100 if c["isCorrect"] else 0 for c in choices]
    plain_right = sum(1 for c in choices if c["weight"] is None and c["isCorrect"])
    plain_wrong = sum(1 for c in choices if c["weight"] is None and not c["isCorrect"])
    return [
        c["weight"]
        if c["weight"] is not None
        else (100 / plain_right if c["isCorrect"] else -100 / plain_wrong)
        for c in choices
    ]


def _expected_numeric(choices, title: str | None, dropped: list) -> list[tuple]:
    if isinstance(choices, dict):
        choices = [{"isCorrect": True, "weight": None, "text": choices, "feedback": None}]
    answers = []
    for choice in choices:
        value = choice["text"]
        if value.get("text") == "*" and not choice["isCorrect"]:
            dropped.append(("numeric other-answer feedback", title))
            continue
        if value["type"] == "high-low":
            shape = ("range", value["numberLow"], value["numberHigh"])
        else:
            shape = ("value", value["number"], value.get("range", 0))
        credit = (
            choice["weight"]
            if choice["weight"] is not None
            else (100 if choice["isCorrect"] else 0)
        )
        answers.append((shape, credit, _text(choice["feedback"])))
    return answers


def _expected_body(entry: dict, dropped: list) -> dict:
    kind = entry["type"]
    if kind in ("Essay", "Description"):  # nothing beyond the stem and feedback
        return {}
    if kind == "TF":
        return {
            "answer": entry["isTrue"],
            "feedbacks": (_text(entry["trueFeedback"]), _text(entry["falseFeedback"])),
        }
    if kind == "Numerical":
        return {"answers": _expected_numeric(entry["choices"], entry["title"], dropped)}
    if kind == "Matching":
        pairs = [(p["subquestion"]["text"], p["subanswer"]) for p in entry["matchPairs"]]
        return {"pairs": [p for p in pairs if p[0]], "distractors": [r for q, r in pairs if not q]}
    credits = _expected_credits(entry["choices"], kind, entry["title"], dropped)
    return {
        "choices": [
            (c["text"]["text"], credit, _text(c["feedback"]))
            for c, credit in zip(entry["choices"], credits, strict=True)
        ]
    }


def project_expected(entries: list[dict]) -> tuple[list[dict], list[tuple], list[str]]:
    questions, unsupported, categories = [], [], []
    category = None
    for entry in entries:
        if entry["type"] == "Category":
            category = entry["title"]
            categories.append(category)
            continue
        view = {
            "type": entry["type"],
            "title": entry["title"],
            "stem": _stem(entry["stem"]["text"]),
            "explanation": _text(entry.get("globalFeedback")),
            "tags": entry["tags"] or [],
            "category": category,
            **_expected_body(entry, unsupported),
        }
        if entry["id"] is not None:
            view["id"] = str(entry["id"])
        questions.append(view)
    return questions, unsupported, categories


# --- our normalised dicts, in the same shape -----------------------------------------------


def _our_choices(question: dict) -> tuple[str, list[tuple]]:
    if question["type"] == "single_choice":
        return "MC", [
            (c["text"], 100 if c["correct"] else 0, c["feedback"]) for c in question["choices"]
        ]
    if question["type"] == "multiple_response":
        return "MC", [(c["text"], c["weight"], c["feedback"]) for c in question["choices"]]
    if question["type"] == "short_answer":
        return "Short", [(a["text"], a["weight"], a["feedback"]) for a in question["answers"]]
    (blank,) = question["blanks"]  # cloze: GIFT's missing-word form has one blank
    if blank["options"]:
        return "MC", [(o, 100 if o in blank["answers"] else 0, None) for o in blank["options"]]
    return "Short", [(a, 100, None) for a in blank["answers"]]


def _our_body(question: dict) -> tuple[str, dict]:
    kind = question["type"]
    if kind in ("essay", "description"):
        return kind.capitalize(), {}
    if kind == "true_false":
        wrong, right = (
            (question["feedback_false"], question["feedback_true"])
            if question["answer"]
            else (question["feedback_true"], question["feedback_false"])
        )
        return "TF", {"answer": question["answer"], "feedbacks": (wrong, right)}
    if kind == "numeric":
        return "Numerical", {
            "answers": [
                (
                    (
                        ("range", a["min"], a["max"])
                        if "min" in a
                        else ("value", a["value"], a["tolerance"])
                    ),
                    a["weight"],
                    a["feedback"],
                )
                for a in question["answers"]
            ]
        }
    if kind == "matching":
        return "Matching", {
            "pairs": [(p["left"], p["right"]) for p in question["pairs"]],
            "distractors": question["distractors"],
        }
    pegjs_type, choices = _our_choices(question)
    return pegjs_type, {"choices": choices}


def project_ours(question: dict) -> dict:
    stem = question["prompt"]
    if question["type"] == "cloze":
        text = question["text"].replace("{{1}}", "_____")
        stem = text if stem == DEFAULT_CLOZE_PROMPT else f"{stem}\n\n{text}"
    pegjs_type, body = _our_body(question)
    view = {
        "type": pegjs_type,
        "title": question["title"],
        "stem": _stem(stem),
        "explanation": question["explanation"],
        "tags": question["tags"],
        "category": question["category"],
        **body,
    }
    return view


# --- the corpus ------------------------------------------------------------------------


def test_corpus_has_51_files_each_with_its_expected_parse():
    assert len(GIFT_FILES) == 51
    assert all(path.with_suffix(".json").exists() for path in GIFT_FILES)


@pytest.mark.parametrize("path", GIFT_FILES, ids=lambda path: path.stem)
def test_gift_file_parses_as_gift_pegjs_expects(path: Path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    result = parse_gift(path.read_text(encoding="utf-8"), path.name)

    questions, unsupported, categories = project_expected(expected)

    assert result.errors == []
    expected_ids = [view.pop("id", None) for view in questions]
    assert [project_ours(q) for q in result.questions] == questions
    given_ids = [
        q["id"] if want else None for q, want in zip(result.questions, expected_ids, strict=True)
    ]
    assert given_ids == expected_ids
    assert [(kind, title) for _, _, kind, title in result.unsupported] == unsupported
    assert result.categories == categories


@pytest.mark.parametrize("path", GIFT_FILES, ids=lambda path: path.stem)
def test_every_imported_question_is_a_valid_bank_question(path: Path):
    result = parse_gift(path.read_text(encoding="utf-8"), path.name)
    for question in result.questions:
        bank_question = {key: value for key, value in question.items() if key != "category"}
        assert validate_question(bank_question) == [], question["id"]
