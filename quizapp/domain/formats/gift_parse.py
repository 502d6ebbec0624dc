"""Turn one GIFT question (title, stem and answer block) into a normalised question dict."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.domain.formats.gift_syntax import (
    BLANK,
    DEFAULT_CLOZE_PROMPT,
    MISSING_WORD,
    GiftSyntaxError,
    decode,
    find_unescaped,
    parse_number,
    split_unescaped,
    take_format,
)

_WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
# Each digit belongs to one quantifier only (`\d+(?:\.\d*)?`, never `\d+\.?\d*`): with two
# that can share a digit run, a failed match tries every split of it and `{#` + 16,000
# digits + `x}` took 23 s.
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"({_NUMBER})\.\.({_NUMBER})")
_TOLERANCE = re.compile(rf"({_NUMBER})(?::({_NUMBER}))?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# An answer: its marker (none before the first), then text up to the next unescaped marker;
# a backslash takes the character after it along (a final one stays in the text).
_ANSWER_PARTS = re.compile(r"([=~]?)((?:[^\\=~]+|\\.?)*)", re.DOTALL)


@dataclass(frozen=True)
class Unsupported:
    """Something GIFT can say that QuizApp cannot hold (a numeric other-answer...)."""

    kind: str
    title: str | None


@dataclass
class _Answer:
    marker: str  # "=", "~" or "" for text before any marker ({One} short answers)
    weight: float | None
    text: str
    feedback: str | None


def _split_answers(raw: str) -> list[tuple[str, str]]:
    """Cut an answer block at every unescaped `=` or `~` (each starts an answer)."""
    return [(m, seg) for m, seg in _ANSWER_PARTS.findall(raw) if m or seg.strip()]


def _read_answer(marker: str, seg: str, fmt: str, with_feedback: bool = True) -> _Answer:
    """One answer: optional `%weight%`, optional format tag, text, optional `#feedback`."""
    weight = None
    match = _WEIGHT.match(seg)
    if match:
        weight = parse_number(match.group(1))
        seg = seg[match.end() :]
    feedback = None
    cut = find_unescaped(seg, "#") if with_feedback else -1
    if cut >= 0:
        fb_fmt, fb_raw = take_format(seg[cut + 1 :], fmt)
        feedback = decode(fb_raw, fb_fmt) or None
        seg = seg[:cut]
    text_fmt, text_raw = take_format(seg, fmt)
    return _Answer(marker, weight, decode(text_raw, text_fmt), feedback)


# --- question structure ----------------------------------------------------------------


def parse_question(
    raw: str, cloze_prompt: str = DEFAULT_CLOZE_PROMPT
) -> tuple[dict | None, list[Unsupported]]:
    """Parse one question's text (comments already removed) into a normalised dict.

    Returns the question (None when it is unsupported) and what could not be kept.
    Keys come in the bank format's order; `id` is left None for the caller to assign.
    """
    title, rest = _split_title(raw)
    fmt, rest = take_format(rest, "moodle")
    offset = len(raw) - len(rest)
    start = find_unescaped(rest, "{")
    stray = find_unescaped(rest[: start if start >= 0 else len(rest)], "}")
    if stray >= 0:
        raise GiftSyntaxError("unescaped '}' outside an answer block (write \\})", offset + stray)
    if start < 0:
        # GIFT rule: text without an answer block is a "description" (nothing to answer).
        question = {"id": None, "type": "description", "title": title}
        question.update(prompt=decode(rest, fmt), explanation=None)
        question.update(tags=[], section=None, lesson=None)
        return question, []
    end = find_unescaped(rest, "}", start + 1)
    if end < 0:
        raise GiftSyntaxError("answer block opened with '{' is never closed", offset + start)
    nested = find_unescaped(rest[:end], "{", start + 1)
    if nested >= 0:
        raise GiftSyntaxError("unescaped '{' inside an answer block", offset + nested)
    after = rest[end + 1 :]
    extra = max(find_unescaped(after, "{"), find_unescaped(after, "}"))
    if extra >= 0:
        raise GiftSyntaxError("only one answer block per question", offset + end + 1 + extra)
    block, explanation = _split_general_feedback(rest[start + 1 : end], fmt)
    stem = _Stem(rest[:start], after, fmt, title, cloze_prompt)
    try:
        question, dropped = _interpret_block(block, stem)
    except GiftSyntaxError as exc:
        raise GiftSyntaxError(str(exc), offset + start) from None
    if question is not None:
        question.update(explanation=explanation, tags=[], section=None, lesson=None)
    return question, dropped


def _split_title(raw: str) -> tuple[str | None, str]:
    """GIFT rule: `::title::` opens a question; `\\:` keeps a colon inside the title."""
    stripped = raw.lstrip()
    if not stripped.startswith("::"):
        return None, raw
    end = find_unescaped(stripped, "::", 2)
    if end < 0:
        raise GiftSyntaxError("title opened with '::' is never closed", len(raw) - len(stripped))
    return decode(stripped[2:end], "moodle") or None, stripped[end + 2 :]


def _split_general_feedback(block: str, fmt: str) -> tuple[str, str | None]:
    """GIFT rule: `####` starts the general feedback, shown whatever the answer."""
    cut = find_unescaped(block, "####")
    if cut < 0:
        return block, None
    fb_fmt, fb_raw = take_format(block[cut + 4 :], fmt)
    return block[:cut], decode(fb_raw, fb_fmt) or None


@dataclass
class _Stem:
    before: str
    after: str
    fmt: str
    title: str | None
    cloze_prompt: str

    @property
    def embedded(self) -> bool:
        # GIFT "missing word": text after the block means the block sits inside the text.
        return bool(self.after.strip())

    def prompt(self, placeholder: str = MISSING_WORD) -> str:
        if not self.embedded:
            return decode(self.before, self.fmt)
        return decode(self.before + placeholder + self.after, self.fmt)

    def base(self, qtype: str) -> dict:
        return {"id": None, "type": qtype, "title": self.title, "prompt": self.prompt()}


def _interpret_block(block: str, stem: _Stem) -> tuple[dict | None, list[Unsupported]]:
    """Pick the question type the way Moodle's GIFT importer does, from the block alone."""
    body = block.strip()
    if not body:  # GIFT rule: an empty block `{}` is an essay
        essay = {**stem.base("essay"), "max_words": None, "response_template": None}
        return {**essay, "grader_notes": None}, []
    if body.startswith("#"):
        return _numeric(body[1:], stem)
    head_end = find_unescaped(body, "#")
    if body[: head_end if head_end >= 0 else len(body)].strip() in _TRUE_FALSE:
        return _true_false(body, stem), []
    answers = _split_answers(body)
    if any(marker == "~" for marker, _ in answers):
        return _choices(answers, stem)
    if all(marker == "=" and "->" in seg for marker, seg in answers):
        return _matching(answers, stem), []
    return _short_answer(answers, stem), []


def _true_false(body: str, stem: _Stem) -> dict:
    """GIFT rule (format.php split_truefalse_comment): `{TRUE#wrong feedback#right feedback}`."""
    parts = split_unescaped(body, "#")
    if len(parts) > 3:
        raise GiftSyntaxError("true/false takes at most two feedbacks: {T#wrong#right}")
    answer = _TRUE_FALSE[parts[0].strip()]
    feedbacks = []
    for part in parts[1:]:
        fb_fmt, fb_raw = take_format(part, stem.fmt)
        feedbacks.append(decode(fb_raw, fb_fmt) or None)
    wrong, right = (feedbacks + [None, None])[:2]
    question = stem.base("true_false")
    question["answer"] = answer
    question["feedback_true"] = right if answer else wrong
    question["feedback_false"] = wrong if answer else right
    return question


def _choices(parts: list[tuple[str, str]], stem: _Stem) -> tuple[dict, list[Unsupported]]:
    """`~` marks a multiple-choice block (Moodle format.php).

    As in Moodle, one `=` makes a single-answer question and none (only `~%n%` weights)
    a multiple-answer one; several `=` become multiple response too, since a single
    choice has exactly one right answer. Moodle's partial credit on a single-answer
    question (`~%50%`) has no place in a single choice: it is dropped and reported.
    """
    answers = [_read_answer(m, seg, stem.fmt) for m, seg in parts]
    if any(a.marker == "" for a in answers):
        raise GiftSyntaxError("text before the first '=' or '~' in a multiple-choice block")
    correct = [a for a in answers if a.marker == "="]
    if len(correct) != 1:
        return _multiple_response(answers, stem), []
    partial = any(
        a.weight is not None and (a.weight > 0 if a.marker == "~" else a.weight != 100)
        for a in answers
    )
    dropped = [Unsupported("partial credit on a single-answer choice", stem.title)]
    dropped = dropped if partial else []
    if stem.embedded and not any(a.feedback for a in answers):
        blank = {"answers": [correct[0].text], "options": [a.text for a in answers]}
        return _cloze(blank, stem), dropped
    question = stem.base("single_choice")
    question["choices"] = [
        {"text": a.text, "correct": a.marker == "=", "feedback": a.feedback} for a in answers
    ]
    return question, dropped


def _multiple_response(answers: list[_Answer], stem: _Stem) -> dict:
    """Explicit `%n%` weights are kept; unweighted `=` share +100 and unweighted `~` -100.

    That sharing is the bank format's rule for `correct: true/false` choices, so a
    select-all-that-apply block such as `{=spring =summer ~easter}` grades the same.
    """
    plain_right = sum(1 for a in answers if a.weight is None and a.marker == "=")
    plain_wrong = sum(1 for a in answers if a.weight is None and a.marker == "~")
    choices = []
    for a in answers:
        if a.weight is not None:
            weight = a.weight
        elif a.marker == "=":
            weight = 100 / plain_right
        else:
            weight = -100 / plain_wrong
        choices.append({"text": a.text, "weight": weight, "feedback": a.feedback})
    if not any(c["weight"] > 0 for c in choices):
        raise GiftSyntaxError("multiple choice without a right answer (mark it with '=')")
    question = stem.base("multiple_response")
    question["choices"] = choices
    return question


def _short_answer(parts: list[tuple[str, str]], stem: _Stem) -> dict:
    """Only `=` answers (or one bare answer, `{One}`): every one is accepted text."""
    answers = [_read_answer(m, seg, stem.fmt) for m, seg in parts]
    if not answers:
        raise GiftSyntaxError("short answer without answers")
    plain = all(a.weight in (None, 100) and not a.feedback for a in answers)
    if stem.embedded and plain:
        return _cloze({"answers": [a.text for a in answers], "options": None}, stem)
    question = stem.base("short_answer")
    question["answers"] = [
        {"text": a.text, "weight": 100.0 if a.weight is None else a.weight, "feedback": a.feedback}
        for a in answers
    ]
    question["accent_insensitive"] = False
    return question


def _cloze(blank: dict, stem: _Stem) -> dict:
    """A missing-word block becomes a one-blank cloze; earlier paragraphs are the prompt.

    Splitting at the last blank line before the blank lets a cloze's instructions
    (its `prompt`) survive an export to GIFT and back.
    """
    full = stem.prompt(BLANK)
    cut = full.rfind("\n\n", 0, full.find(BLANK))
    question = stem.base("cloze")
    question["prompt"] = full[:cut].strip() if cut >= 0 else stem.cloze_prompt
    question["text"] = full[cut:].strip() if cut >= 0 else full
    question["blanks"] = [{**blank, "accent_insensitive": False}]
    return question


def _matching(parts: list[tuple[str, str]], stem: _Stem) -> dict:
    """GIFT rule: `=left -> right`; an empty left side (`= -> x`) is an extra wrong right."""
    pairs, distractors = [], []
    for marker, seg in parts:
        answer = _read_answer(marker, seg, stem.fmt, with_feedback=False)
        left, _, right = answer.text.partition("->")
        if left.strip():
            pairs.append({"left": left.strip(), "right": right.strip()})
        else:
            distractors.append(right.strip())
    question = stem.base("matching")
    question["pairs"] = pairs
    question["distractors"] = distractors
    return question


def _numeric(body: str, stem: _Stem) -> tuple[dict, list[Unsupported]]:
    """`{#3.5:0.1}`, `{#1..5}` or several `=%w%value:tolerance#feedback` answers."""
    parts = _split_answers(body)
    if len(parts) == 1 and parts[0][0] == "":
        parts = [("=", parts[0][1])]
    answers, dropped = [], []
    for marker, seg in parts:
        answer = _read_answer(marker, seg, stem.fmt)
        if marker == "":
            raise GiftSyntaxError("numeric answers after the first must start with '='")
        if marker == "~" and answer.text in ("", "*"):
            # Moodle's "any other answer" earns 0 anyway; only its feedback is lost.
            dropped.append(Unsupported("numeric other-answer feedback", stem.title))
            continue
        weight = 0.0 if marker == "~" else answer.weight
        answers.append(
            {
                **_numeric_value(answer.text),
                "weight": 100.0 if weight is None else weight,
                "feedback": answer.feedback,
            }
        )
    question = stem.base("numeric")
    question["answers"] = answers
    return question, dropped


def _numeric_value(text: str) -> dict:
    """GIFT numbers: `min..max` is a range, `value:tolerance` a value with a margin."""
    compact = text.replace(" ", "")
    match = _RANGE.fullmatch(compact)
    if match:
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
        return {"min": min(low, high), "max": max(low, high)}
    match = _TOLERANCE.fullmatch(compact)
    if not match:
        # Quote at most a line of it: a 2 MiB digit run must not come back in the message.
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise GiftSyntaxError(f"not a number, value:tolerance or min..max: {shown!r}")
    tolerance = parse_number(match.group(2)) if match.group(2) else 0.0
    return {"value": parse_number(match.group(1)), "tolerance": tolerance}
