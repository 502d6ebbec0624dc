"""LaTeX between dollars turned into MathML on the server (latex2mathml), so formulas need
no script in the browser, and the list of MathML the sanitiser lets through."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from latex2mathml.converter import convert_to_element

# A formula longer than this is a paste gone wrong, not mathematics; refusing it keeps a
# page from spending its time in the converter.
MAX_FORMULA_CHARACTERS = 2000

# Macro definitions expand recursively (a few lines can ask for millions of tokens) and a
# lesson's formulas never need them.
_MACRO_DEFINITION = re.compile(
    r"\\(?:re)?newcommand|\\(?:re)?newenvironment|\\[egx]?def(?![a-zA-Z])|\\let(?![a-zA-Z])"
    r"|\\DeclareMathOperator"
)

# What latex2mathml writes. `href` (from \href) and `style` (from \style) are left out on
# purpose: the first is a link a formula could hide, the second inline CSS.
MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mfrac", "msqrt",
        "mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable",
        "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "none",
    }
)  # fmt: skip
MATHML_ATTRIBUTES = frozenset(
    {
        "display", "mathvariant", "mathsize", "mathcolor", "mathbackground", "stretchy",
        "fence", "separator", "form", "largeop", "movablelimits", "accent", "accentunder",
        "lspace", "rspace", "minsize", "maxsize", "width", "height", "depth", "voffset",
        "linethickness", "displaystyle", "scriptlevel", "notation", "columnalign",
        "columnspacing", "columnlines", "rowspacing", "rowlines", "linebreak",
    }
)  # fmt: skip
# Colours and lengths are plain words, numbers and units: nothing like url(...) survives.
_PLAIN_VALUE = re.compile(r"[#A-Za-z0-9 .+%-]{0,64}")

# latex2mathml puts character references (&#x0003D;) in its text nodes and unescapes its
# whole output, so text from \text{...} would come out as raw markup. Those references
# are kept, everything else in a text node is escaped.
_CHARACTER_REFERENCE = re.compile(r"&#x[0-9A-Fa-f]{1,6};|&#[0-9]{1,7};")


class FormulaError(ValueError):
    """LaTeX that cannot be shown as MathML; the message says why, in English."""


def latex_to_mathml(latex: str, display: bool) -> str:
    """MathML markup for one formula, or FormulaError."""
    source = latex.strip()
    if not source:
        raise FormulaError("empty formula")
    if len(source) > MAX_FORMULA_CHARACTERS:
        raise FormulaError(f"longer than {MAX_FORMULA_CHARACTERS} characters")
    if _MACRO_DEFINITION.search(source):
        raise FormulaError("macro definitions are not supported")
    try:
        element = convert_to_element(source, display="block" if display else "inline")
    # latex2mathml reports bad input with its own exception classes, and a deep nesting
    # with RecursionError; none of them may turn a page into a 500.
    except Exception as error:  # noqa: BLE001
        raise FormulaError(_reason(error)) from None
    return _serialise(element)


def _reason(error: Exception) -> str:
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).lower()
    return name.removesuffix(" error") if name != "recursion error" else "nested too deeply"


def _serialise(element: Element) -> str:
    parts: list[str] = []
    _write(element, parts)
    return "".join(parts)


def _write(element: Element, parts: list[str]) -> None:
    tag = str(element.tag)
    attributes = "".join(
        f' {name}="{_escape(str(value))}"'
        for name, value in element.attrib.items()
        if name in MATHML_ATTRIBUTES
    )
    parts.append(f"<{tag}{attributes}>")
    if element.text:
        parts.append(_text(element.text))
    for child in element:
        _write(child, parts)
        if child.tail:
            parts.append(_text(child.tail))
    parts.append(f"</{tag}>")


def _text(text: str) -> str:
    pieces = _CHARACTER_REFERENCE.split(text)
    references = _CHARACTER_REFERENCE.findall(text)
    out = [_escape(pieces[0])]
    for reference, piece in zip(references, pieces[1:], strict=True):
        out += [reference, _escape(piece)]
    return "".join(out)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def keep_mathml_value(attribute: str, value: str) -> str | None:
    """The sanitiser's check of a MathML attribute value."""
    if attribute == "display":
        return value if value in ("block", "inline") else None
    return value if _PLAIN_VALUE.fullmatch(value) else None
