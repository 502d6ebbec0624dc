"""True/false: the learner picks true or false and scores 1 or 0."""

from __future__ import annotations

from typing import Any

from quizapp.domain.formats import gift_syntax as gift
from quizapp.domain.questions.base import GradeResult, QuestionType, make_result

_KEYS = ("answer", "feedback_true", "feedback_false")


class TrueFalse(QuestionType):
    """Response: a bool; `feedback_true`/`feedback_false` follow what was picked, as in GIFT."""

    name = "true_false"
    raw_keys = _KEYS

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        out = {"answer": raw["answer"]} if "answer" in raw else {}
        out["feedback_true"] = raw.get("feedback_true")
        out["feedback_false"] = raw.get("feedback_false")
        return out

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        right_answer = self.describe_right_answer(question)
        if not isinstance(response, bool):
            return make_result(0.0, [False], [], right_answer)
        feedback = question["feedback_true"] if response else question["feedback_false"]
        right = response == question["answer"]
        return make_result(1.0 if right else 0.0, [right], [feedback], right_answer)

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        return question["answer"] == right

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        # Plain English words; the web layer may show a translated label from `answer`.
        return "True" if question["answer"] else "False"

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"answer": question["answer"]}
        for key in ("feedback_true", "feedback_false"):
            if question[key] is not None:
                out[key] = question[key]
        return out

    def to_gift(self, question: dict[str, Any]) -> str:
        # GIFT rule: {TRUE#feedback when wrong#feedback when right}.
        answer = bool(question["answer"])
        wrong = question.get("feedback_false" if answer else "feedback_true")
        right = question.get("feedback_true" if answer else "feedback_false")
        body = "TRUE" if answer else "FALSE"
        if wrong or right:
            body += "#" + gift.answer_text(wrong or "") + gift.feedback(right)
        return gift.stem(question) + gift.block([body], question)

    def draft_answer(self, question: dict[str, Any]) -> str | None:
        return "true" if question["answer"] else "false"

    def with_draft_answer(self, question: dict[str, Any], text: str) -> dict[str, Any]:
        word = text.casefold()
        if word not in _TRUE_WORDS | _FALSE_WORDS:
            raise ValueError(f"answer {text!r}: write true or false")
        question["answer"] = word in _TRUE_WORDS
        return question


# The words an author may type for the answer, in the course languages.
_TRUE_WORDS = frozenset(("true", "verdadero", "v", "t", "sí", "si", "yes"))
_FALSE_WORDS = frozenset(("false", "falso", "f", "no"))
