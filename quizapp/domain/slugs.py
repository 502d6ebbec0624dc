"""Turn human titles into stable, accent-free URL slugs and anchors."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# What a prompt or title may hold that names no word of it: a Markdown link's or image's
# target (`](https://x/y#frag "title")`), an autolink, a bare URL, a `media:` reference.
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_ADDRESS = re.compile(r"<?\b(?:[a-z][a-z0-9+.-]*://|www\.|mailto:|media:)[^\s<>)\]]*>?", re.I)


def slugify(text: str) -> str:
    """Return `text` as lowercase ASCII words joined by single hyphens.

    NFKD splits "é" into "e" plus a combining accent, so dropping combining marks
    keeps the letter ('¿Qué es Flask?' -> 'que-es-flask') instead of losing it.
    Characters with no ASCII decomposition (e.g. "ß", CJK) are dropped.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = bare.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub("-", ascii_text).strip("-")


def text_slug(text: str, limit: int | None = None) -> str:
    """A slug of the words of a prompt or title, for an id made from it: link targets and
    URLs dropped (`[la guía](https://x.org/a#b)` gives `la-guia`, not `…-x-org-a-b`), and,
    with `limit`, cut at the last whole word that fits."""
    words = slugify(_ADDRESS.sub(" ", _LINK_TARGET.sub("] ", text)))
    if limit is not None and len(words) > limit:
        cut = words[: limit + 1]
        words = cut.rsplit("-", 1)[0] if "-" in cut else words[:limit]
    return words.strip("-")


def unique_slug(
    base: str, taken: set[str], fallback: str = "seccion", counters: dict[str, int] | None = None
) -> str:
    """Return `base` (or `fallback` if empty), suffixed -2, -3… until not in `taken`.

    The chosen slug is added to `taken` so repeated calls de-duplicate a whole page.
    Callers that pick many slugs pass one `counters` dict to all calls: each stem then goes
    on from its last suffix instead of trying -2, -3… again (n equal titles cost n, not n²).
    """
    stem = base or fallback
    candidate = stem
    counter = counters.get(stem, 2) if counters is not None else 2
    while candidate in taken:
        candidate = f"{stem}-{counter}"
        counter += 1
    if counters is not None:
        counters[stem] = counter
    taken.add(candidate)
    return candidate
