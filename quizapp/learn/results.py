"""What the results page shows per question, computed from the stored answers."""

from quizapp.domain.questions.registry import describe_right_answer, grade_response
from quizapp.domain.quiz_layout import restore_response
from quizapp.learn.question_fields import FIELD_BUILDERS
from quizapp.models import Attempt
from quizapp.services.question_store import question_dict


def result_items(attempt: Attempt) -> list[dict]:
    items = []
    for answer in attempt.answers:
        question = question_dict(answer.question)
        response = restore_response(question, answer.response)
        # Re-grading the stored response recovers the feedback it triggered.
        graded = grade_response(question, response)
        items.append(
            {
                "answer": answer,
                "question": question,
                "your_answer": FIELD_BUILDERS[question["type"]].describe(question, response),
                "right_answer": describe_right_answer(question),
                "feedback": graded.feedback,
                "parts": graded.parts,
            }
        )
    return items
