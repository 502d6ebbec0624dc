"""The drafting rules: each turns a sentence, a comparison, a list or a table of a lesson's
notes into raw candidate questions, named by rule with a confidence."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from quizapp.domain.drafting_sentences import (
    action_drafts,
    apposition_drafts,
    clip,
    first_clause,
    negation_drafts,
    statement_of,
)
from quizapp.domain.lesson_notes import (
    ListBlock,
    Sentence,
    Table,
    TextBlock,
)

COMPARISON = re.compile(r",?\s+(?:mientras\s+que|whereas)\s+|,\s+while\s+", re.IGNORECASE)
_NAMED = re.compile(
    r"\b(?:llamad[oa]s?|denominad[oa]s?|conocid[oa]s?\s+como|se\s+llama|called|named|"
    r"known\s+as)\s+((?:[A-ZÁÉÍÓÚÑ][\w.+#-]*\d*)(?:\s+[A-ZÁÉÍÓÚÑ][\w.+#-]*)*)"
)
# Acronyms (ORM, MVC, API REST) and names with digits (Jinja2, HTML5): terms notes rarely bold.
_KEY_TERM = re.compile(r"\b(?:[A-Z]{2,6}(?:\s+[A-Z]{2,6})*|[A-Za-z]+\d+[a-z]*)\b")
# "Flask es un framework…": a short subject, a copula, then an article.
# Names of two or more capitalised words inside a sentence: "Google Drive", "Flask Extensions".
_PROPER_NAME = re.compile(r"(?<=[\w,;(] )((?:[A-ZÁÉÍÓÚÑ][\w.+#-]*\s+)+[A-ZÁÉÍÓÚÑ][\w.+#-]*)")
_DEFINITION = re.compile(
    r"^(?P<term>.{2,40}?)\s+(?:es|son|is|are)\s+"
    r"(?P<rest>(?:un|una|el|la|los|las|a|an|the)\s.+)$"
)
_NUMBER_VALUES = (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 40, 50, 100, 1000)
# "un/una/one" are left out: far more often an article or pronoun than a count.
_NUMBER_WORDS = {
    language: dict(zip(words.split(), _NUMBER_VALUES, strict=True))
    for language, words in (
        (
            "es",
            "dos tres cuatro cinco seis siete ocho nueve diez once doce quince veinte "
            "treinta cuarenta cincuenta cien mil",
        ),
        (
            "en",
            "two three four five six seven eight nine ten eleven twelve fifteen twenty "
            "thirty forty fifty hundred thousand",
        ),
    )
}
# Digits standing alone: not part of Jinja2, a version 3.10 or a path.
_DIGITS = r"(?<![\w.,/-])\d+(?:[.,]\d+)?(?![\w/-]|[.,]\d)"
TEXTS = {
    "es": {
        "list": "Según la lección, ¿cuáles de estas opciones corresponden a «{label}»?",
        "define": "¿Qué es {term}?",
        "term": "{term} ({context})",
        "match": "Relaciona cada afirmación con {a} o {b}, según la lección.",
        "table": "Relaciona cada «{left}» con su valor para «{right}».",
        "number": "Completa con un número: «{text}»",
        "cloze": "Completa la frase de la lección.",
        "source": "En la lección: «{text}»",
        "does": "Según la lección, ¿qué hace {subject}?",
        "does_plural": "Según la lección, ¿qué hacen {subject}?",
        "listed": "Según la lección, «{item}» forma parte de «{label}».",
    },
    "en": {
        "list": "According to the lesson, which of these belong to “{label}”?",
        "define": "What is {term}?",
        "term": "{term} ({context})",
        "match": "Match each statement with {a} or {b}, as the lesson says.",
        "table": "Match each “{left}” with its value for “{right}”.",
        "number": "Fill in the number: “{text}”",
        "cloze": "Complete the sentence from the lesson.",
        "source": "In the lesson: “{text}”",
        "does": "According to the lesson, what does {subject} do?",
        "does_plural": "According to the lesson, what do {subject} do?",
        "listed": "According to the lesson, “{item}” is listed under “{label}”.",
    },
}
MAX_TEXT = 240

# A rule's output: the raw question, then (rule name, confidence, the block it came from).
Candidate = tuple[dict[str, Any], tuple[str, float, "TextBlock | ListBlock | Table"]]


# --- wording ------------------------------------------------------------------------------


def source(text: str, texts: Mapping[str, str]) -> str:
    return texts["source"].format(text=clip(text))


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- rules on one sentence: definitions, named terms, numbers -------------------------------


def sentence_drafts(
    sentence: Sentence, texts: Mapping[str, str], language: str, listed: bool = False
):
    """Every sentence rule; `listed` sentences (items of a labelled list) leave their
    negations to `list_drafts`, which words them with the list's label."""
    yield from _definition_flashcard(sentence, texts)
    yield from apposition_drafts(sentence, texts, language)
    yield from action_drafts(sentence, texts, language)
    if not listed:
        yield from negation_drafts(sentence, texts, language)
    yield from _term_cloze(sentence, texts)
    yield from _number_drafts(sentence, texts, language)


def _definition_flashcard(sentence: Sentence, texts: Mapping[str, str]):
    text = sentence.text.rstrip(".")
    block = sentence.block
    first = sentence.strong[0] if sentence.strong else None
    if first and first[0] == 0 and text[first[1] : first[1] + 1] == ":":
        term, rest = text[: first[1]], text[first[1] + 1 :].strip()
        context = block.section.title or ""
        front = texts["term"].format(term=term, context=context) if context else term
        if len(rest.split()) >= 3:
            yield (
                {"type": "flashcard", "prompt": front, "back": capitalised(rest) + "."},
                ("definition", 0.7, block),
            )
        return
    match = _DEFINITION.match(text)
    if match is None or len(match.group("term").split()) > 3:
        return
    term = match.group("term")
    if not (term[:1].isupper() or (first and first[0] == 0)):
        return
    confidence = 0.75 if first and first[0] == 0 else 0.6
    back = capitalised(first_clause(match.group("rest"))) + "."
    yield (
        {"type": "flashcard", "prompt": texts["define"].format(term=term), "back": back},
        ("definition", confidence, block),
    )


def _term_cloze(sentence: Sentence, texts: Mapping[str, str]):
    """Blank up to two key terms: named ("llamado X"), bold, then acronyms and names with
    digits. A sentence too long to read as a blank-filler gives its clauses instead."""
    if "{{" in sentence.text:
        return
    if len(sentence.text) <= MAX_TEXT:
        question = _cloze(sentence.text, sentence.strong, texts, 0.0)
        if question is not None:
            yield question[0], ("term", question[1], sentence.block)
        return
    offset = 0
    clauses = sentence.text.split(", ")
    for number, clause in enumerate(clauses):
        spans = [
            (s - offset, e - offset)
            for s, e in sentence.strong
            if s >= offset and e <= offset + len(clause)
        ]
        question = _cloze(clause, spans, texts, 0.65) if len(clause.split()) >= 5 else None
        if question is not None:
            cloze, confidence = question
            lead = "… " if number else ""
            tail = " …" if number < len(clauses) - 1 else ""
            cloze["text"] = f"{lead}{cloze['text']}{tail}"
            yield cloze, ("term", confidence - 0.1, sentence.block)
        offset += len(clause) + 2


def _cloze(
    text: str, strong: list[tuple[int, int]], texts: Mapping[str, str], least: float
) -> tuple[dict[str, Any], float] | None:
    spans = [(m.start(1), m.end(1), 0.75) for m in _NAMED.finditer(text)]
    for start, end in strong:
        is_label = start == 0 and text[end : end + 1] == ":"
        if (
            not is_label
            and end - start < len(text.rstrip(".:"))
            and len(text[start:end].split()) <= 5
        ):
            spans.append((start, end, 0.65))
    spans += [(m.start(1), m.end(1), 0.6) for m in _PROPER_NAME.finditer(text)]
    spans += [(m.start(), m.end(), 0.55) for m in _KEY_TERM.finditer(text)]
    chosen: list[tuple[int, int, float]] = []
    for start, end, confidence in sorted(spans, key=lambda span: (-span[2], span[0])):
        start, end = _trimmed(text, start, end)
        overlaps = any(start < e and end > s for s, e, _ in chosen)
        if confidence >= least and end > start and not overlaps and len(chosen) < 2:
            chosen.append((start, end, confidence))
    if not chosen:
        return None
    chosen.sort()
    pieces, blanks, cursor = [], [], 0
    for number, (start, end, _confidence) in enumerate(chosen, start=1):
        pieces.append(text[cursor:start] + f"{{{{{number}}}}}")
        blanks.append({"answers": [text[start:end]], "accent_insensitive": True})
        cursor = end
    pieces.append(text[cursor:])
    question = {
        "type": "cloze",
        "prompt": texts["cloze"],
        "text": "".join(pieces),
        "blanks": blanks,
    }
    return question, max(confidence for _, _, confidence in chosen)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Without surrounding spaces, punctuation or quotes: they are not part of the answer."""
    junk = " .,;:\"'«»“”‘’"
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    return start, end


def _number_drafts(sentence: Sentence, texts: Mapping[str, str], language: str):
    text = sentence.text
    words = _NUMBER_WORDS[language]
    pattern = _DIGITS + "|" + r"\b(?:" + "|".join(words) + r")\b"
    for match in re.finditer(pattern, text, flags=re.IGNORECASE):
        found = match.group(0)
        before = text[: match.start()].split()
        if len(before) > 1 and before[-1][:1].isupper():
            continue  # "Python 3.12", "Django 4": a version, not a quantity
        value = float(words.get(found.casefold()) or found.replace(",", "."))
        after = text[match.end() : match.end() + 12].casefold()
        confidence = 0.7 if re.match(r"\s*(veces|times|%|por ciento|percent)", after) else 0.5
        blanked = text[: match.start()] + "___" + text[match.end() :]
        question = {
            "type": "numeric",
            "prompt": texts["number"].format(text=clip(blanked)),
            "answer": value,
            "explanation": source(text, texts),
        }
        yield question, ("number", confidence, sentence.block)


# --- lists and tables ---------------------------------------------------------------------


def list_drafts(
    lists: list[ListBlock], pool: list[str], texts: Mapping[str, str], language: str = "es"
):
    """A list under a heading: which of these belong to it? Distractors: other lists.
    Under a short label ("Ventajas"), each item also gives a true/false draft (false when
    its negation is removed)."""
    for lst in lists:
        items = [item.text.strip() for item in lst.items if item.text.strip()]
        if len(items) < 2 or not lst.label:
            continue
        if len(items) <= 6 and len(lst.label.split()) <= 4:
            yield from _item_statements(lst, texts, language)
        own = set(items)
        others = sorted(
            {text for text in pool if text and text not in own},
            key=lambda text: hashlib.sha1(
                f"{lst.label}|{text}".encode(), usedforsecurity=False
            ).hexdigest(),
        )
        if not others:
            continue
        choices = [{"text": clip(text, 200), "correct": True} for text in items[:5]]
        choices += [{"text": clip(text, 200)} for text in others[:2]]
        confidence = 0.7 if lst.label != lst.section.title else 0.6
        question = {
            "type": "multiple_response",
            "prompt": texts["list"].format(label=lst.label),
            "choices": choices,
        }
        yield question, ("list", confidence, lst)


def _item_statements(lst: ListBlock, texts: Mapping[str, str], language: str):
    for item in lst.items:
        text = " ".join(item.text.split())
        if not 3 <= len(text.split()) <= 30 or COMPARISON.search(text) or "«" in text:
            continue
        statement, true = statement_of(text, language)
        question = {
            "type": "true_false",
            "prompt": texts["listed"].format(item=statement.rstrip("."), label=lst.label),
            "answer": true,
            "explanation": texts["source"].format(text=f"{lst.label}: {clip(text, 200)}"),
        }
        yield question, ("list", 0.5 if true else 0.55, item)


def table_drafts(tables: list[Table], texts: Mapping[str, str]):
    """A table with a key column: match each key with its value in another column."""
    for table in tables:
        keys = [row[0] for row in table.rows if row and row[0]]
        if len(table.header) < 2 or len(keys) < 2 or len(set(keys)) != len(keys):
            continue
        for column in range(1, len(table.header)):
            pairs = [
                {"left": row[0], "right": row[column]}
                for row in table.rows
                if len(row) > column and row[column]
            ]
            if len(pairs) >= 2:
                prompt = texts["table"].format(left=table.header[0], right=table.header[column])
                yield {"type": "matching", "prompt": prompt, "pairs": pairs}, ("table", 0.6, table)
