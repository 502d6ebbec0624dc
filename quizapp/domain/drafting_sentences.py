"""Sentence rules beyond bold terms: a negation turned around (a false statement), what a
subject does ("El servidor procesa…"), and an apposition naming what something is
("Google Drive, que es una aplicación web")."""

from __future__ import annotations

import re
from collections.abc import Mapping

from quizapp.domain.lesson_notes import Sentence

MAX_STATEMENT = 200
_COMPARISON = re.compile(r"\b(?:mientras\s+que|whereas|while)\b", re.IGNORECASE)

# --- negations: "No dependes de…" → "Dependes de…" (false) ------------------------------------

_NEGATION = {
    "es": re.compile(
        r"\bno\s+(?!(?:solo|sólo|obstante|es\s+que|ha\s+sido)\b)(?=[a-záéíóúñ])", re.IGNORECASE
    ),
    "en": re.compile(
        r"\b(is|are|was|were|does|do|did|can|will|should|has|have)(?:\s+not|n't)\b(?=\s+\w)"
        r"|\b(ca)n(?:not|'t)\b(?=\s+\w)|\bwon't\b(?=\s+\w)",
        re.IGNORECASE,
    ),
}
# Any other negative word makes the turned-around sentence ungrammatical or ambiguous.
_OTHER_NEGATIVES = {
    "es": re.compile(r"\b(?:no|ni|nunca|jamás|tampoco|nada|nadie|ningún|ninguna|ninguno)\b", re.I),
    "en": re.compile(r"\b(?:not|no|nor|never|neither|nothing|nobody|none)\b|n't\b", re.I),
}
_NEGATIVE_POLARITY = re.compile(
    r"\b(?:en\s+absoluto|algun[oa]s?|alguien|at\s+all|any\w*|either|yet)\b", re.I
)
_BECAUSE = re.compile(
    r",?\s+(?:ya\s+que|porque|pues|puesto\s+que|debido\s+a\s+que|because|since)\s.*$", re.I
)
_BUT = re.compile(r"(?:^(?:sin\s+embargo|however),\s+|,\s+(?:pero|but)\s+)", re.IGNORECASE)


def turned_around(text: str, language: str) -> str | None:
    """The sentence with its one negation removed, so it says the opposite; None when it
    has no negation, more than one, a question or a comparison, or is too long to read."""
    text = " ".join(text.split()).rstrip(".;:!")
    if len(text) > MAX_STATEMENT or "?" in text or "{{" in text or _COMPARISON.search(text):
        return None
    found = list(_NEGATION[language].finditer(text))
    if len(found) != 1 or len(_OTHER_NEGATIVES[language].findall(text)) != 1:
        return None
    if _NEGATIVE_POLARITY.search(text):  # "no … en absoluto", "not … at all": no opposite
        return None
    match = found[0]
    before, after = text[: match.start()], text[match.end() :]
    if language == "en":
        kept = match.group(1) or ("can" if match.group(2) else "will")
        before += _same_case(match.group(0), kept)
    statement = before + after
    cut = _BECAUSE.search(statement, len(before))
    if cut is not None:
        statement = statement[: cut.start()]
    # "…, pero esto no quiere decir que X" turned around is no longer a contrast.
    contrast = [m for m in _BUT.finditer(statement) if m.end() <= len(before) + 1]
    if contrast:
        last = contrast[-1]
        joiner = "" if last.start() == 0 else (", y " if language == "es" else ", and ")
        statement = statement[: last.start()] + joiner + statement[last.end() :]
    statement = statement.strip(" ,")
    if len(statement.split()) < 4:
        return None
    return statement[:1].upper() + statement[1:] + "."


def _same_case(original: str, word: str) -> str:
    return word[:1].upper() + word[1:] if original[:1].isupper() else word


def negation_drafts(sentence: Sentence, texts: Mapping[str, str], language: str):
    statement = turned_around(sentence.text, language)
    if statement is not None:
        question = {
            "type": "true_false",
            "prompt": statement,
            "answer": False,
            "explanation": texts["source"].format(text=clip(sentence.block.text)),
        }
        yield question, ("negation", 0.55, sentence.block)


# --- what a subject does: "El servidor procesa la información…" --------------------------------

# The verb must take a direct object ("procesa la información"): "ocurre en otra parte"
# or "llega sin retrasos" say too little about the subject to make a card.
_OBJECT_ES = r"(?:el|la|los|las|al|un|una|unos|unas|su|sus|tu|tus|todo|toda|todos|todas|cada)"
_ACTION = {
    "es": re.compile(
        r"^(?P<article>El|La|Los|Las)\s+(?P<noun>[a-záéíóúñ]{3,})\s+"
        r"(?P<verb>(?:se\s+)?[a-záéíóúñ]{3,})\s+(?P<rest>" + _OBJECT_ES + r"\s.{8,})$"
    ),
    "en": re.compile(
        r"^The\s+(?P<noun>[a-z]{3,}(?<!s))\s+(?P<verb>[a-z]{2,}s)\s+"
        r"(?P<rest>(?:the|a|an|its|their|all|each|every|any)\s.{8,})$"
    ),
}
# Words in the verb's place that are not verbs (adjectives, links, adverbs).
_NOT_VERBS = frozenset(
    " ".join(
        (
            "que como cuando donde mientras sobre entre este esta ese esa siempre también",
            "grande simple libre doble triple común nueva buena mala misma propia única",
            "primera última principal general especial central final web base clave otra",
            "otras cada is was has does class process access always thus this its his",
        )
    ).split()
)


def action_drafts(sentence: Sentence, texts: Mapping[str, str], language: str):
    """ "El servidor procesa la información…" → "¿Qué hace el servidor?" on a flashcard."""
    text = " ".join(sentence.text.split()).rstrip(".")
    match = _ACTION[language].match(text)
    if match is None or len(text) > MAX_STATEMENT * 1.5:
        return
    noun, verb = match.group("noun"), match.group("verb")
    bare = verb.removeprefix("se ")
    if bare in _NOT_VERBS or noun in _NOT_VERBS or re.search(r"(?:ad|id)[oa]s?$|mente$", bare):
        return
    if language == "es":
        article = match.group("article")
        plural = article in ("Los", "Las")
        if plural != bool(re.search(r"[ae]n$", bare)) or not re.search(r"[ae]n?$", bare):
            return
        subject = f"{article.casefold()} {noun}"
        prompt = texts["does_plural" if plural else "does"].format(subject=subject)
    else:
        prompt = texts["does"].format(subject=f"the {noun}")
    back = first_clause(f"{verb} {match.group('rest')}")
    back = back[:1].upper() + back[1:] + ("" if back.endswith("…") else ".")
    question = {"type": "flashcard", "prompt": prompt, "back": back}
    yield question, ("definition", 0.5, sentence.block)


# --- appositions: "Google Drive, que es una aplicación web" -----------------------------------

_APPOSITION = re.compile(
    r"(?P<term>[A-ZÁÉÍÓÚÑ][\w.+#-]*(?:\s+[A-ZÁÉÍÓÚÑ][\w.+#-]*){0,3}),?\s+"
    r"(?:el\s+cual|la\s+cual|que|which|that)\s+(?:es|is)\s+"
    r"(?P<what>(?:un|una|a|an)\s+[^,;:.()\"«»]+?)"
    r"(?=\s+(?:y|e|o|pero|que|para|donde|and|or|but|which|where|for)\b|[,;:.()\"«»]|$)"
)


def apposition_drafts(sentence: Sentence, texts: Mapping[str, str], language: str):
    """A named thing said to be something: a flashcard, and a true statement."""
    verb = "es" if language == "es" else "is"
    for match in _APPOSITION.finditer(sentence.text):
        term, what = match.group("term"), match.group("what").strip()
        # At a sentence's start the first capital may be the sentence's ("Abre Visual…").
        if not 2 <= len(what.split()) <= 8 or (match.start() == 0 and " " in term):
            continue
        card = {
            "type": "flashcard",
            "prompt": texts["define"].format(term=term),
            "back": what[:1].upper() + what[1:] + ".",
        }
        yield card, ("definition", 0.6, sentence.block)
        statement = {
            "type": "true_false",
            "prompt": f"{term} {verb} {what}.",
            "answer": True,
            "explanation": texts["source"].format(text=clip(sentence.text)),
        }
        yield statement, ("definition", 0.5, sentence.block)


# --- wording (shared with drafting_rules) -----------------------------------------------------


def clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def first_clause(text: str) -> str:
    """A long definition stops at its first comma once it has said enough (six words)."""
    if len(text) <= 160:
        return text
    clause = text.split(", ")[0]
    return clause if len(clause.split()) >= 6 else clip(text, 160)


def statement_of(item: str, language: str) -> tuple[str, bool]:
    """A list item as a statement and whether it is true: negated items turned around."""
    turned = turned_around(item, language)
    if turned is not None:
        return turned, False
    return " ".join(item.split()).rstrip(".;: "), True
