"""Anki notes as QuizApp questions: one question per Anki card, so each keeps its history.

Basic notes give a flashcard (front → back); the reverse card of "Basic (and reversed
card)" gives a second, reversed one; a Cloze note gives one cloze question per cloze
number (`{{c2::…}}` is blank in the second, shown in the others). Fields are found by name
(Front/Back, Text/Back Extra), else by position; any other non-empty field goes to the
explanation. Other note types, and templates beyond the second, are reported."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from quizapp.domain.formats.anki_package import Collection
from quizapp.domain.formats.rich_text import html_to_markdown, html_to_plain

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(<?([^)>\s]+)>?\)")
_PLACEHOLDER = "QZANKIBLANK{}QZ"
_PLACEHOLDERS = re.compile(r"QZANKIBLANK(\d+)QZ")
# The prompt of a cloze whose source has no instructions (GIFT's importer uses the same).
CLOZE_PROMPT = "Completa la frase."
# The hidden field of QuizApp's own decks (see anki.py) is not content.
_ID_FIELDS = {"quizapp id"}


@dataclass
class AnkiImport:
    """Questions with their position (the note's number in the collection), the Anki card
    each one stands for, and what could not be kept, as `(position, message)`."""

    questions: list[tuple[dict, int]] = field(default_factory=list)
    card_of: dict[str, int] = field(default_factory=dict)  # question id → Anki card id
    # The package's files each question references: id → {`media:` target → bytes}.
    media: dict[str, dict[str, bytes]] = field(default_factory=dict)
    unsupported: list[tuple[int, str]] = field(default_factory=list)


def question_id(guid: str, suffix: str = "") -> str:
    """Stable per note (its GUID) and card, so importing a newer package updates in place."""
    digest = hashlib.sha1(guid.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]
    return f"anki-{digest}{suffix}"


def notes_to_questions(collection: Collection) -> AnkiImport:
    out = AnkiImport()
    cards_of: dict[int, list[dict]] = {}
    for card in collection.cards:
        cards_of.setdefault(card["nid"], []).append(card)
    for position, note in enumerate(collection.notes, start=1):
        note_type = collection.note_types.get(note["mid"])
        if note_type is None:
            out.unsupported.append((position, "a note of an unknown note type; skipped"))
            continue
        fields = dict(zip(note_type["fields"], note["fields"], strict=False))
        cards = sorted(cards_of.get(note["id"], [{"id": 0, "ord": 0}]), key=lambda c: c["ord"])
        convert = _cloze_cards if note_type["cloze"] else _basic_cards
        for question, card, problem in convert(note, note_type, fields, cards):
            if problem:
                out.unsupported.append((position, problem))
                continue
            question["tags"] = list(note["tags"])
            used = _point_at_media(question, collection.media)
            if used:
                out.media[question["id"]] = used
            out.questions.append((question, position))
            out.card_of[question["id"]] = card["id"]
    return out


def _named(fields: dict[str, str], names: tuple[str, ...], position: int) -> tuple[str, str]:
    by_lower = {name.lower(): name for name in fields}
    for wanted in names:
        if wanted in by_lower:
            return by_lower[wanted], fields[by_lower[wanted]]
    keys = list(fields)
    return (keys[position], fields[keys[position]]) if position < len(keys) else ("", "")


def _extra(fields: dict[str, str], used: set[str]) -> str | None:
    parts = [
        html_to_markdown(value)
        for name, value in fields.items()
        if name not in used and name.lower() not in _ID_FIELDS and value.strip()
    ]
    joined = "\n\n".join(part for part in parts if part)
    return joined or None


def _basic_cards(note: dict, note_type: dict, fields: dict[str, str], cards: list[dict]):
    front_name, front = _named(fields, ("front",), 0)
    back_name, back = _named(fields, ("back",), 1)
    explanation = _extra(fields, {front_name, back_name})
    for card in cards:
        if card["ord"] == 0:
            sides, suffix = (front, back), ""
        elif card["ord"] == 1 and len(note_type["templates"]) >= 2:
            sides, suffix = (back, front), "-reverse"
        else:
            message = f"card {card['ord'] + 1} of note type {note_type['name']!r}; skipped"
            yield {}, card, message
            continue
        prompt, answer = (html_to_markdown(side) for side in sides)
        if not prompt:
            yield {}, card, f"a card of note type {note_type['name']!r} with an empty front"
            continue
        question = {
            "id": question_id(note["guid"], suffix),
            "type": "flashcard",
            "title": None,
            "prompt": prompt,
            "back": answer,
            "explanation": explanation,
        }
        yield question, card, None


def _cloze_cards(note: dict, note_type: dict, fields: dict[str, str], cards: list[dict]):
    text_name, text = _named(fields, ("text",), 0)
    explanation = _extra(fields, {text_name})  # Back Extra and anything else
    for card in cards:
        number = card["ord"] + 1
        question = _cloze(text, number)
        if question is None:
            yield {}, card, f"cloze {number} of a note has no {{{{c{number}::…}}}}; skipped"
            continue
        question.update(
            id=question_id(note["guid"], f"-c{number}"),
            title=None,
            explanation=explanation,
        )
        yield question, card, None


def _cloze(text: str, number: int) -> dict | None:
    """The cloze question for card `number`: its deletions become blanks `{{1}}`…, the
    other deletions show their answer. Hints (`{{c1::answer::hint}}`) are not kept."""
    answers: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if int(match[1]) != number:
            return match[2]
        answers.append(html_to_plain(match[2]))
        return _PLACEHOLDER.format(len(answers))

    marked = CLOZE.sub(replace, text)
    if not answers:
        return None
    markdown = _PLACEHOLDERS.sub(lambda m: f"{{{{{m[1]}}}}}", html_to_markdown(marked))
    blanks = [{"answers": [a], "options": None, "accent_insensitive": False} for a in answers]
    return {"type": "cloze", "prompt": CLOZE_PROMPT, "text": markdown, "blanks": blanks}


def _point_at_media(question: dict, files: dict[str, bytes]) -> dict[str, bytes]:
    """Images and `[sound:x.mp3]` of the package's media as `![name](media:name)`, the
    form the importer swaps for stored files (alt text: the file name, Anki has none)."""
    used: dict[str, bytes] = {}

    def image(match: re.Match[str]) -> str:
        name = unquote(match[2])
        if name not in files:
            return match[0]
        target = quote(name)
        used[target] = files[name]
        return f"![{match[1] or name}](media:{target})"

    for key in ("prompt", "back", "text", "explanation"):
        if question.get(key):
            text = _SOUND.sub(lambda m: f"![{m[1]}]({quote(m[1])})", question[key])
            question[key] = _IMAGE.sub(image, text)
    return used
