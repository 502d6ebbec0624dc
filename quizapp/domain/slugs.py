"""Turn human titles into stable, accent-free URL slugs and anchors."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


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
