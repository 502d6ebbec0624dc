"""Flashcard review with FSRS: the due queue, answering and rating a card, undo, suspend
and bury, the card browser, the session's summary and the learner's review settings."""

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime, format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from quizapp import background, clock
from quizapp.domain.questions.registry import is_gradable
from quizapp.domain.scheduling import format_interval
from quizapp.extensions import db
from quizapp.review import answer_parsing
from quizapp.review.card_kinds import CARD_KINDS
from quizapp.review.forms import (
    CardActionsForm,
    CardControlForm,
    CardSearchForm,
    FitParametersForm,
    RatingForm,
    ReviewedCardForm,
    ReviewSettingsForm,
)
from quizapp.services import (
    card_browser,
    card_controls,
    jobs,
    memory_parameters,
    ratings,
    review_queue,
    review_settings,
)
from quizapp.services.question_store import card_question

bp = Blueprint("review", __name__)

SITTING_START = "review_sitting_start"
SITTING_ENDED = "review_sitting_ended"


@bp.context_processor
def review_helpers():
    return {
        "interval_text": interval_text,
        "cloze_prompt": answer_parsing.cloze_prompt,
        "rating_labels": {1: _("Again"), 2: _("Hard"), 3: _("Good"), 4: _("Easy")},
        "control_form": CardControlForm,
        "card_kinds": CARD_KINDS,
    }


def interval_text(delta: timedelta) -> str:
    units = {
        "min": _("{n} min"),
        "h": _("{n} h"),
        "d": _("{n} d"),
        "mo": _("{n} mo"),
        "y": _("{n} y"),
    }
    return format_interval(delta, units, format_decimal)


def _fuzzing() -> bool:
    return bool(current_app.config.get("REVIEW_FUZZING", True))


def _scope_args() -> dict[str, str]:
    """The queue's filter, carried through every form and redirect of the review pages."""
    return {key: request.args[key] for key in ("course", "lesson") if request.args.get(key)}


def _scope() -> review_queue.ReviewScope | None:
    args = _scope_args()
    if not args:
        return None
    return review_queue.find_scope(db.session, args.get("course"), args.get("lesson")) or abort(404)


def _back_to_queue():
    return redirect(url_for("review.queue", **_scope_args()))


def _note_review(moment: datetime) -> None:
    """A sitting starts with the first review after the last summary was shown."""
    if session.get(SITTING_ENDED, True) or SITTING_START not in session:
        session[SITTING_START] = moment.isoformat()
        session[SITTING_ENDED] = False


def _sitting_start(moment: datetime) -> tuple[datetime, bool]:
    """When this sitting began, or the start of today (and False) when nothing says."""
    try:
        return datetime.fromisoformat(session[SITTING_START]), True
    except (KeyError, TypeError, ValueError):
        return review_queue.day_start(moment), False


def _stale_review():
    db.session.rollback()
    flash(
        _("That card was already reviewed (a second click or another tab); here is the next one."),
        "info",
    )
    return _back_to_queue()


@bp.route("/review")
@login_required
def queue():
    scope = _scope()
    moment = clock.now()
    # The page shows one card (and the counts): no need to read the next ones.
    found = review_queue.review_queue(db.session, current_user.id, moment, scope, limit=1)
    if found.current is None:
        since, in_sitting = _sitting_start(moment)
        summary = review_queue.session_summary(db.session, current_user.id, since, moment, scope)
        session[SITTING_ENDED] = True
        return render_template(
            "review/summary.html",
            summary=summary,
            scope=scope,
            now=moment,
            in_sitting=in_sitting,
            scope_args=_scope_args(),
            format_datetime=format_datetime,
        )
    item = found.current
    fields_html = None
    if is_gradable(item.question["type"]):
        layout = answer_parsing.answer_layout(item.question, item.card.id, item.card.reps)
        fields_html = answer_parsing.shown_fields_html(item.question, layout)
    return render_template(
        "review/card.html",
        queue=found,
        item=item,
        fields_html=fields_html,
        scope=scope,
        scope_args=_scope_args(),
    )


@bp.route("/review/<int:card_id>/answer", methods=["POST"])
@login_required
def answer(card_id: int):
    moment = clock.now()
    card = _own_card_or_404(card_id)
    question = card_question(card)
    if not is_gradable(question["type"]):
        abort(400)
    layout = answer_parsing.answer_layout(question, card.id, card.reps)
    form = answer_parsing.build_answer_form(question, layout)
    if form.reps.data is not None and form.reps.data != card.reps:
        return _stale_review()
    if not form.validate_on_submit():
        if form.reps.errors or form.duration_ms.errors:
            abort(400)
        found = review_queue.review_queue(db.session, current_user.id, moment, _scope(), limit=1)
        previews = review_queue.rating_previews(db.session, card, moment)
        item = review_queue.ReviewItem(card, question, previews)
        return render_template(
            "review/card.html",
            queue=found,
            item=item,
            fields_html=answer_parsing.bound_fields_html(form, question, layout),
            scope=_scope(),
            scope_args=_scope_args(),
        )
    response = answer_parsing.read_response(form, question, layout)
    return _answered(card.id, question, response, form)


def _answered(card_id: int, question, response, form):
    """Grade the answer (or, with no response, "I don't know") and show the outcome."""
    moment = clock.now()
    try:
        options = {
            "expected_reps": form.reps.data,
            "duration_ms": form.duration_ms.data,
            "enable_fuzzing": _fuzzing(),
        }
        if response is None:
            outcome = ratings.give_up_card(db.session, current_user.id, card_id, moment, **options)
        else:
            outcome = ratings.answer_card(
                db.session, current_user.id, card_id, response, moment, **options
            )
    except ratings.StaleReview:
        return _stale_review()
    if outcome.rated:
        db.session.commit()
        _note_review(moment)
    your_answer = (
        _("I don't know")
        if response is None
        else answer_parsing.describe_response(question, response)
    )
    return render_template(
        "review/result.html",
        outcome=outcome,
        now=moment,
        scope_args=_scope_args(),
        your_answer=your_answer,
    )


@bp.route("/review/<int:card_id>/dont-know", methods=["POST"])
@login_required
def dont_know(card_id: int):
    """ "Show answer / I don't know" on an objective card: rated Again, answer shown."""
    card = _own_card_or_404(card_id)
    question = card_question(card)
    form = ReviewedCardForm()
    if not is_gradable(question["type"]) or not form.validate_on_submit():
        abort(400)
    if form.reps.data != card.reps:
        return _stale_review()
    return _answered(card.id, question, None, form)


@bp.route("/review/undo", methods=["POST"])
@login_required
def undo():
    if not CardControlForm().validate_on_submit():
        abort(400)
    try:
        ratings.undo_last_rating(db.session, current_user.id)
    except ratings.ReviewError as error:
        db.session.rollback()
        flash(_("Nothing to undo.") if isinstance(error, ratings.NothingToUndo) else str(error))
        return _back_to_queue()
    db.session.commit()
    flash(_("Rating undone: the card is as it was before."), "success")
    return _back_to_queue()


@bp.route("/review/<int:card_id>/suspend", methods=["POST"])
@login_required
def suspend(card_id: int):
    return _control_card(
        card_id,
        lambda now: card_controls.suspend_cards(db.session, current_user.id, [card_id], now),
        _("Card suspended: find it in the card browser to unsuspend it."),
    )


@bp.route("/review/<int:card_id>/bury", methods=["POST"])
@login_required
def bury(card_id: int):
    return _control_card(
        card_id,
        lambda now: card_controls.bury_card(db.session, current_user.id, card_id, now),
        _("Card buried until tomorrow."),
    )


def _control_card(card_id: int, apply, done: str):
    """A queue control on one of the learner's own cards: 404 for anybody else's, 400
    without the form's token; applied now, then back to the queue."""
    _own_card_or_404(card_id)
    if not CardControlForm().validate_on_submit():
        abort(400)
    apply(clock.now())
    db.session.commit()
    flash(done, "success")
    return _back_to_queue()


def _own_card_or_404(card_id: int):
    try:
        return ratings.get_card(db.session, current_user.id, card_id)
    except ratings.CardNotFound:
        abort(404)


@bp.route("/review/cards", methods=["GET", "POST"])
@login_required
def cards():
    """The card browser: search the learner's cards; suspend, unsuspend or reset them."""
    search = CardSearchForm(request.args)
    lessons = card_browser.learner_lessons(db.session, current_user.id)
    search.lesson.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(str(lesson.id), f"{lesson.course.title} · {lesson.number}. {lesson.title}")
        for lesson in lessons
    ]
    actions = CardActionsForm()
    if request.method == "POST":
        if not actions.validate_on_submit():
            abort(400)
        changed = card_controls.apply_action(
            db.session, current_user.id, actions.action.data, actions.cards.data, clock.now()
        )
        db.session.commit()
        flash(ngettext("%(num)d card changed.", "%(num)d cards changed.", changed), "success")
        return redirect(url_for("review.cards", **request.args))
    valid = search.validate()
    query = card_browser.CardQuery(
        text=(search.q.data or "") if valid else "",
        lesson_id=int(search.lesson.data) if valid and search.lesson.data else None,
        state=(search.state.data or None) if valid else None,
        due_before=search.due_before.data if valid else None,
        sort=(search.sort.data or "due") if valid else "due",
        page=(search.page.data or 1) if valid else 1,
    )
    found = card_browser.find_cards(db.session, current_user.id, query)
    return render_template(
        "review/cards.html",
        search=search,
        actions=actions,
        found=found,
        card_state=card_browser.card_state,
        format_datetime=format_datetime,
        query_args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.route("/review/<int:card_id>/rate", methods=["POST"])
@login_required
def rate(card_id: int):
    form = RatingForm()
    if not form.validate_on_submit():
        abort(400)
    moment = clock.now()
    try:
        ratings.rate_card(
            db.session,
            current_user.id,
            card_id,
            form.rating.data,
            moment,
            expected_reps=form.reps.data,
            duration_ms=form.duration_ms.data,
            enable_fuzzing=_fuzzing(),
        )
    except ratings.CardNotFound:
        abort(404)
    except ratings.StaleReview:
        return _stale_review()
    db.session.commit()
    _note_review(moment)
    return _back_to_queue()


@bp.route("/review/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = ReviewSettingsForm()
    if request.method == "GET":
        form.retention_percent.data = round(current_user.desired_retention * 100)
        form.daily_new_limit.data = current_user.daily_new_limit
        form.leech_threshold.data = current_user.leech_threshold
    if form.validate_on_submit():
        review_settings.update_review_settings(
            db.session,
            current_user.id,
            form.retention_percent.data / 100,
            form.daily_new_limit.data,
            form.leech_threshold.data,
        )
        db.session.commit()
        flash(_("Your review settings are saved."), "success")
        return redirect(url_for("review.settings"))
    return render_template(
        "review/settings.html",
        form=form,
        memory=memory_parameters.memory_summary(db.session, current_user.id),
        job=jobs.latest_job(db.session, jobs.FSRS_FIT, {"user_id": current_user.id}),
        fit_form=FitParametersForm(),
        min_reviews=current_app.config["FSRS_MIN_REVIEWS"],
    )


@bp.route("/review/settings/fit", methods=["POST"])
@login_required
def fit_parameters():
    """Fit the learner's FSRS parameters as a job; the settings page shows its progress."""
    if not FitParametersForm().validate_on_submit():
        abort(400)
    background.request_job(jobs.FSRS_FIT, {"user_id": current_user.id}, current_user.id)
    flash(_("Your memory model is being fitted to your reviews; the result appears below."), "info")
    return redirect(url_for("review.settings"))
