"""What the results page shows per question: the attempt's results (built once, from
what was answered: services.attempt_results) with the learner's answer in words."""

from quizapp.answering.fields import FIELD_BUILDERS
from quizapp.models import Attempt
from quizapp.services.attempt_results import attempt_results


def result_items(attempt: Attempt) -> list[dict]:
    """Per item: what the page shows; `number` counts the questions asked (None for a
    description), `pending` marks an essay awaiting its grade, `comment` the grader's."""
    items = []
    number = 0
    for result in attempt_results(attempt):
        builder = FIELD_BUILDERS.get(result.question["type"])
        number += result.scored
        items.append(
            {
                "answer": result.answer,
                "question": result.question,
                "number": number if result.scored else None,
                "your_answer": builder.describe(result.question, result.response)
                if builder is not None
                else "",
                "right_answer": result.right_answer,
                "feedback": result.feedback,
                "parts": result.parts,
                "pending": result.pending,
                "comment": result.comment,
                "graded_by_hand": result.graded_by_hand,
            }
        )
    return items
