"""One converter per Moodle question type: a `<question>` element to a QuizApp question dict.

Each converter also lists what of the Moodle question QuizApp cannot keep (`dropped`), so
the importer can report it, and collects the question's embedded files (`media`)."""

from __future__ import annotations

import base64
import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 - Element type only; parsing is defused
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from quizapp.domain.formats import moodle_cloze
from quizapp.domain.formats.anki_notes import CLOZE_PROMPT
from quizapp.domain.formats.rich_text import html_to_plain, to_markdown

FULL = 99.999  # Moodle writes one third as 33.33333: three of them are full marks
_PLUGINFILE = "@@PLUGINFILE@@/"
MEDIA_SCHEME = "media:"  # how QuizApp Markdown points at a stored file (domain/media_refs)
_PLACEHOLDER = "QZBLANK{}QZ"
_PLACEHOLDERS = re.compile(r"QZBLANK(\d+)QZ")


class Skipped(Exception):
    """A question of a known type that QuizApp still cannot hold (the reason is reported)."""


@dataclass
class Converted:
    question: dict
    dropped: list[str] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)


def media_references(markdown: str) -> str:
    """`@@PLUGINFILE@@/name` (Moodle's link to a file embedded in the question) as
    `media:name`, which the importer points at the stored file."""
    return markdown.replace(_PLUGINFILE, MEDIA_SCHEME)


def plain(element: ET.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def title(element: ET.Element) -> str | None:
    name = element.findtext("name/text") or ""
    return name if name.strip() else None


class _Reader:
    """Reads one `<question>`: its rich texts (with their files) and common parts."""

    def __init__(self, element: ET.Element) -> None:
        self.element = element
        self.out = Converted({})

    def drop(self, what: str) -> None:
        self.out.dropped.append(what)

    def rich(self, holder: ET.Element | None, raw: bool = False) -> str:
        """Markdown of a `<x format="..."><text>…</text><file …/></x>` element."""
        if holder is None:
            return ""
        for file in holder.findall("file"):
            self._keep_file(file)
        text = holder.findtext("text") or ""
        return text if raw else media_references(to_markdown(text, holder.get("format")))

    def rich_at(self, path: str) -> str:
        return self.rich(self.element.find(path))

    def optional(self, holder: ET.Element | None) -> str | None:
        text = self.rich(holder)
        return text if text.strip() else None

    def _keep_file(self, file: ET.Element) -> None:
        # Keyed as the text references it: Moodle URL-encodes names in @@PLUGINFILE@@ links.
        name = quote(file.get("name") or "")
        if (file.get("encoding") or "base64") != "base64" or not name:
            self.drop(f"an embedded file {name!r} that is not base64")
            return
        data = base64.b64decode(file.text or "")
        if self.out.media.get(name, data) != data:
            self.drop(f"a second, different embedded file named {name!r}")
            return
        self.out.media[name] = data

    def base(self, qtype: str) -> dict:
        element = self.element
        question = {
            "type": qtype,
            "title": title(element),
            "prompt": self.rich_at("questiontext"),
        }
        self._common_notes()
        return question

    def finish(self, question: dict) -> Converted:
        question["explanation"] = self.optional(self.element.find("generalfeedback"))
        if self.element.findtext("quizapp_section"):
            question["section"] = self.element.findtext("quizapp_section")
        tags = [tag.findtext("text") or "" for tag in self.element.findall("tags/tag")]
        question["tags"] = [tag for tag in tags if tag.strip()]
        self.out.question = question
        return self.out

    def _common_notes(self) -> None:
        element = self.element
        combined = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
        if any(plain(element, f"{name}/text") for name in combined):
            self.drop("combined feedback (correct / partially correct / incorrect)")
        if element.findall("hint"):
            self.drop("hints for multiple tries")
        if plain(element, "hidden") == "1":
            self.drop("hidden in Moodle (imported as visible)")

    def answers(self) -> list[tuple[float, ET.Element]]:
        return [(_fraction(a), a) for a in self.element.findall("answer")]


def _fraction(answer: ET.Element) -> float:
    try:
        return _finite(float(answer.get("fraction", "0")))
    except ValueError:
        raise ValueError(f"answer fraction {answer.get('fraction')!r} is not a number") from None


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("infinite or NaN")
    return value


def _flag(element: ET.Element, path: str, default: bool) -> bool:
    value = plain(element, path).lower()
    return default if not value else value in ("1", "true", "yes")


# --- the types ------------------------------------------------------------------------


def multichoice(element: ET.Element) -> Converted:
    reader = _Reader(element)
    single = _flag(element, "single", True)
    question = reader.base("single_choice" if single else "multiple_response")
    numbering = plain(element, "answernumbering")
    if numbering not in ("", "abc", "none"):
        reader.drop(f"answer numbering {numbering!r} (QuizApp does not number choices)")
    answers = reader.answers()
    choices = [
        {"text": reader.rich(a), "feedback": reader.optional(a.find("feedback"))}
        for _, a in answers
    ]
    if single:
        full = [i for i, (fraction, _) in enumerate(answers) if fraction >= FULL]
        if len(full) != 1:
            raise Skipped(f"a single-answer question needs one right answer, it has {len(full)}")
        if any(0 < fraction < FULL for fraction, _ in answers):
            reader.drop("partial credit on a single-answer question")
        if any(fraction < 0 for fraction, _ in answers):
            reader.drop("penalties for wrong answers of a single-answer question")
        for index, choice in enumerate(choices):
            choice["correct"] = index == full[0]
    else:
        for (fraction, _), choice in zip(answers, choices, strict=True):
            choice["weight"] = fraction
    question["choices"] = choices
    if not _flag(element, "shuffleanswers", True):
        question["shuffle"] = False  # "all of the above" stays last, as in Moodle
    return reader.finish(question)


def truefalse(element: ET.Element) -> Converted:
    reader = _Reader(element)
    question = reader.base("true_false")
    by_side: dict[str, tuple[float, str | None]] = {}
    for fraction, answer in reader.answers():
        side = html_to_plain(answer.findtext("text") or "").lower()
        by_side[side] = (fraction, reader.optional(answer.find("feedback")))
    if set(by_side) != {"true", "false"}:
        raise ValueError("a true/false question needs a 'true' and a 'false' answer")
    question["answer"] = by_side["true"][0] > by_side["false"][0]
    question["feedback_true"] = by_side["true"][1]
    question["feedback_false"] = by_side["false"][1]
    return reader.finish(question)


def shortanswer(element: ET.Element) -> Converted:
    reader = _Reader(element)
    question = reader.base("short_answer")
    answers = []
    for fraction, answer in reader.answers():
        # Moodle keeps answers as plain text; grading trims and collapses spaces anyway.
        text = answer.findtext("text") or ""
        feedback = reader.optional(answer.find("feedback"))
        if text.strip() == "*":
            reader.drop("the `*` any-other-answer and its feedback")
            continue
        if "*" in text:
            reader.drop("`*` wildcards inside answers (matched literally)")
        answers.append({"text": text, "weight": max(fraction, 0.0), "feedback": feedback})
    question["answers"] = answers
    question["accent_insensitive"] = plain(element, "quizapp_accent_insensitive") == "1"
    if plain(element, "usecase") == "1":
        question["case_sensitive"] = True
    return reader.finish(question)


def numerical(element: ET.Element) -> Converted:
    reader = _Reader(element)
    question = reader.base("numeric")
    if element.findall("units/unit") or plain(element, "unitgradingtype") not in ("", "0"):
        reader.drop("units (ignored: only the number is graded)")
    answers = []
    for fraction, answer in reader.answers():
        text = html_to_plain(answer.findtext("text") or "")
        feedback = reader.optional(answer.find("feedback"))
        if text == "*":
            reader.drop("the `*` any-other-answer and its feedback")
            continue
        tolerance = plain(answer, "tolerance") or "0"
        weight = max(fraction, 0.0)
        if plain(answer, "quizapp_min") and plain(answer, "quizapp_max"):  # our own range
            low, high = _number(plain(answer, "quizapp_min")), _number(plain(answer, "quizapp_max"))
            answers.append({"min": low, "max": high, "weight": weight, "feedback": feedback})
            continue
        value = {"value": _number(text), "tolerance": abs(_number(tolerance))}
        answers.append({**value, "weight": weight, "feedback": feedback})
    question["answers"] = answers
    return reader.finish(question)


def _number(text: str) -> float:
    try:
        return _finite(float(text.replace(",", ".")))
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def matching(element: ET.Element) -> Converted:
    reader = _Reader(element)
    # Moodle's shuffleanswers shuffles a matching question's stems; its options are always
    # shuffled. QuizApp keeps the stems in order and shuffles the options: shuffleanswers
    # 0 is exactly that, and 1 (the default) is not worth a report on every question.
    question = reader.base("matching")
    pairs, distractors = [], []
    for sub in element.findall("subquestion"):
        left = reader.rich(sub)
        right = sub.findtext("answer/text") or ""
        if left.strip():
            pairs.append({"left": left, "right": right})
        elif right.strip():
            distractors.append(right)
    question["pairs"] = pairs
    question["distractors"] = distractors
    return reader.finish(question)


def cloze(element: ET.Element) -> Converted:
    """Embedded answers are cut out of the raw text before it becomes Markdown (which would
    escape their syntax); the text before the paragraph of the first blank is the prompt."""
    reader = _Reader(element)
    holder = element.find("questiontext")
    raw = reader.rich(holder, raw=True)
    blanks: list[moodle_cloze.Blank] = []

    def cut(match: re.Match[str]) -> str:
        try:
            blanks.append(moodle_cloze.read_blank(match))
        except moodle_cloze.NotABlank as exc:
            raise Skipped(f"its blank {match[0][:40]!r} is {exc}") from None
        return _PLACEHOLDER.format(len(blanks))

    marked = moodle_cloze.EMBEDDED.sub(cut, raw)
    if not blanks:
        raise Skipped("it has no embedded answers")
    fmt = holder.get("format") if holder is not None else None
    markdown = media_references(to_markdown(marked, fmt))
    full = _PLACEHOLDERS.sub(lambda m: f"{{{{{m[1]}}}}}", markdown)
    first = full.find("{{1}}")
    split = full.rfind("\n\n", 0, first)
    question = {"type": "cloze", "title": title(element)}
    question["prompt"] = full[:split] if split >= 0 else CLOZE_PROMPT
    question["text"] = full[split + 2 :] if split >= 0 else full
    question["blanks"] = [blank.blank for blank in blanks]
    for number in plain(element, "quizapp_accent_insensitive_blanks").split():
        if number.isascii() and number.isdigit() and 0 < int(number) <= len(blanks):
            question["blanks"][int(number) - 1]["accent_insensitive"] = True
    for blank in blanks:
        reader.out.dropped += blank.dropped
    # QuizApp shuffles a question's drop-downs together or not at all.
    shuffled = {blank.shuffled for blank in blanks} - {None}
    if shuffled == {False}:
        question["shuffle"] = False
    elif len(shuffled) > 1:
        reader.drop("drop-downs kept in order beside shuffled ones (all are shuffled)")
    if len({blank.weight for blank in blanks}) > 1:
        reader.drop("different marks per blank (each blank counts the same)")
    reader._common_notes()
    return reader.finish(question)


def essay(element: ET.Element) -> Converted:
    """Moodle's word limit, grader information and response template are kept; what a
    QuizApp essay does not do (attachments, a minimum length) is reported."""
    reader = _Reader(element)
    question = reader.base("essay")
    limit = plain(element, "maxwordlimit")
    digits = limit.isascii() and limit.isdigit() and len(limit) <= 6
    question["max_words"] = int(limit) if digits and int(limit) > 0 else None
    holder = element.find("responsetemplate")
    template = (holder.findtext("text") or "") if holder is not None else ""
    if holder is not None and holder.get("format") != "plain_text":
        template = html_to_plain(template)
    question["response_template"] = template if template.strip() else None
    question["grader_notes"] = reader.optional(element.find("graderinfo"))
    if plain(element, "attachments") not in ("", "0"):
        reader.drop("file attachments (QuizApp essays are text)")
    if plain(element, "minwordlimit") not in ("", "0"):
        reader.drop("a minimum word count")
    return reader.finish(question)


def description(element: ET.Element) -> Converted:
    reader = _Reader(element)
    return reader.finish(reader.base("description"))


CONVERTERS: dict[str, Callable[[ET.Element], Converted]] = {
    "essay": essay,
    "description": description,
    "multichoice": multichoice,
    "truefalse": truefalse,
    "shortanswer": shortanswer,
    "numerical": numerical,
    "matching": matching,
    "cloze": cloze,
    "multianswer": cloze,  # the type's internal name; exports write "cloze"
}
