"""Read Moodle XML question files (`<quiz><question type=...>`) as the bank's question dicts.

The XML is parsed with defusedxml: a DOCTYPE, entity declarations and external references
are refused (no billion laughs, no network, no local files). Categories become a
`category` key (the path without `$course$/` and `top/`), which the importer maps to a
lesson. Types QuizApp does not have are reported per question with their line, and so is
every part of a question that QuizApp cannot keep; nothing is dropped silently."""

from __future__ import annotations

import binascii
import hashlib
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only for the Element type; parsing is defused
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from quizapp.domain.formats import moodle_xml_types as types
from quizapp.domain.slugs import slugify, text_slug, unique_slug

_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
_CATEGORY_PREFIX = re.compile(r"^\$(?:course|system|module|cat\d*)\$/(?:top(?:/|$))?")


@dataclass
class MoodleCategory:
    path: str
    line: int
    info: str = ""
    idnumber: str | None = None


@dataclass
class MoodleParseResult:
    """What a Moodle XML file held.

    `questions[i]` is a question dict (validate and normalise it before saving) with a
    `category` key, found at `lines[i]`, whose embedded files are `media[i]` (name →
    bytes, referenced from its Markdown as `media:name`); `errors` are
    `(file, line, message)`, and so is `unsupported` (skipped questions and parts not kept).
    """

    questions: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    media: list[dict[str, bytes]] = field(default_factory=list)
    errors: list[tuple[str, int, str]] = field(default_factory=list)
    unsupported: list[tuple[str, int, str]] = field(default_factory=list)
    categories: list[MoodleCategory] = field(default_factory=list)


class _LineRecordingParser(DefusedXMLParser):
    """defusedxml's parser, remembering the line where each element starts."""

    def __init__(self) -> None:
        super().__init__(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.lines: dict[int, int] = {}

    def _start(self, tag, attr_list):  # type: ignore[no-untyped-def]
        element = super()._start(tag, attr_list)
        self.lines[id(element)] = self.parser.CurrentLineNumber
        return element


def parse_moodle_xml(data: bytes | str, filename: str) -> MoodleParseResult:
    """Parse a whole file; never raises for bad content, reports it in `errors`."""
    result = MoodleParseResult()
    parser = _LineRecordingParser()
    try:
        parser.feed(data.encode("utf-8") if isinstance(data, str) else data)
        root = parser.close()
    except DefusedXmlException as exc:
        line = getattr(parser.parser, "CurrentLineNumber", 1) or 1
        result.errors.append((filename, line, _refusal(exc)))
        return result
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        result.errors.append((filename, line, f"not well-formed XML: {exc}"))
        return result
    except (LookupError, ValueError) as exc:  # e.g. an encoding Python does not know
        result.errors.append((filename, 1, f"cannot read the XML: {exc}"))
        return result
    if root.tag != "quiz":
        result.errors.append((filename, 1, f"expected a Moodle <quiz> file, found <{root.tag}>"))
        return result
    _read_quiz(root, parser.lines, filename, result)
    return result


def _refusal(exc: DefusedXmlException) -> str:
    kind = type(exc).__name__
    if kind == "DTDForbidden":
        return "refused: the file declares a DOCTYPE (Moodle XML has none; entities are not read)"
    if kind == "EntitiesForbidden":
        return "refused: the file declares XML entities (a billion-laughs risk); none are read"
    return "refused: the file references external resources; nothing outside it is read"


def _read_quiz(root: ET.Element, lines: dict[int, int], filename: str, out: MoodleParseResult):
    category: str | None = None
    idnumbers: list[str | None] = []
    names: list[str] = []
    for element in root.findall("question"):
        line = lines.get(id(element), 1)
        qtype = element.get("type", "")
        if qtype == "category":
            category = _category(element, line, out)
            continue
        name = types.plain(element, "name/text")
        convert = types.CONVERTERS.get(qtype)
        if convert is None:
            label = f" {name!r}" if name else ""
            message = f"{qtype or 'untyped'} question{label} is not supported by QuizApp; skipped"
            out.unsupported.append((filename, line, message))
            continue
        try:
            converted = convert(element)
        except types.Skipped as exc:
            out.unsupported.append((filename, line, f"question {name!r} skipped: {exc}"))
            continue
        except (ValueError, binascii.Error) as exc:
            out.errors.append((filename, line, f"question {name!r}: {exc}"))
            continue
        question, dropped, media = converted.question, converted.dropped, converted.media
        if dropped:
            kept_out = "; ".join(dict.fromkeys(dropped))
            out.unsupported.append((filename, line, f"question {name!r}: not kept: {kept_out}"))
        idnumber = types.plain(element, "idnumber") or None
        if idnumber and question.get("title") == idnumber:
            question["title"] = None  # our export names an untitled question by its id
        question["category"] = category
        out.questions.append(question)
        out.lines.append(line)
        out.media.append(media)
        idnumbers.append(idnumber)
        names.append(name)
    _assign_ids(out, idnumbers, names, filename)


def _category(element: ET.Element, line: int, out: MoodleParseResult) -> str:
    raw = types.plain(element, "category/text")
    path = _CATEGORY_PREFIX.sub("", raw).strip("/").strip() or raw
    info = types.plain(element, "info/text")
    out.categories.append(
        MoodleCategory(path, line, info, types.plain(element, "idnumber") or None)
    )
    return path


def _assign_ids(
    out: MoodleParseResult, idnumbers: list[str | None], names: list[str], filename: str
) -> None:
    """A Moodle idnumber is the id (made a valid id if needed); otherwise the name's slug,
    or a digest of the question, so that re-importing the same file updates in place."""
    taken: set[str] = set()
    clean_ids: list[str | None] = []
    for index, idnumber in enumerate(idnumbers):
        clean = None
        if idnumber:
            lowered = idnumber.strip().lower()
            clean = lowered if _ID_PATTERN.fullmatch(lowered) else slugify(idnumber)[:80] or None
        if clean and clean in taken:
            out.errors.append((filename, out.lines[index], f"duplicate idnumber {idnumber!r}"))
        if clean:
            taken.add(clean)
        clean_ids.append(clean)
    for index, question in enumerate(out.questions):
        if clean_ids[index]:
            question["id"] = clean_ids[index]
            continue
        digest = hashlib.sha1(repr(question).encode("utf-8"), usedforsecurity=False)
        base = text_slug(names[index])[:60].strip("-") or f"moodle-{digest.hexdigest()[:10]}"
        question["id"] = unique_slug(base, taken)
