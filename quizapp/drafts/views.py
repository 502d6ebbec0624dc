"""Instructor pages tying questions to the lesson's sections: coverage and drafts."""

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import clock
from quizapp.auth.access import course_required
from quizapp.domain.course_access import EDIT, STAFF
from quizapp.domain.questions.registry import describe_right_answer, draft_answer, main_text
from quizapp.drafts.forms import ANSWER_HINTS, AcceptDraftForm, DiscardDraftForm
from quizapp.extensions import db, login_manager
from quizapp.lookups import lesson_or_404
from quizapp.models import Lesson
from quizapp.services import coverage, drafting

bp = Blueprint("drafts", __name__)

LESSON_URL = "/instructor/courses/<course_slug>/lessons/<lesson_slug>"
_DRAFT_ID = re.compile(r"draft-\d+-[0-9a-f]{8}")


@bp.before_request
def require_login():
    """Every page here is for a course's staff (each view checks which course)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _discarded(value: str | None) -> list[str]:
    """Ids of drafts discarded on this page view: no table remembers them (yet)."""
    return [part for part in (value or "").split(",") if _DRAFT_ID.fullmatch(part)]


def _drafts_url(lesson: Lesson, discarded: list[str]) -> str:
    return url_for(
        ".lesson_drafts",
        course_slug=lesson.course.slug,
        lesson_slug=lesson.slug,
        discarded=",".join(discarded) or None,
    )


@bp.route(f"{LESSON_URL}/coverage")
@course_required(STAFF)
def lesson_coverage(course_slug: str, lesson_slug: str):
    lesson = lesson_or_404(course_slug, lesson_slug)
    rows = coverage.lesson_coverage(db.session, lesson)
    return render_template(
        "drafts/coverage.html",
        lesson=lesson,
        course=lesson.course,
        rows=rows,
        uncovered=[row for row in rows if row.in_lesson and not row.covered],
    )


@bp.route(f"{LESSON_URL}/drafts")
@course_required(EDIT)
def lesson_drafts(course_slug: str, lesson_slug: str):
    lesson = lesson_or_404(course_slug, lesson_slug)
    discarded = _discarded(request.args.get("discarded"))
    drafts = drafting.lesson_drafts(db.session, lesson, hidden=frozenset(discarded))
    items = [
        (
            draft,
            describe_right_answer(draft.question),
            AcceptDraftForm(
                formdata=None,
                data={
                    "prompt": main_text(draft.question),
                    "answer": draft_answer(draft.question),
                    "discarded": ",".join(discarded),
                },
            ),
        )
        for draft in drafts
    ]
    return render_template(
        "drafts/drafts.html",
        lesson=lesson,
        course=lesson.course,
        items=items,
        discarded=discarded,
        discard_form=DiscardDraftForm(discarded=",".join(discarded)),
        main_answer=draft_answer,
        main_text=main_text,
        answer_hints=ANSWER_HINTS,
    )


@bp.route(f"{LESSON_URL}/drafts/<draft_id>/accept", methods=["POST"])
@course_required(EDIT)
def accept_draft(course_slug: str, lesson_slug: str, draft_id: str):
    lesson = lesson_or_404(course_slug, lesson_slug)
    form = AcceptDraftForm()
    if not form.validate_on_submit():
        abort(400)
    discarded = _discarded(form.discarded.data)
    edits = drafting.DraftEdits(prompt=form.prompt.data, answer=form.answer.data)
    try:
        drafting.accept_draft(db.session, lesson, draft_id, clock.now(), edits)
    except drafting.DraftError as error:
        db.session.rollback()
        for message in error.errors:
            flash(_("The draft was not saved: %(error)s", error=message), "danger")
    else:
        db.session.commit()
        flash(_("The draft is now a question of the lesson."), "success")
    return redirect(_drafts_url(lesson, discarded))


@bp.route(f"{LESSON_URL}/drafts/<draft_id>/discard", methods=["POST"])
@course_required(EDIT)
def discard_draft(course_slug: str, lesson_slug: str, draft_id: str):
    lesson = lesson_or_404(course_slug, lesson_slug)
    form = DiscardDraftForm()
    if not form.validate_on_submit() or not _DRAFT_ID.fullmatch(draft_id):
        abort(400)
    discarded = _discarded(form.discarded.data)
    if draft_id not in discarded:
        discarded.append(draft_id)
    return redirect(_drafts_url(lesson, discarded))
