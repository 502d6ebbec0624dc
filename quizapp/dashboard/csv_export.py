"""CSV downloads that spreadsheets open safely (no formula injection)."""

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

from quizapp.services.item_analysis import QuestionStats, flag_codes, question_title
from quizapp.services.stats import LearnerRow

# A cell starting with one of these is read as a formula by Excel, LibreOffice and
# Google Sheets (OWASP "CSV Injection"); a leading apostrophe makes it plain text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Text cells only: numbers the app wrote itself (e.g. -0.25) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([escape_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    # The BOM lets Excel detect UTF-8 (accents in Spanish names and titles).
    response = Response("\ufeff" + csv_text(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# The two tables as exported: one row per question / learner, plain values.
QUESTION_EXPORT_HEADER = (
    "lesson", "question_id", "type", "title", "attempts", "facility_index",
    "discrimination_index", "flags", "choice_counts",
)  # fmt: skip
LEARNER_EXPORT_HEADER = (
    "user_id", "email", "name", "attempts", "lessons_completed", "mean_best_score",
    "reviews", "last_activity",
)  # fmt: skip


def _rounded(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def question_export_rows(questions: list[QuestionStats]) -> list[list]:
    return [
        [
            item.lesson_number,
            item.question.external_id,
            item.question.type,
            question_title(item.question),
            item.attempts,
            _rounded(item.facility),
            _rounded(item.discrimination),
            " ".join(flag_codes(item.flags)),
            "; ".join(f"{c.label}{'*' if c.is_correct else ''}={c.count}" for c in item.choices),
        ]
        for item in questions
    ]


def learner_export_rows(learners: list[LearnerRow]) -> list[list]:
    return [
        [
            row.user_id,
            row.email,
            row.display_name,
            row.attempts,
            row.lessons_completed,
            _rounded(row.mean_best_score),
            row.reviews,
            row.last_activity.isoformat() if row.last_activity else "",
        ]
        for row in learners
    ]
