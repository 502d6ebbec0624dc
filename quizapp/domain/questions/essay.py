"""Essay: free text scored by a person (0..1 and a comment) from the grading queue."""

from __future__ import annotations

from typing import Any

from quizapp.domain.formats import gift_syntax as gift
from quizapp.domain.questions.base import GradeResult, Problem, QuestionType, make_result

_KEYS = ("max_words", "response_template", "grader_notes")
# The longest essay text accepted, whatever its word limit (web form and API alike).
MAX_CHARS = 50_000


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())


class Essay(QuestionType):
    """Response: a str. Grading only says whether a person must score it: a written
    answer is pending (score 0 until graded by hand), a blank one scores 0 at once, as in
    Moodle, where an unanswered essay needs no grader."""

    name = "essay"
    scoring = "manual"
    raw_keys = _KEYS

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        out = {key: raw.get(key) for key in _KEYS}
        limit = out["max_words"]
        if isinstance(limit, float) and limit.is_integer():  # YAML `300.0`: still words
            out["max_words"] = int(limit)
        return out

    def validate(self, question: dict[str, Any]) -> list[Problem]:
        template = question.get("response_template")
        limit = question.get("max_words")
        if template and limit is not None and word_count(template) > limit:
            return [Problem(("response_template",), "the response template is over the word limit")]
        return []

    def grade(self, question: dict[str, Any], response: Any) -> GradeResult:
        if not isinstance(response, str) or not response.strip():
            return make_result(0.0, [False], [], "")
        return GradeResult(score=0.0, correct=False, parts=[False], pending=True)

    def response_problem(self, question: dict[str, Any], response: Any) -> str | None:
        limit = question.get("max_words")
        if isinstance(response, str) and limit is not None and word_count(response) > limit:
            return f"the answer has {word_count(response)} words; the limit is {limit}"
        return None

    def example_response(self, question: dict[str, Any], right: bool) -> Any:
        return "Flask es un microframework: trae lo mínimo y deja elegir el resto." if right else ""

    def describe_right_answer(self, question: dict[str, Any]) -> str:
        # No key to show: the grader's notes are for graders, never for learners.
        return ""

    def to_yaml(self, question: dict[str, Any]) -> dict[str, Any]:
        return {key: question[key] for key in _KEYS if question.get(key) is not None}

    def to_gift(self, question: dict[str, Any]) -> str:
        """GIFT rule: an empty block is an essay. GIFT has no word limit, template or grader
        notes (Moodle's own GIFT export leaves them out too): the essay travels without them."""
        explained = question.get("explanation") and question["explanation"].strip()
        return gift.stem(question) + (gift.block([], question) if explained else "{}")
