"""Builds quiz form posts from an attempt: all right, or deliberately wrong, per type.

Choice and matching values are places in the shown order (`layout`), as on the page."""

import re

import sqlalchemy as sa

from quizapp.domain.quiz_layout import matching_options
from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.services.question_store import question_dict
from tests.conftest import csrf_token_from


def _as_places(fields: dict[str, object], question: dict, layout: list) -> dict[str, object]:
    """Authored positions in `fields` → the values the page shows for them."""
    if not (question.get("choices") or question.get("pairs")) or not layout:
        return fields
    place = {pos: index for index, pos in enumerate(layout)}
    out: dict[str, object] = {}
    for name, value in fields.items():
        if isinstance(value, list):
            out[name] = [str(place[int(v)]) for v in value]
        else:
            out[name] = str(place[int(value)])
    return out


def _right_fields(prefix: str, question: dict, layout: list | None = None) -> dict[str, object]:
    return _as_places(_authored_right(prefix, question), question, layout or [])


def _wrong_fields(prefix: str, question: dict, layout: list | None = None) -> dict[str, object]:
    return _as_places(_authored_wrong(prefix, question), question, layout or [])


def _authored_right(prefix: str, question: dict) -> dict[str, object]:
    kind = question["type"]
    if kind == "single_choice":
        right = next(i for i, c in enumerate(question["choices"]) if c.get("correct"))
        return {prefix: str(right)}
    if kind == "multiple_response":
        return {prefix: [str(i) for i, c in enumerate(question["choices"]) if c["weight"] > 0]}
    if kind == "true_false":
        return {prefix: "true" if question["answer"] else "false"}
    if kind == "short_answer":
        best = max(question["answers"], key=lambda a: a.get("weight", 100))
        return {prefix: best["text"]}
    if kind == "numeric":
        answer = max(question["answers"], key=lambda a: a.get("weight", 100))
        value = answer["value"] if answer.get("value") is not None else answer["min"]
        return {prefix: str(value).replace(".", ",")}
    if kind == "matching":
        options = matching_options(question)
        return {
            f"{prefix}_{i}": str(options.index(p["right"])) for i, p in enumerate(question["pairs"])
        }
    if kind == "cloze":
        return {f"{prefix}_{i}": blank["answers"][0] for i, blank in enumerate(question["blanks"])}
    if kind == "essay":  # graded by hand later: any text within the limit
        return {prefix: "Flask trae lo mínimo y se extiende."}
    if kind == "description":  # nothing to answer
        return {}
    raise AssertionError(f"no quiz field for {kind}")


def _authored_wrong(prefix: str, question: dict) -> dict[str, object]:
    kind = question["type"]
    if kind == "single_choice":
        wrong = next(i for i, c in enumerate(question["choices"]) if not c.get("correct"))
        return {prefix: str(wrong)}
    if kind == "multiple_response":
        return {prefix: [str(i) for i, c in enumerate(question["choices"]) if c["weight"] <= 0]}
    if kind == "true_false":
        return {prefix: "false" if question["answer"] else "true"}
    if kind in ("short_answer", "numeric"):
        return {prefix: "-987654"}
    if kind == "matching":
        count = len(question["pairs"])
        return {f"{prefix}_{i}": str((i + 1) % count) for i in range(count)}
    if kind == "cloze":
        fields = {}
        for i, blank in enumerate(question["blanks"]):
            options = [o for o in blank.get("options") or [] if o not in blank["answers"]]
            fields[f"{prefix}_{i}"] = options[0] if options else "zzz-mal"
        return fields
    if kind in ("essay", "description"):  # no wrong text: a person grades the essay
        return _authored_right(prefix, question)
    raise AssertionError(f"no quiz field for {kind}")


def quiz_post(attempt_id: int, csrf_token: str, wrong: set[int] = frozenset()) -> dict:
    """Form data answering every question right except the positions in `wrong`."""
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.id == attempt_id))
    data: dict[str, object] = {"csrf_token": csrf_token, "attempt_id": str(attempt_id)}
    for answer in attempt.answers:
        builder = _wrong_fields if answer.position in wrong else _right_fields
        data.update(builder(f"q{answer.id}", question_dict(answer.question), answer.display_order))
    return data


def start_quiz(client, quiz_path: str):
    """Press "Take the quiz" as a learner does (a POST: opening pages never starts an
    attempt), then open the quiz page; returns that page's response."""
    start_page = client.get(quiz_path).get_data(as_text=True)
    started = client.post(f"{quiz_path}/new", data={"csrf_token": csrf_token_from(start_page)})
    assert started.status_code == 302, started.status_code
    return client.get(quiz_path)


def attempt_id_from(html: str) -> int:
    """The attempt a quiz page posts (its hidden attempt_id field)."""
    match = re.search(r'name="attempt_id" type="hidden" value="(\d+)"', html)
    assert match, "no attempt_id in the page"
    return int(match.group(1))


def open_quiz(client, quiz_path: str) -> tuple[int, str]:
    """Start an attempt as a learner does; returns its id and the quiz page's CSRF token."""
    page = start_quiz(client, quiz_path).get_data(as_text=True)
    return attempt_id_from(page), csrf_token_from(page)


def take_quiz(client, quiz_path: str, wrong: set[int] = frozenset()) -> int:
    """Start an attempt and submit it, right except the positions in `wrong`; returns its id."""
    attempt_id, token = open_quiz(client, quiz_path)
    submitted = client.post(quiz_path, data=quiz_post(attempt_id, token, wrong))
    assert submitted.status_code == 302, submitted.status_code
    return attempt_id
