"""Render one normalised question as GIFT, escaping whatever GIFT would read as markup."""

from __future__ import annotations

import re

from quizapp.domain.formats.gift_parse import BLANK, SPECIAL
from quizapp.domain.questions.tables import NOT_SELF_RATED, per_type_table

# An answer that starts like a weight or a format tag would be misread, so it gets an
# explicit [markdown] tag first: the parser strips only one tag and reads no weight after it.
_LOOKS_LIKE_MARKUP = re.compile(r"\s*(%|\[(html|moodle|plain|markdown)\])")


class Inexpressible(ValueError):
    """A question GIFT cannot say; the message is the reason given to the author."""


def escape(text: str) -> str:
    """Backslash GIFT's control characters `~ = # { } :` and the backslash; `\\n` for newlines."""
    out = text.replace("\\", "\\\\")
    for char in SPECIAL:
        out = out.replace(char, "\\" + char)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _answer_text(text: str) -> str:
    escaped = escape(text.strip())
    return "[markdown]" + escaped if _LOOKS_LIKE_MARKUP.match(escaped) else escaped


def _feedback(text: str | None) -> str:
    return "#" + _answer_text(text) if text and text.strip() else ""


def format_number(number: float) -> str:
    """Shortest text that reads back as the same number (`3`, `3.5`, `1e-05`)."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def format_weight(weight: float) -> str:
    """Five decimals, as Moodle writes `%33.33333%`, without trailing zeros."""
    return f"{weight:.5f}".rstrip("0").rstrip(".")


def render_question(question: dict) -> str:
    """The GIFT text of one question (id and tags as Moodle's `// [id:]` comments)."""
    renderer = _RENDERERS.get(question.get("type", ""))
    if renderer is None:
        raise Inexpressible(f"GIFT has no {question.get('type')!r} questions")
    head = _comments(question)
    if question.get("title"):
        head += "::" + escape(question["title"].strip()) + "::"
    return head + renderer(question)


def _comments(question: dict) -> str:
    lines = [f"// [id:{question['id']}]"] if question.get("id") else []
    tags = [t for t in question.get("tags") or [] if t.strip()]
    if tags:
        lines.append("// " + " ".join(f"[tag:{_tag(t)}]" for t in tags))
    return "".join(line + "\n" for line in lines)


def _tag(tag: str) -> str:
    # Moodle's tag comment syntax escapes a closing bracket as `\]`.
    return " ".join(tag.split()).replace("]", "\\]")


def _stem(question: dict) -> str:
    # Prompts are Markdown, and saying so makes GIFT keep their line breaks and spaces.
    return "[markdown]" + escape(question.get("prompt", "").strip())


def _block(lines: list[str], question: dict) -> str:
    if question.get("explanation") and question["explanation"].strip():
        lines = [*lines, "####" + _answer_text(question["explanation"])]
    return "{\n" + "\n".join(lines) + "\n}"


def _single_choice(question: dict) -> str:
    lines = [
        ("=" if c.get("correct") else "~") + _answer_text(c["text"]) + _feedback(c.get("feedback"))
        for c in question["choices"]
    ]
    return _stem(question) + _block(lines, question)


def _multiple_response(question: dict) -> str:
    # GIFT rule: `~%n%` marks a weighted choice of a multiple-answer question.
    lines = [
        f"~%{format_weight(c['weight'])}%" + _answer_text(c["text"]) + _feedback(c.get("feedback"))
        for c in question["choices"]
    ]
    return _stem(question) + _block(lines, question)


def _true_false(question: dict) -> str:
    # GIFT rule: {TRUE#feedback when wrong#feedback when right}.
    answer = bool(question["answer"])
    wrong = question.get("feedback_false" if answer else "feedback_true")
    right = question.get("feedback_true" if answer else "feedback_false")
    body = "TRUE" if answer else "FALSE"
    if wrong or right:
        body += "#" + _answer_text(wrong or "") + _feedback(right)
    return _stem(question) + _block([body], question)


def _short_answer(question: dict) -> str:
    return _stem(question) + _block(_accepted(question["answers"]), question)


def _accepted(answers: list[dict]) -> list[str]:
    """`=` answers; Moodle reads an `=` block holding `->` anywhere as matching pairs."""
    if any("->" in a["text"] or "->" in (a.get("feedback") or "") for a in answers):
        raise Inexpressible("an accepted answer contains '->', which GIFT reads as matching")
    lines = []
    for answer in answers:
        weight = answer.get("weight", 100)
        prefix = "=" if weight == 100 else f"=%{format_weight(weight)}%"
        lines.append(prefix + _answer_text(answer["text"]) + _feedback(answer.get("feedback")))
    return lines


def _numeric(question: dict) -> str:
    answers = question.get("answers")
    if answers is None:  # the bank format's shorthand: answer + tolerance
        answers = [{"value": question["answer"], "tolerance": question.get("tolerance", 0)}]
    only = answers[0]
    if len(answers) == 1 and only.get("weight", 100) == 100 and not only.get("feedback"):
        return _stem(question) + _block(["#" + _numeric_value(only)], question)
    lines = ["#"]
    for answer in answers:
        weight = answer.get("weight", 100)
        prefix = "=" if weight == 100 else f"=%{format_weight(weight)}%"
        lines.append(prefix + _numeric_value(answer) + _feedback(answer.get("feedback")))
    return _stem(question) + _block(lines, question)


def _numeric_value(answer: dict) -> str:
    if "min" in answer:
        return f"{format_number(answer['min'])}..{format_number(answer['max'])}"
    value = format_number(answer["value"])
    tolerance = answer.get("tolerance") or 0
    return f"{value}:{format_number(tolerance)}" if tolerance else value


def _matching(question: dict) -> str:
    lines = []
    for pair in question["pairs"]:
        if "->" in pair["left"]:
            raise Inexpressible("a left-hand item contains '->', GIFT's pair separator")
        lines.append("=" + _answer_text(pair["left"]) + " -> " + escape(pair["right"].strip()))
    # GIFT rule: a pair with an empty left side is an extra, never-matching right item.
    lines += ["= -> " + escape(d.strip()) for d in question.get("distractors") or []]
    return _stem(question) + _block(lines, question)


def _cloze(question: dict) -> str:
    """A one-blank cloze is GIFT's missing-word form: `before {answers} after`."""
    blanks = question.get("blanks") or []
    text = question.get("text", "")
    if len(blanks) != 1 or text.count(BLANK) != 1:
        raise Inexpressible("GIFT's missing-word form holds exactly one blank")
    blank = blanks[0]
    options = blank.get("options")
    if options:
        right = [o for o in options if o in blank["answers"]]
        if len(right) != 1:
            raise Inexpressible("a drop-down blank needs exactly one right option for GIFT")
        lines = [("=" if o in right else "~") + _answer_text(o) for o in options]
    else:
        lines = _accepted([{"text": a} for a in blank["answers"]])
    before, after = text.split(BLANK)
    prompt = question.get("prompt", "").strip()
    if prompt:
        before = prompt + "\n\n" + before.lstrip()
    stem = "[markdown]" + escape(before.lstrip())
    return stem + _block(lines, question) + escape(after.rstrip())


def _essay(question: dict) -> str:
    """GIFT rule: an empty block is an essay. GIFT has no word limit, template or grader
    notes (Moodle's own GIFT export leaves them out too): the essay travels without them."""
    explained = question.get("explanation") and question["explanation"].strip()
    return _stem(question) + (_block([], question) if explained else "{}")


def _description(question: dict) -> str:
    """GIFT rule: text without an answer block is a description; it has no general
    feedback, so an explanation cannot travel."""
    if question.get("explanation") and question["explanation"].strip():
        raise Inexpressible("a GIFT description has no place for an explanation")
    return _stem(question)


# Flashcards have no GIFT form: writing one raises Inexpressible, reported as left out.
_RENDERERS = per_type_table(
    "GIFT writer",
    {
        "single_choice": _single_choice,
        "multiple_response": _multiple_response,
        "true_false": _true_false,
        "short_answer": _short_answer,
        "numeric": _numeric,
        "matching": _matching,
        "cloze": _cloze,
        "essay": _essay,
        "description": _description,
    },
    scorings=NOT_SELF_RATED,
)
