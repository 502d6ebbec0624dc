"""Planning and writing a file run with Python's cycle collector paused (an import's many
live dicts made each full collection walk them all again) and leave it as they found it,
on success and on failure."""

import gc

import pytest

from quizapp.extensions import db
from quizapp.services import bank_import
from quizapp.services.bank_import import ImportRefused, apply_import, plan_import
from quizapp.services.catalog import find_course, find_lesson

GIFT = "// [id:gc-1]\n::Uno:: Flask es un microframework. {T}\n"


@pytest.fixture
def target(bundled_course):
    return find_course(db.session, "curso-flask"), find_lesson(db.session, "curso-flask", "1")


def test_the_collector_is_paused_while_planning_and_writing(target, monkeypatch):
    seen = []
    check = bank_import.check_question
    monkeypatch.setattr(
        bank_import, "check_question", lambda q: (seen.append(gc.isenabled()), check(q))[1]
    )
    insert = bank_import.insert_created
    monkeypatch.setattr(
        bank_import, "insert_created", lambda *a: (seen.append(gc.isenabled()), insert(*a))[1]
    )
    assert gc.isenabled()
    plan = plan_import(db.session, *target, GIFT, "f.gift")
    assert gc.isenabled()
    apply_import(db.session, plan)
    assert gc.isenabled()
    assert seen == [False, False]
    assert plan.created == ["gc-1"]


def test_a_refused_plan_leaves_the_collector_on(target):
    plan = plan_import(db.session, *target, "::Roto:: {=a", "f.gift")
    assert plan.errors
    with pytest.raises(ImportRefused):
        apply_import(db.session, plan)
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(target):
    gc.disable()
    try:
        plan_import(db.session, *target, GIFT, "f.gift")
        assert not gc.isenabled()
    finally:
        gc.enable()
