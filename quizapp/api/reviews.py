"""The API's flashcard review: the due cards, and rating (or answering, then rating) one."""

from flask import current_app

from quizapp import clock
from quizapp.api import answer_schemas, answer_serializers
from quizapp.api.answer_schemas import read_response
from quizapp.api.auth import current_api_user
from quizapp.api.routing import route
from quizapp.api.validation import ApiError, check_id, validate
from quizapp.domain.questions.registry import is_gradable
from quizapp.domain.quiz_layout import review_layout
from quizapp.extensions import db
from quizapp.services import (
    ratings,
    review_queue,
)
from quizapp.services.question_store import card_question


def _review_layout(card) -> list:
    """The order a review card's options are listed in (and its response is read by)."""
    return review_layout(card_question(card), card.id, card.reps, current_app.secret_key)


@route(
    "/review/due",
    "GET",
    tag="reviews",
    summary="Flashcards due now",
    description="Due reviews (most overdue first), then today's allowance of new cards.",
    query=answer_schemas.REVIEW_DUE_QUERY,
    responses={200: answer_schemas.REVIEW_DUE},
    errors=(404,),
)
def review_due(query: dict):
    scope = None
    if "course" in query:
        scope = review_queue.find_scope(db.session, query["course"], query.get("lesson"))
        if scope is None:
            raise ApiError(404, "not_found", "No such course or lesson.")
    found = review_queue.review_queue(
        db.session,
        current_api_user().id,
        clock.now(),
        scope,
        limit=query["limit"],
        with_current=False,  # the list has no rating buttons to preview
    )
    key = current_app.secret_key  # read once, not through the app proxy per card
    return {
        "review_count": found.review_count,
        "new_count": found.new_count,
        "total": found.total,
        "cards": [_due_card(card, key) for card in found.cards],
    }


def _due_card(card, key: str | bytes) -> dict:
    question = card_question(card)  # once: the layout and the serialiser both read it
    layout = review_layout(question, card.id, card.reps, key)
    return answer_serializers.due_card(card, layout, question)


def _fuzzing() -> bool:
    return bool(current_app.config.get("REVIEW_FUZZING", True))


def _answer_and_rate(user_id: int, card_id: int, body: dict, moment):
    """Grade the response; a wrong one is rated Again by the service, a right one gets
    the learner's rating."""
    card = ratings.get_card(db.session, user_id, card_id)
    question = card_question(card)
    if not is_gradable(question["type"]):
        raise ApiError(422, "invalid_request", "response: flashcards are rated, not answered.")
    validate(
        body["response"],
        answer_schemas.RESPONSE_BY_TYPE[question["type"]],
        f"response ({question['type']})",
    )
    options = {"duration_ms": body.get("duration_ms"), "enable_fuzzing": _fuzzing()}
    outcome = ratings.answer_card(
        db.session,
        user_id,
        card_id,
        read_response(question, _review_layout(card), body["response"]),
        moment,
        expected_reps=body.get("expected_reps"),
        **options,
    )
    if outcome.rated:
        return outcome.card, review_queue.AGAIN, outcome.grade
    # Answering moved nothing on: the rating expects the card as it is now.
    return _rate(user_id, card_id, body, moment, outcome.card.reps), body["rating"], outcome.grade


def _rate(user_id: int, card_id: int, body: dict, moment, expected_reps: int | None):
    return ratings.rate_card(
        db.session,
        user_id,
        card_id,
        body["rating"],
        moment,
        expected_reps=expected_reps,
        duration_ms=body.get("duration_ms"),
        enable_fuzzing=_fuzzing(),
    )


@route(
    "/review/<int:card_id>",
    "POST",
    tag="reviews",
    summary="Rate (or answer, then rate) a card",
    description="`rating` 1 Again … 4 Easy. With a `response` (objective questions only) the "
    "answer is graded first: a wrong answer is rated Again. 409 when the card was reviewed "
    "since `expected_reps`.",
    body=answer_schemas.REVIEW_REQUEST,
    responses={200: answer_schemas.REVIEW_RESULT},
    errors=(409,),
)
def review_card(card_id: int, body: dict):
    user_id = current_api_user().id
    moment = clock.now()
    check_id(card_id)
    try:
        if body.get("response") is not None:
            card, rating, grade = _answer_and_rate(user_id, card_id, body, moment)
        else:
            card = _rate(user_id, card_id, body, moment, body.get("expected_reps"))
            rating, grade = body["rating"], None
    except ratings.CardNotFound:
        raise ApiError(404, "not_found", "No such card.") from None
    except ratings.StaleReview as error:
        raise ApiError(409, "stale_review", str(error)) from None
    except ratings.ReviewError as error:
        raise ApiError(422, "invalid_request", str(error)) from None
    # Serialised before the commit, which expires the card (reading it back would be
    # one more statement): the columns are the ones this transaction wrote.
    result = answer_serializers.review_result(card, rating, grade)
    db.session.commit()
    return result
