"""How a quiz attempt is laid out: which questions, in what order, with options shuffled.

The layout is drawn once from a seeded random generator when the attempt starts and
stored with it, so a reload or a replayed form shows exactly the same quiz. Learners see
and send options by their place in that order; the mapping back to authored positions
(which grading and statistics use) happens here, on the server."""

import hashlib
import hmac
import random
from typing import Any

Layout = list[int] | list[list[int]]


def draw_questions(
    question_ids: list[int], size: int | None, rng: random.Random, shuffle: bool = True
) -> list[int]:
    """All questions in random order, or `size` of them drawn at random. Without
    `shuffle` (a lesson's quiz rule), the drawn questions keep the order given (authored)."""
    if size and 0 < size < len(question_ids):
        drawn = rng.sample(question_ids, size)
        if not shuffle:
            kept = set(drawn)
            return [question_id for question_id in question_ids if question_id in kept]
        return drawn
    order = list(question_ids)
    if shuffle:
        rng.shuffle(order)
    return order


def _shuffled(count: int, rng: random.Random | None) -> list[int]:
    order = list(range(count))
    if rng is not None:
        rng.shuffle(order)
    return order


def shuffle_options(question: dict[str, Any], rng: random.Random | None) -> Layout:
    """The display order of a question's options as original positions: choices, the
    right-hand side of matching pairs, or each drop-down blank's options. With no `rng`
    (a quiz that does not shuffle), or for choices whose question says `shuffle: false`,
    the options keep their authored order."""
    if question.get("shuffle") is False:
        rng = None
    if question.get("choices"):
        return _shuffled(len(question["choices"]), rng)
    if question.get("pairs"):
        return _shuffled(len(question["pairs"]) + len(question.get("distractors") or []), rng)
    if question.get("blanks"):
        return [_shuffled(len(blank.get("options") or []), rng) for blank in question["blanks"]]
    return []


def review_layout(question: dict[str, Any], card_id: int, reps: int, key: str | bytes) -> Layout:
    """The display order of a review card's options, fixed for one review (the page and the
    answer it posts agree) and reshuffled by the next. Drawn from a keyed hash of the card
    and its review count: a plain `card:reps` seed would let anyone recompute the shuffle
    and read the authored order back."""
    secret = key.encode() if isinstance(key, str) else key
    digest = hmac.digest(secret, f"{card_id}:{reps}".encode(), "sha256")
    return shuffle_options(question, KeyedShuffle(digest))


class KeyedShuffle:
    """Fisher–Yates draws read from a secret digest as one big number (each draw the
    remainder by the number of places left), extended by hashing the digest again when
    fewer than 128 bits are left so the remainders stay uniform to within 2**-128: the
    same orders, as evenly spread, as a random.Random seeded with the digest, without
    seeding a Mersenne Twister (most of a due card's layout) for a few draws."""

    __slots__ = ("_digest", "_value", "_blocks")

    def __init__(self, digest: bytes):
        self._digest = digest
        self._value = int.from_bytes(digest, "big")
        self._blocks = 0

    def shuffle(self, items: list) -> None:
        for i in range(len(items) - 1, 0, -1):
            if self._value < _REFILL_BELOW:
                self._blocks += 1
                block = hashlib.sha256(self._digest + self._blocks.to_bytes(4, "big")).digest()
                self._value = (self._value << 256) | int.from_bytes(block, "big")
            self._value, j = divmod(self._value, i + 1)
            items[i], items[j] = items[j], items[i]


_REFILL_BELOW = 1 << 128


def _place_map(question: dict[str, Any], layout: Layout) -> dict[int, int]:
    """Place on the page → authored position, for a choice or matching question."""
    if question.get("choices"):
        count = len(question["choices"])
    else:
        count = len(matching_options(question)) if question.get("pairs") else 0
    if layout and all(isinstance(pos, int) for pos in layout):
        return dict(enumerate(layout))  # type: ignore[arg-type]
    return {place: place for place in range(count)}


def _map_response(question: dict[str, Any], mapping: dict[int, int], response: Any) -> Any:
    """`response` with each position replaced by `mapping[position]`; a position the
    mapping lacks names no option and is left out (unanswered: it scores 0)."""
    if response is None or not (question.get("choices") or question.get("pairs")):
        return response  # true/false, text, numbers and cloze texts name no position

    def known(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value in mapping

    if question.get("pairs"):
        if not isinstance(response, dict):
            return response
        return {item: mapping[value] for item, value in response.items() if known(value)}
    if isinstance(response, list):
        return sorted(mapping[value] for value in response if known(value))
    return mapping[response] if known(response) else None


def response_from_places(question: dict[str, Any], layout: Layout, response: Any) -> Any:
    """A response that names options by their place in this attempt's (or review's)
    display order → the same response by authored position, which grading, storage and
    statistics use. Learners only ever see and send places, so the page never tells which
    authored option (authors usually write the right one first) a value stands for."""
    return _map_response(question, _place_map(question, layout), response)


def response_as_places(question: dict[str, Any], layout: Layout, response: Any) -> Any:
    """The inverse of `response_from_places`: a stored response in display places."""
    mapping = {pos: place for place, pos in _place_map(question, layout).items()}
    return _map_response(question, mapping, response)


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


def place_descriptions(drawn: list[int], authored: list[int], descriptions: set[int]) -> list[int]:
    """`drawn` (question ids in the attempt's order) with the descriptions of `authored`
    (the lesson's order) in their place: a description introduces the questions after it
    up to the next description, and is shown right before whichever of them the attempt
    asks first, so a case text stays with its questions whatever the shuffle. One whose
    questions were not drawn goes with the next; descriptions with none left close the
    quiz. Descriptions in a row keep their order."""
    place = {question_id: index for index, question_id in enumerate(drawn)}
    before: dict[int, list[int]] = {}
    waiting: list[int] = []
    introduced: list[int] = []  # places of the drawn questions the waiting ones introduce
    for question_id in authored:
        if question_id in descriptions:
            if introduced:
                before.setdefault(min(introduced), []).extend(waiting)
                waiting, introduced = [], []
            waiting.append(question_id)
        elif question_id in place:
            introduced.append(place[question_id])
    if introduced:
        before.setdefault(min(introduced), []).extend(waiting)
        waiting = []
    placed: list[int] = []
    for index, question_id in enumerate(drawn):
        placed += before.get(index, [])
        placed.append(question_id)
    return placed + waiting
