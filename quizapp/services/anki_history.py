"""An Anki package's review log becomes the importing learner's FSRS history.

Each Anki card became one question (quizapp.domain.formats.anki_notes); its review rows
are replayed in time order through the review service (`apply_review`), so the learner's card
ends in the state FSRS gives those ratings and the review log holds them. Cards the
learner has already reviewed in QuizApp are left alone (their own history wins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from quizapp.domain.formats.anki_notes import notes_to_questions
from quizapp.domain.formats.anki_package import Collection, open_package
from quizapp.models import Course, Question
from quizapp.services.deck import ensure_card
from quizapp.services.ratings import apply_review

# Anki's revlog types: 0 learning, 1 review, 2 relearning, 3 filtered deck, 4 manual
# (a reschedule, not a rating), 5 rescheduled; ease 0 is not a rating either.
_RATED_TYPES = (0, 1, 2, 3)


@dataclass
class HistoryImport:
    cards: int = 0  # learner cards given a history
    reviews: int = 0  # review rows replayed
    kept: int = 0  # cards skipped: already reviewed in QuizApp


def import_review_history(
    session: Session, user_id: int, course: Course, data: bytes, now: datetime
) -> HistoryImport:
    """Replay the package's reviews for the course's questions imported from it; call it
    after the questions themselves were imported, in the same transaction."""
    return replay_history(session, user_id, course, open_package(data), now)


def replay_history(
    session: Session, user_id: int, course: Course, collection: Collection, now: datetime
) -> HistoryImport:
    card_of = notes_to_questions(collection).card_of
    rows_of: dict[int, list[dict]] = {}
    for row in collection.revlog:
        if row["type"] in _RATED_TYPES and 1 <= int(row["ease"]) <= 4:
            rows_of.setdefault(row["cid"], []).append(row)
    wanted = {qid: cid for qid, cid in card_of.items() if rows_of.get(cid)}
    if not wanted:
        return HistoryImport()
    questions = session.execute(
        sa.select(Question.external_id, Question.id).where(
            Question.course_id == course.id, Question.external_id.in_(list(wanted))
        )
    )
    result = HistoryImport()
    for external_id, question_id in questions:
        card = ensure_card(session, user_id, question_id, now)
        if card.reps:
            result.kept += 1
            continue
        for row in sorted(rows_of[wanted[external_id]], key=lambda r: r["id"]):
            reviewed_at = datetime.fromtimestamp(row["id"] / 1000, UTC)
            if reviewed_at > now:
                continue  # a clock in the future is not history
            # Logged as "anki": history, not a rating of the review page, so the
            # review page's undo never walks back into it.
            apply_review(
                session,
                card,
                int(row["ease"]),
                reviewed_at,
                source="anki",
                duration_ms=row["time"],
                enable_fuzzing=False,
            )
            result.reviews += 1
        result.cards += 1
    return result
