"""How Markdown points at a course's media: `![alt](media:<name>)`, where a stored name is
the file's SHA-256 and its extension, so the same bytes always have the same name and a
served file can be cached for good."""

from __future__ import annotations

import re

MEDIA_SCHEME = "media:"
# Where the media blueprint serves a stored name (quizapp/media/views.py uses the same).
MEDIA_URL_PREFIX = "/media/"

IMAGE_EXTENSIONS = ("png", "jpg", "gif", "webp")
AUDIO_EXTENSIONS = ("mp3", "ogg")
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
}
STORED_NAME = re.compile(r"[0-9a-f]{64}\.(?:png|jpg|gif|webp|mp3|ogg)")

# `![alt](media:target)` or `![alt](media:target "title")` in a Markdown source, for the
# bank loader that swaps a file name beside the bank for the stored name.
_REFERENCE = re.compile(r"(\]\(\s*<?)media:([^\s)>]+)")


def stored_name(sha256: str, extension: str) -> str:
    return f"{sha256}.{extension}"


def image_markdown(description: str, name: str) -> str:
    """`![description](media:name)`, the description on one line with Markdown's
    brackets and backslashes escaped."""
    flat = " ".join((description or "").split())
    text = "".join("\\" + ch if ch in "[]\\" else ch for ch in flat)
    return f"![{text}]({MEDIA_SCHEME}{name})"


def media_url(name: str) -> str:
    return MEDIA_URL_PREFIX + name


def is_audio(name: str) -> bool:
    return name.rsplit(".", 1)[-1] in AUDIO_EXTENSIONS


def name_in_source(source: str) -> str | None:
    """The stored name an image source points at (`media:<name>` or the served URL), or
    None for anything else."""
    if source.startswith(MEDIA_SCHEME):
        name = source[len(MEDIA_SCHEME) :]
    elif source.startswith(MEDIA_URL_PREFIX):
        name = source[len(MEDIA_URL_PREFIX) :]
    else:
        return None
    return name if STORED_NAME.fullmatch(name) else None


def referenced_targets(markdown: str) -> list[str]:
    """Every `media:` target written in `markdown`, in order (stored names or not)."""
    return [match.group(2) for match in _REFERENCE.finditer(markdown or "")]


def replace_targets(markdown: str, names: dict[str, str]) -> str:
    """`markdown` with each `media:<target>` in `names` pointing at `names[target]`."""

    def swap(match: re.Match[str]) -> str:
        target = match.group(2)
        return f"{match.group(1)}{MEDIA_SCHEME}{names.get(target, target)}"

    return _REFERENCE.sub(swap, markdown or "")
