"""What the results page shows per question: the attempt's results (built once, from
what was answered: services.attempt_results) with the learner's answer in words."""

from quizapp.answering.fields import FIELD_BUILDERS
from quizapp.models import Attempt
from quizapp.services.attempt_results import attempt_results


def result_items(attempt: Attempt) -> list[dict]:
    return [
        {
            "answer": result.answer,
            "question": result.question,
            "your_answer": FIELD_BUILDERS[result.question["type"]].describe(
                result.question, result.response
            ),
            "right_answer": result.right_answer,
            "feedback": result.feedback,
            "parts": result.parts,
        }
        for result in attempt_results(attempt)
    ]
