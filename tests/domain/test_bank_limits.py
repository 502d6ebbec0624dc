"""Hostile YAML banks are refused with `file:line: message` before anything is built."""

import tracemalloc

from quizapp.domain.formats.bank import dump_bank, parse_bank
from quizapp.domain.formats.safe_yaml import MAX_BYTES, MAX_DEPTH


def billion_laughs(levels: int = 9) -> str:
    """Each level a list of nine aliases of the one before: 9**levels strings once expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{','.join([f'*a{level - 1}'] * 9)}]")
    lines.append(f"questions: [*a{levels - 1}]")
    return "\n".join(lines) + "\n"


def test_the_alias_bomb_is_refused_at_its_first_anchor():
    result = parse_bank(billion_laughs(), "bomb.yaml")
    assert [str(error) for error in result.errors] == [
        "bomb.yaml:1: YAML anchors and aliases (&a0, *a0) are not allowed; write each question out"
    ]


def test_refusing_the_bomb_costs_what_reading_its_few_bytes_costs():
    """Before the fix the 356-byte bomb grew a worker past 3 GB; now the refusal allocates
    about as much as parsing a small honest bank does."""
    honest = "lesson: 1\nquestions:\n  - {id: a, type: flashcard, prompt: f, back: b}\n"
    peaks = []
    for text in (honest, billion_laughs(12)):
        tracemalloc.start()
        parse_bank(text, "f.yaml")
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 5 * 1024 * 1024
    assert peaks[1] < 4 * peaks[0] + 1024 * 1024


def test_an_alias_alone_is_refused_too():
    result = parse_bank("lesson: 1\nquestions: *nothing\n", "a.yaml")
    assert [str(error) for error in result.errors] == [
        "a.yaml:2: YAML anchors and aliases (&nothing, *nothing) are not allowed; "
        "write each question out"
    ]


def test_nesting_deeper_than_the_limit_is_refused_at_its_line():
    deep = "questions:\n" + "".join("  " * level + "-\n" for level in range(MAX_DEPTH + 5))
    result = parse_bank(deep, "deep.yaml")
    [error] = result.errors
    assert error.message == f"the YAML is nested more than {MAX_DEPTH} levels deep"
    assert error.line == MAX_DEPTH + 1


def test_deep_flow_nesting_is_refused_not_a_recursion_error():
    result = parse_bank("questions: " + "[" * 100_000 + "]" * 100_000 + "\n", "flow.yaml")
    [error] = result.errors
    assert error.line == 1
    assert "nest" in error.message


def test_a_document_over_the_size_limit_is_refused_before_it_is_read():
    result = parse_bank("#" * (MAX_BYTES + 1), "big.yaml")
    assert [str(error) for error in result.errors] == [
        f"big.yaml:1: the file is larger than {MAX_BYTES // 2**20} MiB"
    ]


def test_questions_sharing_a_list_are_dumped_without_anchors_and_read_back():
    tags = ["flask"]
    questions = [
        {"id": name, "type": "flashcard", "prompt": "p", "back": "b", "tags": tags}
        for name in ("a", "b")
    ]
    text = dump_bank(questions, lesson=1)
    assert "&" not in text
    assert "*" not in text
    result = parse_bank(text, "f.yaml")
    assert result.errors == []
    assert [q["tags"] for q in result.questions] == [["flask"], ["flask"]]
