"""What the results page shows per question: the attempt's results (built once, from
what was answered: services.attempt_results) with the learner's answer in words."""

from flask_babel import gettext as _

from quizapp.answering.fields import FIELD_BUILDERS
from quizapp.models import Attempt
from quizapp.services.attempt_results import ReviewShown, shown_results


def result_items(attempt: Attempt, shown: ReviewShown) -> list[dict]:
    """Per item, only what the lesson's review options let the viewer see now: `number`
    counts the questions asked (None for a description), `pending` marks an essay
    awaiting its grade, `comment` the grader's, `answered` is False for a question left
    blank (it scored 0 and says so, rather than "—" or "Wrong")."""
    items = []
    number = 0
    for result in shown_results(attempt, shown):
        builder = FIELD_BUILDERS.get(result.question["type"])
        number += result.scored
        if builder is None:
            your_answer = ""
        elif result.response is None:
            your_answer = _("Not answered")
        else:
            your_answer = builder.describe(result.question, result.response)
        items.append(
            {
                "answer": result.answer,
                "question": result.question,
                "number": number if result.scored else None,
                "answered": result.response is not None,
                "your_answer": your_answer,
                "correct": result.correct,
                "score": result.score,
                "right_answer": result.right_answer,
                "feedback": result.feedback,
                "parts": result.parts,
                "pending": result.pending,
                "comment": result.comment,
                "graded_by_hand": result.graded_by_hand,
            }
        )
    return items
