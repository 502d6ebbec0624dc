"""What a QuizApp question shows on an exported Anki card, and the files it carries.

The front is the prompt plus, for objective questions, what the learner chooses from (the
choices, or a matching question's items and options); the back is the right answer plus
the explanation. Images (`![alt](media:<name>)`) travel as the package's media files and
sounds as Anki's `[sound:<name>]`."""

from __future__ import annotations

import re

from quizapp.domain.formats.anki import card_sides

_MEDIA = re.compile(r"!\[([^\]]*)\]\(\s*<?media:([^\s)>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUDIO = (".mp3", ".ogg")
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")  # a package file, never a path


def _item(text: str) -> str:
    return "- " + " ".join(str(text).split())


def deck_sides(question: dict) -> tuple[str, str] | None:
    """Front and back Markdown of a question's card (None when it makes no card)."""
    sides = card_sides(question)
    if sides is None:
        return None
    front, back = sides
    if question.get("choices"):
        front += "\n\n" + "\n".join(_item(choice["text"]) for choice in question["choices"])
    elif question.get("type") == "matching":
        options = [pair["right"] for pair in question["pairs"]]
        options += list(question.get("distractors") or [])
        lefts = "\n".join(_item(pair["left"]) for pair in question["pairs"])
        front += f"\n\n{lefts}\n\n" + " · ".join(dict.fromkeys(options))
    if question.get("explanation"):
        back = f"{back}\n\n{question['explanation']}" if back else question["explanation"]
    return front, back


def media_for_card(markdown: str, media: dict[str, bytes]) -> tuple[str, set[str]]:
    """The Markdown with stored media pointing at the package's own files (by their stored
    name), and the names used; a sound becomes `[sound:name]`, which Anki plays."""
    used: set[str] = set()

    def swap(match: re.Match[str]) -> str:
        alt, name = match[1], match[2]
        if name not in media or not _FILE_NAME.fullmatch(name):
            return alt  # a file we cannot ship: keep its description
        used.add(name)
        return f"[sound:{name}]" if name.endswith(_AUDIO) else f"![{alt}]({name})"

    return _MEDIA.sub(swap, markdown), used
