"""How a quiz attempt is laid out: which questions, in what order, with options shuffled.

The layout is drawn once from a seeded random generator when the attempt starts and
stored with it, so a reload or a replayed form shows exactly the same quiz."""

import random
from typing import Any

Layout = list[int] | list[list[int]]


def draw_questions(question_ids: list[int], size: int | None, rng: random.Random) -> list[int]:
    """All questions in random order, or `size` of them drawn at random."""
    if size and 0 < size < len(question_ids):
        return rng.sample(question_ids, size)
    order = list(question_ids)
    rng.shuffle(order)
    return order


def _shuffled(count: int, rng: random.Random) -> list[int]:
    order = list(range(count))
    rng.shuffle(order)
    return order


def shuffle_options(question: dict[str, Any], rng: random.Random) -> Layout:
    """The display order of a question's options as original positions: choices, the
    right-hand side of matching pairs, or each drop-down blank's options."""
    if question.get("choices"):
        return _shuffled(len(question["choices"]), rng)
    if question.get("pairs"):
        return _shuffled(len(question["pairs"]) + len(question.get("distractors") or []), rng)
    if question.get("blanks"):
        return [_shuffled(len(blank.get("options") or []), rng) for blank in question["blanks"]]
    return []


def matching_options(question: dict[str, Any]) -> list[str]:
    """The right-hand options of a matching question, in original order."""
    return [pair["right"] for pair in question["pairs"]] + list(question.get("distractors") or [])


def selected_choice_positions(question: dict[str, Any], response: Any) -> list[int]:
    """Which choice rows a response selected, for distractor analysis. True/false keeps
    its two rows as True (0) and False (1)."""
    if isinstance(response, bool):
        return [0 if response else 1]
    if not question.get("choices"):
        return []
    count = len(question["choices"])
    if isinstance(response, int):
        return [response] if 0 <= response < count else []
    if isinstance(response, list | tuple | set):
        return sorted({i for i in response if isinstance(i, int) and 0 <= i < count})
    return []


def restore_response(question: dict, stored: Any) -> Any:
    """JSON turns dict keys into strings; matching responses need their int keys back."""
    if question.get("pairs") and isinstance(stored, dict):
        return {int(key): value for key, value in stored.items() if str(key).isdigit()}
    return stored
