"""Write QuizApp questions as a Moodle XML file that Moodle (and our reader) imports.

Texts are written in Moodle's `markdown` format, so our Markdown travels unchanged and
reads back exactly. A `category` key on a question emits a category when it changes.
Moodle has no flashcards: they are listed in `skipped`. What Moodle has no field for
(`section`, accent-insensitive matching, numeric ranges) travels in `quizapp_*` elements,
which Moodle ignores and our reader reads back, so an export re-imports unchanged; Moodle
itself sees ranges as value ± tolerance."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET  # noqa: S405 - building a tree; nothing is parsed here
from collections.abc import Callable
from dataclasses import dataclass, field

from quizapp.domain.formats import moodle_cloze
from quizapp.domain.questions.base import format_number
from quizapp.domain.questions.cloze import BLANK_MARKER
from quizapp.domain.questions.tables import NOT_SELF_RATED, per_type_table

# XML 1.0 cannot hold these characters at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MARKDOWN = "markdown"


@dataclass
class MoodleWriteResult:
    text: str
    skipped: list[tuple[str, str]] = field(default_factory=list)


# Embedded files for a text: (markdown with references rewritten, {name: bytes}).
FileResolver = Callable[[str], tuple[str, dict[str, bytes]]]


def _no_files(text: str) -> tuple[str, dict[str, bytes]]:
    return text, {}


def write_moodle_xml(questions: list[dict], files: FileResolver = _no_files) -> MoodleWriteResult:
    """`files` turns a Markdown text's media references into `@@PLUGINFILE@@/name` and
    returns the files to embed beside it (the default embeds nothing)."""
    quiz = ET.Element("quiz")
    skipped: list[tuple[str, str]] = []
    category: str | None = None
    for question in questions:
        writer = _TYPES.get(question.get("type", ""))
        if writer is None:
            skipped.append((question.get("id", ""), f"Moodle has no {question['type']} type"))
            continue
        if question.get("category") and question["category"] != category:
            category = question["category"]
            quiz.append(_category(category))
        quiz.append(_question(question, writer, files))
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode")
    return MoodleWriteResult(f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n', skipped)


def _category(path: str) -> ET.Element:
    element = ET.Element("question", type="category")
    _sub(_sub(element, "category"), "text", f"$course$/top/{path}")
    return element


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = _NOT_XML.sub("", text)
    return child


def _rich(parent: ET.Element, tag: str, text: str | None, files: FileResolver) -> ET.Element:
    holder = _sub(parent, tag, format=MARKDOWN)
    markdown, embedded = files(text or "")
    _sub(holder, "text", markdown)
    for name, data in embedded.items():
        _sub(holder, "file", base64.b64encode(data).decode("ascii"), name=name, encoding="base64")
    return holder


def _question(question: dict, writer: _Writer, files: FileResolver) -> ET.Element:
    element = ET.Element("question", type=writer.moodle_type)
    _sub(_sub(element, "name"), "text", question.get("title") or question["id"])
    prompt = writer.prompt(question) if writer.prompt else question["prompt"]
    _rich(element, "questiontext", prompt, files)
    _rich(element, "generalfeedback", question.get("explanation"), files)
    _sub(element, "defaultgrade", writer.default_grade)
    _sub(element, "penalty", "0")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", question["id"])
    writer.body(element, question, files)
    if question.get("section"):
        _sub(element, "quizapp_section", question["section"])
    if question.get("tags"):
        tags = _sub(element, "tags")
        for tag in question["tags"]:
            _sub(_sub(tags, "tag"), "text", tag)
    return element


def _answer(
    parent: ET.Element, fraction: float, text: str, feedback: str | None, files: FileResolver
) -> ET.Element:
    answer = _rich(parent, "answer", text, files)
    answer.set("fraction", format_number(fraction))
    _rich(answer, "feedback", feedback, files)
    return answer


def _plain_answer(parent: ET.Element, fraction: float, text: str) -> ET.Element:
    answer = _sub(parent, "answer", fraction=format_number(fraction), format="plain_text")
    _sub(answer, "text", text)
    return answer


def _choices(element: ET.Element, question: dict, files: FileResolver) -> None:
    single = question["type"] == "single_choice"
    _sub(element, "single", "true" if single else "false")
    _sub(element, "shuffleanswers", "false" if question.get("shuffle") is False else "true")
    _sub(element, "answernumbering", "abc")
    for choice in question["choices"]:
        fraction = (100.0 if choice["correct"] else 0.0) if single else choice["weight"]
        _answer(element, fraction, choice["text"], choice.get("feedback"), files)


def _true_false(element: ET.Element, question: dict, files: FileResolver) -> None:
    for side in (True, False):
        fraction = 100.0 if question["answer"] == side else 0.0
        feedback = question["feedback_true" if side else "feedback_false"]
        answer = _plain_answer(element, fraction, "true" if side else "false")
        _rich(answer, "feedback", feedback, files)


def _short_answer(element: ET.Element, question: dict, files: FileResolver) -> None:
    _sub(element, "usecase", "1" if question.get("case_sensitive") else "0")
    if question.get("accent_insensitive"):
        _sub(element, "quizapp_accent_insensitive", "1")
    for item in question["answers"]:
        answer = _plain_answer(element, item["weight"], item["text"])
        _rich(answer, "feedback", item.get("feedback"), files)


def _numeric(element: ET.Element, question: dict, files: FileResolver) -> None:
    for item in question["answers"]:
        if "value" in item:
            value, tolerance = item["value"], item["tolerance"]
        else:  # Moodle has no ranges: the middle, give or take half the width
            value, tolerance = (item["min"] + item["max"]) / 2, (item["max"] - item["min"]) / 2
        answer = _plain_answer(element, item["weight"], format_number(value))
        _rich(answer, "feedback", item.get("feedback"), files)
        _sub(answer, "tolerance", format_number(tolerance))
        if "min" in item:
            _sub(answer, "quizapp_min", format_number(item["min"]))
            _sub(answer, "quizapp_max", format_number(item["max"]))


def _matching(element: ET.Element, question: dict, files: FileResolver) -> None:
    # Moodle then keeps the stems in order, as QuizApp does (options are shuffled anyway).
    _sub(element, "shuffleanswers", "false")
    rights = [(pair["left"], pair["right"]) for pair in question["pairs"]]
    rights += [("", distractor) for distractor in question.get("distractors") or []]
    for left, right in rights:
        sub = _rich(element, "subquestion", left, files)
        _sub(_sub(sub, "answer"), "text", right)


def _cloze_prompt(question: dict) -> str:
    blanks = question["blanks"]

    def embed(match: re.Match[str]) -> str:
        blank = blanks[int(match[1]) - 1]
        return moodle_cloze.write_blank(1, blank, shuffled=question.get("shuffle") is not False)

    # The reader finds the text after the last blank line before the first blank: blank
    # lines that open the text (nothing in Markdown) would move into the prompt.
    text = question["text"].lstrip("\n")
    return f"{question['prompt']}\n\n{BLANK_MARKER.sub(embed, text)}"


def _cloze(element: ET.Element, question: dict, files: FileResolver) -> None:
    del files
    numbers = [str(n) for n, b in enumerate(question["blanks"], 1) if b.get("accent_insensitive")]
    if numbers:
        _sub(element, "quizapp_accent_insensitive_blanks", " ".join(numbers))


def _essay(element: ET.Element, question: dict, files: FileResolver) -> None:
    _sub(element, "responseformat", "plain")
    _sub(element, "responserequired", "1")
    _sub(element, "responsefieldlines", "10")
    _sub(element, "attachments", "0")
    _sub(element, "attachmentsrequired", "0")
    _sub(element, "maxbytes", "0")
    if question.get("max_words"):
        _sub(element, "maxwordlimit", str(question["max_words"]))
    _rich(element, "graderinfo", question.get("grader_notes"), files)
    template = _sub(element, "responsetemplate", format="plain_text")
    _sub(template, "text", question.get("response_template") or "")


def _description(element: ET.Element, question: dict, files: FileResolver) -> None:
    del element, question, files  # the question text is all a description has


@dataclass(frozen=True)
class _Writer:
    moodle_type: str
    body: Callable[[ET.Element, dict, FileResolver], None]
    prompt: Callable[[dict], str] | None = None
    # Marks in Moodle's quiz: a description is worth none.
    default_grade: str = "1"


# Flashcards have no Moodle question type: they are reported as skipped.
_TYPES = per_type_table(
    "Moodle XML writer",
    {
        "single_choice": _Writer("multichoice", _choices),
        "multiple_response": _Writer("multichoice", _choices),
        "true_false": _Writer("truefalse", _true_false),
        "short_answer": _Writer("shortanswer", _short_answer),
        "numeric": _Writer("numerical", _numeric),
        "matching": _Writer("matching", _matching),
        "cloze": _Writer("cloze", _cloze, _cloze_prompt),
        "essay": _Writer("essay", _essay),
        "description": _Writer("description", _description, default_grade="0"),
    },
    scorings=NOT_SELF_RATED,
)
