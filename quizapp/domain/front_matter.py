"""The optional YAML front matter of a course file (a `---` block on the first line, closed
by `---`), e.g. `visibility: code`. The block is blanked rather than cut out, so the
Markdown parser still reports the file's own line numbers."""

from dataclasses import dataclass, field
from typing import Any

import yaml

from quizapp.domain.course_access import VISIBILITIES

KNOWN_KEYS = ("visibility",)


@dataclass
class FrontMatter:
    values: dict[str, Any] = field(default_factory=dict)
    body: str = ""  # the text with the block replaced by blank lines
    errors: list[str] = field(default_factory=list)  # `file:line: message`


def split_front_matter(text: str, filename: str) -> FrontMatter:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return FrontMatter(body=text)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return FrontMatter(body=text, errors=[f"{filename}:1: front matter `---` is not closed"])
    body = "\n".join([""] * (end + 1) + lines[end + 1 :])
    try:
        values = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        return FrontMatter(body=body, errors=[f"{filename}:{line}: front matter: not YAML"])
    if not isinstance(values, dict):
        return FrontMatter(body=body, errors=[f"{filename}:2: front matter must be key: value"])
    errors = [
        f"{filename}:1: front matter: unknown key {key!r} (known: {', '.join(KNOWN_KEYS)})"
        for key in values
        if key not in KNOWN_KEYS
    ]
    visibility = values.get("visibility")
    if visibility is not None and visibility not in VISIBILITIES:
        errors.append(
            f"{filename}:1: front matter: visibility must be one of {', '.join(VISIBILITIES)}"
        )
    return FrontMatter(values=values, body=body, errors=errors)
