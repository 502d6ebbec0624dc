"""Short answer: free text compared with accepted answers; the best match's weight scores.

Case is ignored unless `case_sensitive: true` (Moodle's usecase); like a flashcard's
`reverse`, the key is in the normalised dict only when true, so questions stored before it
existed keep their content hash."""

from __future__ import annotations

from typing import Any

from quizapp.domain.formats import gift_syntax as gift
from quizapp.domain.questions.base import (
    REQUIRED,
    GradeResult,
    Problem,
    QuestionType,
    accepted_answer_result,
    compact_number,
    floats,
    full_marks_problems,
    map_list,
    texts_match,
    with_defaults,
)

_ANSWER = {"text": REQUIRED, "weight": 100.0, "feedback": None}


class ShortAnswer(QuestionType):
    """Response: a str, compared after NFKC, casefold and space collapsing (see base)."""

    name = "short_answer"
    raw_keys = ("answers", "answer", "accent_insensitive", "case_sensitive")

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "answers" in raw:
            out["answers"] = map_list(raw["answers"], normalise_answer)
        elif "answer" in raw:  # shorthand for a single fully-right answer
            out["answers"] = [normalise_answer(raw["answer"])]
        out["accent_insensitive"] = raw.get("accent_insensitive", False)
        if raw.get("case_sensitive") not in (None, False):
            out["case_sensitive"] = raw["case_sensitive"]
        return out

    def validate(self, question: dict[str, Any]) -> list[Problem]:
        return full_marks_problems(question["answers"])

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        right_answer = self.describe_right_answer(question)
        if not isinstance(response, str):
            return accepted_answer_result(None, right_answer)
        best = best_text_match(
            question["answers"],
            response,
            question["accent_insensitive"],
            case_sensitive=bool(question.get("case_sensitive")),
        )
        return accepted_answer_result(best, right_answer)

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        best = max(question["answers"], key=lambda answer: answer["weight"])
        return best["text"] if right else "— no sé —"

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        return " / ".join(a["text"] for a in question["answers"] if a["weight"] >= 100)

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"answers": [_answer_to_yaml(a) for a in question["answers"]]}
        if question["accent_insensitive"]:
            out["accent_insensitive"] = True
        if question.get("case_sensitive"):
            out["case_sensitive"] = True
        return out

    def to_gift(self, question: dict[str, Any]) -> str:
        # Written without it, the question would grade "paris" right where the author
        # said it is wrong: left out and reported (Moodle XML and YAML carry it).
        if question.get("case_sensitive"):
            raise gift.Inexpressible("GIFT has no case-sensitive short answers")
        return gift.stem(question) + gift.block(gift.accepted(question["answers"]), question)

    def draft_answer(self, question: dict[str, Any]) -> str | None:
        return question["answers"][0]["text"]

    def with_draft_answer(self, question: dict[str, Any], text: str) -> dict[str, Any]:
        question["answers"][0]["text"] = text
        return question


def normalise_answer(raw: Any) -> Any:
    """A plain string is a fully-right answer without feedback."""
    if isinstance(raw, str):
        return {"text": raw, "weight": 100.0, "feedback": None}
    return floats(with_defaults(raw, _ANSWER), ("weight",))


def best_text_match(
    answers: list[dict[str, Any]],
    response: str,
    accent_insensitive: bool,
    *,
    case_sensitive: bool = False,
) -> dict[str, Any] | None:
    """The highest-weighted answer that matches `response`, if any."""
    options = {"accent_insensitive": accent_insensitive, "case_sensitive": case_sensitive}
    matches = [answer for answer in answers if texts_match(answer["text"], response, **options)]
    return max(matches, key=lambda answer: answer["weight"], default=None)


def _answer_to_yaml(answer: dict[str, Any]) -> Any:
    if answer["weight"] == 100 and answer["feedback"] is None:
        return answer["text"]
    out: dict[str, Any] = {"text": answer["text"], "weight": compact_number(answer["weight"])}
    if answer["feedback"] is not None:
        out["feedback"] = answer["feedback"]
    return out
