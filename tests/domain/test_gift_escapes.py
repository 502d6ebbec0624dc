"""`find_unescaped` (GIFT's escapes: a backslash takes the next character along) agrees with
the plain left-to-right reading of the rule on every short string of GIFT's special
characters, and stays linear on long runs of backslashes and targets."""

import itertools
import random

from quizapp.domain.formats.gift_syntax import find_unescaped, split_unescaped

TARGETS = ("{", "}", "#", "::", "####", "->", "=")


def _reading(raw: str, target: str, start: int) -> int:
    """The rule as a person applies it: walk left to right, skip each escape pair."""
    i = start
    while i < len(raw):
        if raw[i] == "\\":
            i += 2
        elif raw.startswith(target, i):
            return i
        else:
            i += 1
    return -1


def test_every_short_string_reads_as_the_rule_says():
    for length in range(7):
        for chars in itertools.product("\\{:#a", repeat=length):
            raw = "".join(chars)
            for target in ("{", "#", "::", "####"):
                for start in range(length + 1):
                    assert find_unescaped(raw, target, start) == _reading(raw, target, start), (
                        raw,
                        target,
                        start,
                    )


def test_random_strings_read_as_the_rule_says():
    rng = random.Random(7)
    for _ in range(20_000):
        raw = "".join(rng.choice("\\{}:#=->ab ") for _ in range(rng.randint(0, 40)))
        target = rng.choice(TARGETS)
        start = rng.randint(0, len(raw))
        assert find_unescaped(raw, target, start) == _reading(raw, target, start), (raw, target)


def test_split_keeps_escaped_separators():
    assert split_unescaped("a#b\\#c#\\\\#d", "#") == ["a", "b\\#c", "\\\\", "d"]


def test_long_runs_are_read_in_linear_time():
    # Each would take minutes if every occurrence rescanned what precedes it.
    raw = "\\{" * 200_000 + "{"
    assert find_unescaped(raw, "{") == len(raw) - 1
    raw = "\\" * 400_001 + "{" + "{" * 200_000
    assert find_unescaped(raw, "{") == 400_002
    assert len(split_unescaped("a#" * 100_000, "#")) == 100_001
