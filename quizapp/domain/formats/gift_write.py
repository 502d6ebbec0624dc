"""Render one normalised question as GIFT: the id and tag comments and the title here, the
rest by its type (`QuestionType.to_gift`, beside the type's other shapes)."""

from __future__ import annotations

from quizapp.domain.formats.gift_syntax import Inexpressible, escape
from quizapp.domain.questions.base import QuestionType
from quizapp.domain.questions.registry import QUESTION_TYPES
from quizapp.domain.questions.tables import NOT_SELF_RATED, per_type_table

__all__ = ["Inexpressible", "render_question"]


def render_question(question: dict) -> str:
    """The GIFT text of one question (id and tags as Moodle's `// [id:]` comments)."""
    renderer = _RENDERERS.get(question.get("type", ""))
    if renderer is None:
        raise Inexpressible(f"GIFT has no {question.get('type')!r} questions")
    head = _comments(question)
    if question.get("title"):
        head += "::" + escape(question["title"].strip()) + "::"
    return head + renderer(question)


def _comments(question: dict) -> str:
    lines = [f"// [id:{question['id']}]"] if question.get("id") else []
    tags = [t for t in question.get("tags") or [] if t.strip()]
    if tags:
        lines.append("// " + " ".join(f"[tag:{_tag(t)}]" for t in tags))
    return "".join(line + "\n" for line in lines)


def _tag(tag: str) -> str:
    # Moodle's tag comment syntax escapes a closing bracket as `\]`.
    return " ".join(tag.split()).replace("]", "\\]")


# The types that say how GIFT writes them; flashcards have no GIFT form, so writing one
# raises Inexpressible, reported as left out. The table is checked like every layer's.
_RENDERERS = per_type_table(
    "GIFT writer",
    {
        name: qtype.to_gift
        for name, qtype in QUESTION_TYPES.items()
        if type(qtype).to_gift is not QuestionType.to_gift
    },
    scorings=NOT_SELF_RATED,
)
