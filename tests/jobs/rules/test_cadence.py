"""Cadence rules: which STC/VIS activity each account needs, for whom, on which working day."""

from __future__ import annotations

import datetime as dt

import pytest

from config.errors import RecordError
from config.process import load_process
from connectors.goldmine.records import Account, Activity
from jobs.calendar import BusinessCalendar
from jobs.rules.actions import Move, Remove, Schedule
from jobs.rules.cadence import cadences_for, due_date, marked_days, plan_account

D = dt.date
PROCESS = load_process()
CAL = BusinessCalendar()
TODAY = D(2026, 11, 30)  # a Monday


def account(kind: str = "Distributor", tier: str = "Large", sm: str = "ASHAW") -> Account:
    return Account(accountno="A1", recid="R1", company="Acme Ltd", contact="Ann Acme", key1=kind, key2=tier,
                   key4=sm)


def pending(code: str, *, by: str = "GOLDHEAT", user: str = "ASHAW", on: dt.date = D(2026, 12, 4),
            ref: str | None = None, recid: str = "P1") -> Activity:
    days = {"STC": 7, "VIS": 91}[code]
    return Activity(recid=recid, accountno="A1", userid=user, rectype="C" if code == "STC" else "A",
                    actvcode=code, ondate=on, ontime="", ref=ref if ref is not None else
                    f"x (every {days} days)", createby=by)


@pytest.mark.parametrize(("kind", "tier", "expected"), [
    ("Customer", "Selected", {"STC": 91}),
    ("Distributor", "Large", {"STC": 7, "VIS": 91}),
    ("Distributor", "Small", {"STC": 30, "VIS": 182}),
    ("distributor", "LARGE", {"STC": 7, "VIS": 91}),   # GoldMine users type KEYs in any case
    ("Customer", "", {}),
    ("Customer", "Large", {}),                          # tiers are for distributors
    ("Distributor", "Selected", {}),                    # and Selected is for customers
    ("Prospect", "Selected", {}),
    ("Suspect", "", {}),
])
def test_every_tier_and_cadence(kind: str, tier: str, expected: dict[str, int]) -> None:
    found = cadences_for(account(kind, tier), PROCESS)
    assert {code: c.days for code, c in found.items()} == expected
    assert {c.rectype for c in found.values()} <= {"C", "A"}
    if "VIS" in found:
        assert found["VIS"].rectype == "A" and found["STC"].rectype == "C"


@pytest.mark.parametrize(("last", "days", "today", "expected"), [
    (None, 7, TODAY, TODAY),                           # never done: today
    (None, 7, D(2026, 11, 28), TODAY),                 # ... on a working day
    (None, 91, D(2027, 3, 26), D(2027, 3, 30)),        # Good Friday -> after Easter Monday
    (D(2026, 11, 27), 7, TODAY, D(2026, 12, 4)),       # weekly, large distributor
    (D(2026, 11, 20), 7, TODAY, TODAY),                # overdue: today, never in the past
    (D(2026, 11, 25), 30, TODAY, D(2026, 12, 29)),     # monthly lands on Christmas
    (D(2026, 9, 1), 91, TODAY, D(2026, 12, 1)),        # quarterly, selected customer
    (D(2026, 6, 1), 182, TODAY, TODAY),                # semi-annual visit
    (D(2026, 9, 3), 91, TODAY, D(2026, 12, 3)),        # quarterly visit
    (D(2028, 2, 22), 7, D(2028, 2, 24), D(2028, 2, 29)),  # leap day
    (D(2027, 1, 31), 30, D(2027, 2, 1), D(2027, 3, 2)),   # month end, common year
    (D(2028, 1, 31), 30, D(2028, 2, 1), D(2028, 3, 1)),   # month end, leap year
])
def test_due_date(last: dt.date | None, days: int, today: dt.date, expected: dt.date) -> None:
    assert due_date(last, days, today, CAL) == expected


@pytest.mark.parametrize(("kind", "tier", "last", "expected"), [
    ("Distributor", "Large", {"STC": D(2026, 11, 27), "VIS": D(2026, 9, 3)},
     {("STC", "C", D(2026, 12, 4)), ("VIS", "A", D(2026, 12, 3))}),
    ("Distributor", "Small", {"STC": D(2026, 11, 25)}, {("STC", "C", D(2026, 12, 29)), ("VIS", "A", TODAY)}),
    ("Customer", "Selected", {}, {("STC", "C", TODAY)}),
    ("Customer", "", {}, set()),
])
def test_schedules_what_is_missing(kind: str, tier: str, last: dict[str, dt.date],
                                   expected: set[tuple[str, str, dt.date]]) -> None:
    actions = plan_account(account(kind, tier), [], last, TODAY, CAL, PROCESS)
    assert all(isinstance(a, Schedule) for a in actions)
    assert {(a.activity.actvcode, a.activity.rectype, a.activity.ondate) for a in actions} == expected
    for a in actions:
        assert a.activity.userid == "ASHAW" and a.key == f"A1:{a.activity.actvcode}:{a.activity.ondate}"
        assert marked_days(a.activity.ref) in (7, 30, 91, 182)


def test_a_persons_pending_activity_counts() -> None:
    actions = plan_account(account(), [pending("STC", by="BPATEL", ref="call them"), pending("VIS", by="ASHAW")],
                           {}, TODAY, CAL, PROCESS)
    assert actions == []


def test_goldheats_own_goes_when_a_person_also_scheduled_one() -> None:
    actions = plan_account(account(), [pending("STC", by="ASHAW", recid="H1"), pending("STC", recid="G1"),
                                       pending("VIS", by="ASHAW")], {}, TODAY, CAL, PROCESS)
    assert [(type(a), a.recid) for a in actions] == [(Remove, "G1")]


def test_nothing_to_do_when_goldheats_pending_one_is_right() -> None:
    assert plan_account(account(), [pending("STC"), pending("VIS", recid="P2")], {}, TODAY, CAL, PROCESS) == []


def test_a_new_sm_gets_the_pending_ones_on_the_same_dates() -> None:
    actions = plan_account(account(sm="bpatel"), [pending("STC"), pending("VIS", recid="P2")], {}, TODAY, CAL,
                           PROCESS)
    assert {(type(a), a.recid, a.userid, a.ondate, a.ref) for a in actions} == {
        (Move, "P1", "BPATEL", D(2026, 12, 4), ""), (Move, "P2", "BPATEL", D(2026, 12, 4), "")}


def test_a_new_tier_redates_goldheats_pending_ones() -> None:
    """Large -> Small: weekly becomes monthly, quarterly visits become semi-annual."""
    last = {"STC": D(2026, 11, 27), "VIS": D(2026, 9, 3)}
    actions = plan_account(account(tier="Small"), [pending("STC"), pending("VIS", recid="P2")], last, TODAY, CAL,
                           PROCESS)
    moves = {a.recid: a for a in actions}
    assert moves["P1"].ondate == D(2026, 12, 29) and marked_days(moves["P1"].ref) == 30
    assert moves["P2"].ondate == D(2027, 3, 4) and marked_days(moves["P2"].ref) == 182


def test_a_ref_a_person_rewrote_keeps_their_date() -> None:
    actions = plan_account(account(tier="Small"), [pending("STC", ref="ring about the new catalogue"),
                                                   pending("VIS", recid="P2", ref="visit")],
                           {"STC": D(2026, 11, 27)}, TODAY, CAL, PROCESS)
    assert actions == []


def test_an_account_that_lost_its_cadence_loses_goldheats_pending_ones_only() -> None:
    actions = plan_account(account(kind="Customer", tier=""), [pending("STC"), pending("VIS", recid="P2"),
                                                               pending("VIS", by="ASHAW", recid="H1")],
                           {}, TODAY, CAL, PROCESS)
    assert sorted((type(a).__name__, a.recid) for a in actions) == [("Remove", "P1"), ("Remove", "P2")]


def test_distributor_becoming_selected_customer_keeps_calls_and_drops_visits() -> None:
    actions = plan_account(account(kind="Customer", tier="Selected"), [pending("STC"), pending("VIS", recid="P2")],
                           {"STC": D(2026, 11, 27)}, TODAY, CAL, PROCESS)
    kinds = {(type(a).__name__, a.recid) for a in actions}
    assert kinds == {("Remove", "P2"), ("Move", "P1")}
    move = next(a for a in actions if isinstance(a, Move))
    assert move.ondate == D(2027, 2, 26) and marked_days(move.ref) == 91


def test_a_second_pending_one_of_goldheats_goes() -> None:
    actions = plan_account(account(), [pending("STC", recid="P9", on=D(2026, 12, 11)), pending("STC"),
                                       pending("VIS", recid="P2")], {}, TODAY, CAL, PROCESS)
    assert [(type(a), a.recid) for a in actions] == [(Remove, "P9")]


def test_no_sm_is_a_record_error_naming_the_field() -> None:
    with pytest.raises(RecordError) as caught:
        plan_account(account(sm=""), [], {}, TODAY, CAL, PROCESS)
    assert caught.value.field == "KEY4" and caught.value.key == "A1"


@pytest.mark.parametrize(("kind", "tier", "pending_rows", "expected"), [
    ("Distributor", "Large", [], {"STC", "VIS"}),                                   # nothing pending
    ("Distributor", "Large", [pending("STC"), pending("VIS", recid="P2")], set()),  # all in place
    ("Distributor", "Small", [pending("STC"), pending("VIS", recid="P2")], {"STC", "VIS"}),  # re-date
    ("Distributor", "Large", [pending("STC", by="BPATEL")], {"VIS"}),               # a person's counts
    ("Prospect", "", [pending("STC")], set()),                                      # only removals
])
def test_history_is_read_only_where_a_date_depends_on_it(kind: str, tier: str, pending_rows: list[Activity],
                                                         expected: set[str]) -> None:
    from jobs.rules.cadence import history_needed

    assert history_needed(account(kind, tier), pending_rows, PROCESS) == expected
