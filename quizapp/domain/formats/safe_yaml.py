"""A YAML loader for files from anyone: no anchors or aliases, bounded nesting and size.

A 356-byte "billion laughs" bank (anchors of lists of aliases of lists...) composes to a
handful of nodes but expands into 9**7 of them for anything that walks it (our line map,
the JSON Schema check, the normaliser): a worker grew to 3 GB. A bank has no use for
anchors, so they are refused while the document is composed, before anything is built;
nesting is capped so that composing and constructing (both recursive) stay shallow."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

# The deepest a bank goes is about six levels (questions, a question, choices, a choice...).
MAX_DEPTH = 20
MAX_BYTES = 8 * 1024 * 1024

try:  # libyaml's scanner and parser, when PyYAML was built with it: several times faster
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - the pure-Python parser reads the same events
    from yaml.parser import Parser as _EventParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _EventParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _EventParser.__init__(self)


class YamlLimitError(yaml.YAMLError):
    """The document breaks a limit of untrusted YAML; `line` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class UntrustedLoader(Composer, _Parser, SafeConstructor, Resolver):  # type: ignore[misc]
    """SafeLoader's constructors and resolver, with a composer that keeps to the limits.

    The composer is PyYAML's own (Python) one, so these checks run on every node it would
    compose, whichever parser (C or Python) produced the events."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            name = event.anchor
            raise YamlLimitError(
                event.start_mark.line + 1,
                f"YAML anchors and aliases (&{name}, *{name}) are not allowed; "
                "write each question out",
            )
        if self._depth >= MAX_DEPTH:
            raise YamlLimitError(
                event.start_mark.line + 1, f"the YAML is nested more than {MAX_DEPTH} levels deep"
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def check_size(text: str) -> None:
    """Refuse a document over MAX_BYTES before reading any of it."""
    if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlLimitError(1, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
