"""Every parser runs in time linear in its input, on inputs built to make it slow.

Each case times the parser on an input of size n and of size 4n in the same test (CPU
time, best of three, garbage collector paused so that its pauses are not counted): linear
work grows about 4×, quadratic 16×; the bound of 9× tells them apart on a loaded machine,
and a generous absolute cap catches a parser that is linear but hopelessly slow."""

import gc
import time
from collections.abc import Callable

import pytest

from quizapp.domain.course_markdown import parse_course_markdown
from quizapp.domain.formats.anki import read_anki_text
from quizapp.domain.formats.bank import parse_bank
from quizapp.domain.formats.gift import parse_gift
from quizapp.domain.lesson_notes import read_notes, sentences

N = 8_000
GROWTH_LIMIT = 9.0
CAP_SECONDS = 20.0


def _gift(make: Callable[[int], str]) -> Callable[[int], object]:
    return lambda n: parse_gift(make(n), "x.gift")


def _yaml(make: Callable[[int], str]) -> Callable[[int], object]:
    return lambda n: parse_bank(make(n), "x.yaml")


def _anki(make: Callable[[int], str], name: str = "x.csv") -> Callable[[int], object]:
    return lambda n: read_anki_text(make(n), name)


def _course(make: Callable[[int], str]) -> Callable[[int], object]:
    return lambda n: parse_course_markdown(make(n), "c.md")


def _notes(make: Callable[[int], str]) -> Callable[[int], object]:
    def read(n: int) -> object:
        notes = read_notes(make(n), "l")
        return [sentences(block) for block in notes.blocks]

    return read


CASES = {
    # GIFT: `{#` + digits + `x}` took 23 s for 16,000 digits (two quantifiers sharing a run).
    "gift numeric digit run": _gift(lambda n: "Q {#" + "1" * n + "x}"),
    "gift numeric range digit runs": _gift(lambda n: "Q {#" + "1" * n + ".." + "1" * n + "x}"),
    "gift tolerance digit run": _gift(lambda n: "Q {#1:" + "1" * n + "x}"),
    "gift weight digit run": _gift(lambda n: "Q {~%" + "1" * n + "x a =b}"),
    "gift escape run": _gift(lambda n: "Q {=" + "\\=" * (n // 2) + "}"),
    "gift backslash run": _gift(lambda n: "Q {=" + "\\" * n + "}"),
    "gift unclosed braces": _gift(lambda n: "{" * n),
    "gift stray closing braces": _gift(lambda n: "}" * n),
    "gift true/false feedback separators": _gift(lambda n: "Q {T" + "#" * n + "}"),
    "gift many answers": _gift(lambda n: "Q {" + "~a" * (n // 2) + "=b}"),
    "gift unclosed title": _gift(lambda n: "::" + "\\:" * (n // 2)),
    "gift line without terminator": _gift(lambda n: "a" * n),
    "gift questions with one title": _gift(lambda n: "::t::q{T}\n\n" * (n // 12)),
    "gift unclosed id comments": _gift(lambda n: "// " + "[id:" * (n // 4) + "\nq{T}"),
    "gift unclosed tag comments": _gift(lambda n: "// " + "[tag:" * (n // 5) + "\nq{T}"),
    "gift many broken questions": _gift(lambda n: "q{\n\n" * (n // 4)),
    # YAML banks.
    "yaml long scalar": _yaml(
        lambda n: (
            "lesson: 1\nquestions:\n  - {id: a, type: flashcard, prompt: "
            + "a" * n
            + ", back: b}\n"
        )
    ),
    "yaml many broken items": _yaml(lambda n: "questions: [" + "a," * (n // 2) + "]\n"),
    "yaml deep nesting": _yaml(lambda n: "questions: " + "[" * (n // 2) + "]" * (n // 2)),
    "yaml line without terminator": _yaml(lambda n: "questions: " + "x" * n),
    "yaml escape run": _yaml(lambda n: 'questions: "' + "\\\\" * (n // 2) + '"\n'),
    "yaml unclosed mapping": _yaml(lambda n: "questions: {" + "a: 1, " * (n // 6)),
    "yaml many questions with one id": _yaml(
        lambda n: (
            "lesson: 1\nquestions:\n"
            + "  - {id: q, type: flashcard, prompt: p, back: b}\n" * (n // 50)
        )
    ),
    # Anki text (CSV/TSV).
    "csv many columns": _anki(lambda n: "a," * (n // 2) + "\n"),
    "csv long field": _anki(lambda n: '"' + "a" * (n * 8) + '",b\n'),
    "csv unterminated quote": _anki(lambda n: '"' + "a," * (n // 2)),
    "csv many header lines": _anki(lambda n: "#tags:a\n" * (n // 8) + "f,b\n"),
    "csv many named columns": _anki(lambda n: "#columns:" + "x\t" * (n // 2) + "\nf\tb\n"),
    "tsv rows with one front": _anki(lambda n: "f\tb\n" * (n // 4), "x.tsv"),
    # The course Markdown parser and the lesson notes reader.
    "course many lessons": _course(
        lambda n: "# C\n\n" + "".join(f"## Clase {i} x\n\n" for i in range(n // 16))
    ),
    "course lessons with one title": _course(lambda n: "# C\n\n" + "## Uno\n\n" * (n // 8)),
    "course unclosed brackets": _course(lambda n: "# C\n\n## L\n\n" + "[" * n),
    "course emphasis run": _course(lambda n: "# C\n\n## L\n\n" + "*a" * (n // 2)),
    "course long heading": _course(lambda n: "# " + "a" * n),
    "course lesson number digit run": _course(lambda n: "# C\n\n## Clase " + "1" * n + "x\n"),
    "notes bold run": _notes(lambda n: "**a** " * (n // 6)),
    "notes sentences with bold words": _notes(lambda n: "Una **frase** aquí. " * (n // 20)),
    "notes headings with one title": _notes(lambda n: "## a\n\n" * (n // 6)),
    "notes spaces before a verb": _notes(lambda n: "a" + " " * n + "es"),
    "notes unclosed brackets": _notes(lambda n: "[" * (n // 8)),
}


def _cpu_seconds(parse: Callable[[int], object], n: int) -> float:
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(2):
            start = time.process_time()
            parse(n)
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("case", list(CASES))
def test_parser_time_grows_linearly(case):
    parse = CASES[case]
    parse(N // 10)  # warm caches (compiled patterns, schema validators)
    small = _cpu_seconds(parse, N)
    large = _cpu_seconds(parse, 4 * N)
    # Below a few milliseconds the clock's resolution, not the parser, sets the ratio.
    floor = 0.005
    assert large <= GROWTH_LIMIT * max(small, floor), f"{case}: {small:.4f}s → {large:.4f}s"
    assert large < CAP_SECONDS, f"{case}: {large:.2f}s for {4 * N} characters"


def test_a_rejected_number_is_quoted_short_in_its_message():
    [(_, line, message)] = parse_gift("Q {#" + "1" * 100_000 + "x}", "x.gift").errors
    assert line == 1
    assert len(message) < 120
    assert message.startswith("not a number, value:tolerance or min..max: '111")
