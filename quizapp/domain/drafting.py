"""Draft questions from a lesson's Markdown notes with plain rules over the markdown-it
token stream: offline, no model; each draft names its rule, section and confidence."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from quizapp.domain.questions.registry import (
    describe_right_answer,
    normalise_question,
    validate_question,
)
from quizapp.domain.rendering import section_anchors

# The rendering preset (tables, bare-URL links), so headings and blocks line up with
# what `render_markdown` shows and `section_anchors` names.
_MD = MarkdownIt("js-default", {"linkify": True, "typographer": False})
_MD.linkify.set({"fuzzy_link": False})

_LIST_OPENS = ("bullet_list_open", "ordered_list_open")
_ARTICLES = frozenset(("el", "la", "los", "las", "un", "una", "unos", "unas", "the", "a", "an"))
_COMPARISON = re.compile(r",?\s+(?:mientras\s+que|whereas)\s+|,\s+while\s+", re.IGNORECASE)
_NAMED = re.compile(
    r"\b(?:llamad[oa]s?|denominad[oa]s?|conocid[oa]s?\s+como|se\s+llama|called|named|"
    r"known\s+as)\s+((?:[A-ZÁÉÍÓÚÑ][\w.+#-]*\d*)(?:\s+[A-ZÁÉÍÓÚÑ][\w.+#-]*)*)"
)
# Acronyms (ORM, MVC, API REST) and names with digits (Jinja2, HTML5): terms notes rarely bold.
_KEY_TERM = re.compile(r"\b(?:[A-Z]{2,6}(?:\s+[A-Z]{2,6})*|[A-Za-z]+\d+[a-z]*)\b")
# "Flask es un framework…": a short subject, a copula, then an article.
_DEFINITION = re.compile(
    r"^(?P<term>.{2,40}?)\s+(?:es|son|is|are)\s+"
    r"(?P<rest>(?:un|una|el|la|los|las|a|an|the)\s.+)$"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[¿¡\"«(A-ZÁÉÍÓÚÑ0-9])")
_NUMBER_VALUES = (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 40, 50, 100, 1000)
# "un/una/one" are left out: far more often an article or pronoun than a count.
_NUMBER_WORDS = {
    "es": dict(
        zip(
            (
                "dos",
                "tres",
                "cuatro",
                "cinco",
                "seis",
                "siete",
                "ocho",
                "nueve",
                "diez",
                "once",
                "doce",
                "quince",
                "veinte",
                "treinta",
                "cuarenta",
                "cincuenta",
                "cien",
                "mil",
            ),
            _NUMBER_VALUES,
            strict=True,
        )
    ),
    "en": dict(
        zip(
            (
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "fifteen",
                "twenty",
                "thirty",
                "forty",
                "fifty",
                "hundred",
                "thousand",
            ),
            _NUMBER_VALUES,
            strict=True,
        )
    ),
}
# Digits standing alone: not part of Jinja2, a version 3.10 or a path.
_DIGITS = r"(?<![\w.,/-])\d+(?:[.,]\d+)?(?![\w/-]|[.,]\d)"
_STOPWORDS = {
    "es": frozenset(
        (
            "el",
            "la",
            "los",
            "las",
            "de",
            "que",
            "y",
            "en",
            "es",
            "un",
            "una",
            "con",
            "para",
            "por",
            "se",
            "del",
        )
    ),
    "en": frozenset(
        ("the", "of", "and", "is", "are", "to", "in", "with", "for", "that", "it", "this")
    ),
}
_TEXTS = {
    "es": {
        "list": "Según la lección, ¿cuáles de estas opciones corresponden a «{label}»?",
        "define": "¿Qué es {term}?",
        "term": "{term} ({context})",
        "match": "Relaciona cada afirmación con {a} o {b}, según la lección.",
        "table": "Relaciona cada «{left}» con su valor para «{right}».",
        "number": "Completa con un número: «{text}»",
        "cloze": "Completa la frase de la lección.",
        "source": "En la lección: «{text}»",
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
    },
}
MAX_TEXT = 240


# --- reading the notes --------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A part of a lesson: the text under a heading, or before the first one (`level` 0,
    anchored by the lesson's own anchor, usually its slug)."""

    anchor: str | None
    title: str | None
    level: int


@dataclass
class TextBlock:
    """A paragraph or list item as plain text, with its bold spans as offsets."""

    text: str
    strong: list[tuple[int, int]]
    section: Section
    paragraph: str  # the block's anchor, `<section>-p-<n>`
    line: int = 0  # 0-based source line, to list drafts in reading order


@dataclass
class ListBlock:
    label: str | None  # the bold line or "…:" paragraph just above, else the heading
    items: list[TextBlock]
    section: Section
    paragraph: str
    line: int = 0


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    section: Section
    paragraph: str
    line: int = 0


@dataclass
class LessonNotes:
    sections: list[Section] = field(default_factory=list)
    blocks: list[TextBlock] = field(default_factory=list)  # paragraphs and list items
    lists: list[ListBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    language: str = "es"
    block_counts: dict[Section, int] = field(default_factory=dict, repr=False)


def paragraph_anchor(section_anchor: str | None, number: int) -> str:
    """`p-<n>` within its section (1-based, paragraphs, lists, tables and code blocks
    counted), so an edit in one section never renames the anchors of another."""
    return f"{section_anchor}-p-{number}" if section_anchor else f"p-{number}"


def read_notes(markdown: str, lesson_anchor: str | None = None) -> LessonNotes:
    """The lesson's sections, text blocks, lists and tables, in document order."""
    text = markdown or ""
    tokens = _MD.parse(text)
    headings = iter(section_anchors(text))
    notes = LessonNotes(sections=[Section(lesson_anchor, None, 0)], language=_language(text))
    label: str | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        section = notes.sections[-1]
        if token.type == "heading_open":
            anchor, title = next(headings)
            notes.sections.append(Section(anchor, title, int(token.tag[1:])))
            label = None
        elif token.type in _LIST_OPENS:
            end = _closing(tokens, index)
            items = [_block(inline, section, "") for inline in _item_inlines(tokens, index, end)]
            anchor = _next_anchor(notes, section)
            for item in items:
                item.paragraph = anchor
            notes.blocks.extend(items)
            notes.lists.append(
                ListBlock(label or section.title, items, section, anchor, _line(token))
            )
            label, index = None, end
        elif token.type == "table_open":
            end = _closing(tokens, index)
            table = _table(tokens[index:end], section, _next_anchor(notes, section))
            table.line = _line(token)
            notes.tables.append(table)
            label, index = None, end
        elif token.type in ("fence", "code_block"):
            _next_anchor(notes, section)
        elif token.type == "paragraph_open":
            block = _block(tokens[index + 1], section, _next_anchor(notes, section))
            label = _label_of(block)
            follower = tokens[index + 3] if index + 3 < len(tokens) else None
            if label is None or follower is None or follower.type not in _LIST_OPENS:
                label = None
                notes.blocks.append(_without_label(block))
            index += 2
        index += 1
    return notes


def _next_anchor(notes: LessonNotes, section: Section) -> str:
    count = notes.block_counts.get(section, 0) + 1
    notes.block_counts[section] = count
    return paragraph_anchor(section.anchor, count)


def _closing(tokens: list[Token], index: int) -> int:
    opening = tokens[index]
    closing = opening.type.replace("_open", "_close")
    for position in range(index + 1, len(tokens)):
        if tokens[position].type == closing and tokens[position].level == opening.level:
            return position
    return len(tokens) - 1


def _item_inlines(tokens: list[Token], start: int, end: int) -> list[Token]:
    """The first paragraph of every top-level item (nested lists stay inside their item)."""
    depth = tokens[start].level
    found: list[Token] = []
    waiting = False
    for token in tokens[start + 1 : end]:
        if token.type == "list_item_open" and token.level == depth + 1:
            waiting = True
        elif token.type == "inline" and waiting:
            found.append(token)
            waiting = False
    return found


def _table(tokens: list[Token], section: Section, anchor: str) -> Table:
    rows: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(_plain(token)[0].strip())
    return Table(rows[0] if rows else [], rows[1:], section, anchor)


def _block(inline: Token, section: Section, anchor: str) -> TextBlock:
    text, strong = _plain(inline)
    return TextBlock(text, strong, section, anchor, _line(inline))


def _line(token: Token) -> int:
    return token.map[0] if token.map else 0


def _plain(inline: Token) -> tuple[str, list[tuple[int, int]]]:
    """Visible text (bare URLs dropped, hard breaks as newlines) and the bold spans."""
    parts: list[str] = []
    strong: list[tuple[int, int]] = []
    opened: list[int] = []
    in_bare_link = False
    for child in inline.children or []:
        size = sum(len(part) for part in parts)
        if child.type == "link_open" and child.markup == "linkify":
            in_bare_link = True
        elif child.type == "link_close":
            in_bare_link = False
        elif in_bare_link:
            continue
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "strong_open":
            opened.append(size)
        elif child.type == "strong_close" and opened:
            strong.append((opened.pop(), size))
    return "".join(parts), sorted(strong)


def _label_of(block: TextBlock) -> str | None:
    """A line that introduces what follows: all bold, or ending in a colon."""
    text = block.text.strip()
    lead = len(block.text) - len(block.text.lstrip())
    bold = any(start <= lead and end >= lead + len(text) for start, end in block.strong)
    if text and len(text) <= 100 and (bold or text.endswith(":")):
        return text.rstrip(": ").strip() or None
    return None


def _without_label(block: TextBlock) -> TextBlock:
    """`**Ejemplo:**` on its own line before the text: the label is not a sentence."""
    first_line, newline, rest = block.text.partition("\n")
    if (
        newline
        and block.strong
        and block.strong[0] == (0, len(first_line.rstrip()))
        and (first_line.rstrip().endswith(":"))
    ):
        shift = len(first_line) + 1
        spans = [(s - shift, e - shift) for s, e in block.strong[1:]]
        return TextBlock(rest, spans, block.section, block.paragraph, block.line)
    return block


def _language(text: str) -> str:
    words = re.findall(r"[a-záéíóúñ]+", text.casefold())
    scores = {lang: sum(word in stop for word in words) for lang, stop in _STOPWORDS.items()}
    return "en" if scores["en"] > scores["es"] else "es"


# --- sentences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str
    strong: list[tuple[int, int]]
    block: TextBlock


def sentences(block: TextBlock) -> list[Sentence]:
    found: list[Sentence] = []
    offset = 0
    for line in block.text.split("\n"):
        starts = [0] + [match.end() for match in _SENTENCE_END.finditer(line)]
        ends = [match.start() for match in _SENTENCE_END.finditer(line)] + [len(line)]
        for start, end in zip(starts, ends, strict=True):
            raw = line[start:end]
            lead = len(raw) - len(raw.lstrip())
            text = raw.strip()
            base = offset + start + lead
            spans = [
                (s - base, e - base) for s, e in block.strong if s >= base and e <= base + len(text)
            ]
            if len(text.split()) >= 3:
                found.append(Sentence(text, spans, block))
        offset += len(line) + 1
    return found


# --- drafts -------------------------------------------------------------------------------


# A rule's output: the raw question, then (rule name, confidence, the block it came from).
Candidate = tuple[dict[str, Any], tuple[str, float, "TextBlock | ListBlock | Table"]]


@dataclass(frozen=True)
class Draft:
    """A proposed question (normalised dict, `id` and `section` set) and why it exists."""

    question: dict[str, Any]
    rule: str  # definition, term, number, comparison, list or table
    confidence: float  # 0–1: how likely the instructor keeps it as it is
    paragraph: str | None = None
    line: int = 0

    @property
    def id(self) -> str:
        return self.question["id"]

    @property
    def section(self) -> str | None:
        return self.question.get("section")


def draft_questions(
    markdown: str,
    *,
    lesson_number: int,
    lesson_anchor: str | None = None,
    course_markdown: Sequence[str] = (),
    existing: Iterable[Mapping[str, Any]] = (),
) -> list[Draft]:
    """Valid draft questions for a lesson, best first within document order.

    `course_markdown` holds the notes of the course's lessons (this one may be among
    them): their lists lend distractors. Drafts that duplicate one of `existing` (same
    id, same normalised prompt, or same type and right answer) or each other are left out.
    """
    notes = read_notes(markdown, lesson_anchor)
    others = [read_notes(text) for text in course_markdown]
    texts = _TEXTS[notes.language]
    names = _proper_names(notes)
    candidates: list[Candidate] = []
    comparisons: list[Comparison] = []
    for block in notes.blocks:
        for sentence in sentences(block):
            candidates.extend(_sentence_drafts(sentence, texts, notes.language))
            comparison = _comparison(sentence, names)
            if comparison is not None:
                comparisons.append(comparison)
    candidates.extend(_comparison_drafts(comparisons, texts))
    pool = [
        item.text.strip() for other in [notes, *others] for lst in other.lists for item in lst.items
    ]
    candidates.extend(_list_drafts(notes.lists, pool, texts))
    candidates.extend(_table_drafts(notes.tables, texts))
    return _finish(candidates, lesson_number, existing)


def _finish(
    candidates: list[Candidate], lesson_number: int, existing: Iterable[Mapping[str, Any]]
) -> list[Draft]:
    seen_ids, seen_prompts, seen_answers = set(), set(), set()
    for question in existing:
        seen_ids.add(question.get("id"))
        seen_prompts.add(prompt_key(question))
        seen_answers.add(answer_key(question))
    drafts: list[Draft] = []
    for raw, (rule, confidence, source) in candidates:
        raw["section"] = source.section.anchor
        raw["id"] = draft_id(lesson_number, raw)
        if validate_question(raw):
            continue
        question = normalise_question(raw)
        question.pop("lesson", None)
        keys = (question["id"], prompt_key(question), answer_key(question))
        if keys[0] in seen_ids or keys[1] in seen_prompts or keys[2] in seen_answers:
            continue
        seen_ids.add(keys[0])
        seen_prompts.add(keys[1])
        if keys[2] is not None:
            seen_answers.add(keys[2])
        drafts.append(Draft(question, rule, round(confidence, 2), source.paragraph, source.line))
    # Reading order, surest first within a block (sorted() is stable for equal keys).
    return sorted(drafts, key=lambda draft: (draft.line, -draft.confidence))


def normalised_text(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form used to spot duplicates."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def prompt_key(question: Mapping[str, Any]) -> str:
    """The prompt, plus a cloze's sentence: cloze prompts are often the same instruction."""
    return normalised_text(f"{question.get('prompt') or ''} {question.get('text') or ''}")


def answer_key(question: Mapping[str, Any]) -> tuple[str, str] | None:
    """Type and right answer; None for true/false, whose answer alone says nothing."""
    if question.get("type") == "true_false":
        return None
    try:
        answer = describe_right_answer(normalise_question(dict(question)))
    except (KeyError, TypeError, ValueError):
        return None
    return (question["type"], normalised_text(answer))


def draft_id(lesson_number: int, question: Mapping[str, Any]) -> str:
    """`draft-<lesson>-<hash>`: the same text drafts the same id on every run."""
    key = f"{question['type']}|{prompt_key(question)}"
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"draft-{lesson_number}-{digest}"


def _source(text: str, texts: Mapping[str, str]) -> str:
    return texts["source"].format(text=_clip(text))


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _first_clause(text: str) -> str:
    """A long definition stops at its first comma once it has said enough (six words)."""
    if len(text) <= 160:
        return text
    clause = text.split(", ")[0]
    return clause if len(clause.split()) >= 6 else _clip(text, 160)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- rules on one sentence: definitions, named terms, numbers -------------------------------


def _sentence_drafts(sentence: Sentence, texts: Mapping[str, str], language: str):
    yield from _definition_flashcard(sentence, texts)
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
                {"type": "flashcard", "prompt": front, "back": _capitalised(rest) + "."},
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
    back = _capitalised(_first_clause(match.group("rest"))) + "."
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
            "prompt": texts["number"].format(text=_clip(blanked)),
            "answer": value,
            "explanation": _source(text, texts),
        }
        yield question, ("number", confidence, sentence.block)


# --- comparisons: "A … mientras que B …" ----------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    subjects: tuple[str, str]
    predicates: tuple[str, str]
    sentence: Sentence


def _proper_names(notes: LessonNotes) -> dict[str, str]:
    """Words written with a capital somewhere other than at a sentence start."""
    names: dict[str, str] = {}
    for block in notes.blocks:
        for sentence in sentences(block):
            for word in re.findall(r"(?<=\s)[A-ZÁÉÍÓÚÑ][\w]*", sentence.text):
                names.setdefault(word.casefold(), word)
    return names


def _comparison(sentence: Sentence, names: Mapping[str, str]) -> Comparison | None:
    parts = _COMPARISON.split(sentence.text.rstrip(".;!"), maxsplit=1)
    if len(parts) != 2:
        return None
    left = re.sub(r"^[^:]{1,40}:\s+", "", parts[0])
    sides = [_subject_and_predicate(left, names), _subject_and_predicate(parts[1], names)]
    if None in sides:
        return None
    (first, first_rest), (second, second_rest) = sides  # type: ignore[misc]
    if first.casefold() == second.casefold():
        return None
    return Comparison((first, second), (first_rest, second_rest), sentence)


def _subject_and_predicate(clause: str, names: Mapping[str, str]) -> tuple[str, str] | None:
    words = clause.split()
    start = 1 if words and words[0].casefold() in _ARTICLES else 0
    if len(words) < start + 3:
        return None
    head = words[start]
    name = head if head[:1].isupper() else names.get(head.casefold())
    if name is None:
        return None
    subject = " ".join([*words[:start], name])
    return subject, " ".join(words[start + 1 :])


def _comparison_drafts(comparisons: list[Comparison], texts: Mapping[str, str]):
    groups: dict[frozenset[str], list[Comparison]] = {}
    for comparison in comparisons:
        key = frozenset(subject.casefold() for subject in comparison.subjects)
        groups.setdefault(key, []).append(comparison)
    for index, comparison in enumerate(comparisons):
        b, (said_of_a, said_of_b) = comparison.subjects[1], comparison.predicates
        # Alternate true and swapped (false) statements, so the drafts are not all false.
        truthful = index % 2 == 1
        statement = f"{b} {said_of_b}." if truthful else f"{b} {said_of_a}."
        yield (
            {
                "type": "true_false",
                "prompt": statement,
                "answer": truthful,
                "explanation": _source(comparison.sentence.text, texts),
            },
            ("comparison", 0.7, comparison.sentence.block),
        )
        if len(groups[frozenset(s.casefold() for s in comparison.subjects)]) == 1:
            yield _matching([comparison], texts), ("comparison", 0.6, comparison.sentence.block)
    for group in groups.values():
        if len(group) > 1:
            yield _matching(group, texts), ("comparison", 0.75, group[0].sentence.block)


def _matching(group: list[Comparison], texts: Mapping[str, str]) -> dict[str, Any]:
    a, b = group[0].subjects
    names = {a.casefold(): a, b.casefold(): b}
    pairs = [
        {"left": _capitalised(predicate), "right": names[subject.casefold()]}
        for comparison in group
        for subject, predicate in zip(comparison.subjects, comparison.predicates, strict=True)
    ]
    return {
        "type": "matching",
        "prompt": texts["match"].format(a=a, b=b),
        "pairs": pairs,
        "explanation": "\n".join(f"- {c.sentence.text}" for c in group),
    }


# --- lists and tables ---------------------------------------------------------------------


def _list_drafts(lists: list[ListBlock], pool: list[str], texts: Mapping[str, str]):
    """A list under a heading: which of these belong to it? Distractors: other lists."""
    for lst in lists:
        items = [item.text.strip() for item in lst.items if item.text.strip()]
        if len(items) < 2 or not lst.label:
            continue
        own = set(items)
        others = sorted(
            {text for text in pool if text and text not in own},
            key=lambda text: hashlib.sha1(
                f"{lst.label}|{text}".encode(), usedforsecurity=False
            ).hexdigest(),
        )
        if not others:
            continue
        choices = [{"text": _clip(text, 200), "correct": True} for text in items[:5]]
        choices += [{"text": _clip(text, 200)} for text in others[:2]]
        confidence = 0.7 if lst.label != lst.section.title else 0.6
        question = {
            "type": "multiple_response",
            "prompt": texts["list"].format(label=lst.label),
            "choices": choices,
        }
        yield question, ("list", confidence, lst)


def _table_drafts(tables: list[Table], texts: Mapping[str, str]):
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
