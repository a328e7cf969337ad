"""After-shipment reminder rules: due dates from the ship date, moves, skips and check results."""

from __future__ import annotations

import datetime as dt

import pytest

from config.errors import RecordError
from config.process import load_process
from connectors.goldmine.records import Account, HistoryRecord, Opportunity
from jobs.calendar import BusinessCalendar
from jobs.rules.reminders import Change, check_result, due_dates, reconcile, ship_date, skipped

D = dt.date
PROCESS = load_process()
CAL = BusinessCalendar()


@pytest.mark.parametrize(("ship", "first", "check"), [
    (D(2026, 11, 2), D(2026, 11, 16), D(2027, 1, 4)),    # +60 = New Year's Day -> Monday
    (D(2026, 3, 20), D(2026, 4, 7), D(2026, 5, 19)),     # +14 = Good Friday -> after Easter Monday
    (D(2026, 12, 11), D(2026, 12, 29), D(2027, 2, 9)),   # +14 = Christmas Day
    (D(2027, 12, 31), D(2028, 1, 14), D(2028, 2, 29)),   # +60 = the leap day
    (D(2026, 12, 31), D(2027, 1, 14), D(2027, 3, 1)),    # common year: Mar 1
    (D(2026, 1, 31), D(2026, 2, 16), D(2026, 4, 1)),     # a month end
])
def test_due_dates(ship: dt.date, first: dt.date, check: dt.date) -> None:
    dates = due_dates(ship, CAL, PROCESS)
    assert dates == {"email": first, "shp": first, "eqc": check, "outcome": check}
    assert ship + dt.timedelta(days=60) <= dates["eqc"] <= ship + dt.timedelta(days=91)


def test_equipment_check_stays_inside_its_window() -> None:
    """When the next working day is past the window's end, the last working day inside it."""
    narrow = PROCESS.model_copy(update={"reminders": PROCESS.reminders.model_copy(
        update={"equipment_check_latest_days": 61})})
    ship = D(2026, 9, 1)  # +60 = Saturday 31 Oct, +61 = Sunday 1 Nov
    assert due_dates(ship, CAL, narrow)["eqc"] == D(2026, 10, 30)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-02", D(2026, 11, 2)), (" 2026-11-02 ", D(2026, 11, 2)), ("2026-11-02 00:00:00", D(2026, 11, 2)),
    ("", None), ("2028-02-29", D(2028, 2, 29)),
])
def test_ship_date(raw: str, expected: dt.date | None) -> None:
    order = Opportunity("OP1", "A1", "ASHAW", "Acme", "Ann", "Order 1", "Order Received", fields={"Ship Date": raw})
    assert ship_date(order, PROCESS) == expected


@pytest.mark.parametrize("raw", ["02/11/2026", "2027-02-29", "soon"])
def test_a_malformed_ship_date_names_the_field(raw: str) -> None:
    order = Opportunity("OP1", "A1", "ASHAW", "Acme", "Ann", "Order 1", "Order Received", fields={"Ship Date": raw})
    with pytest.raises(RecordError) as caught:
        ship_date(order, PROCESS)
    assert caught.value.field == "Ship Date" and caught.value.key == "OP1"


@pytest.mark.parametrize(("team", "skip"), [("W. Sales", True), ("w. sales", True), ("E. Sales", False), ("", False)])
def test_w_sales_accounts_are_skipped(team: str, skip: bool) -> None:
    assert skipped(Account("A1", "R1", "Acme", "Ann", key3=team), PROCESS) is skip


def test_new_order_gets_every_reminder() -> None:
    wanted = due_dates(D(2026, 11, 2), CAL, PROCESS)
    assert reconcile(wanted, {}) == [Change(k, d) for k, d in wanted.items()]


@pytest.mark.parametrize(("old_ship", "new_ship"), [
    (D(2026, 11, 2), D(2026, 11, 23)),   # moved forwards
    (D(2026, 11, 23), D(2026, 11, 2)),   # moved backwards
])
def test_a_changed_ship_date_moves_only_what_has_not_happened(old_ship: dt.date, new_ship: dt.date) -> None:
    old = due_dates(old_ship, CAL, PROCESS)
    new = due_dates(new_ship, CAL, PROCESS)
    existing = {"email": (old["email"], "done"), "shp": (old["shp"], "done"), "eqc": (old["eqc"], "pending"),
                "outcome": (old["outcome"], "pending")}
    assert reconcile(new, existing) == [Change("eqc", new["eqc"], old["eqc"]),
                                        Change("outcome", new["outcome"], old["outcome"])]


def test_an_unchanged_ship_date_changes_nothing() -> None:
    wanted = due_dates(D(2026, 11, 2), CAL, PROCESS)
    assert reconcile(wanted, {k: (d, "pending") for k, d in wanted.items()}) == []


def _check(result: str, on: dt.date = D(2027, 1, 4), recid: str = "H1", code: str = "EQC") -> HistoryRecord:
    return HistoryRecord(recid, "A1", "ASHAW", "CC", code, result, on, "10:00", "", loprecid="OP1")


@pytest.mark.parametrize(("rows", "expected"), [
    ([], None),
    ([_check("OK")], "ok"),
    ([_check("NOK")], "nok"),
    ([_check("nok")], "nok"),
    ([_check("")], "other"),
    ([_check("OK", code="SHP")], None),
    ([_check("NOK", D(2027, 1, 4)), _check("OK", D(2027, 1, 6), "H2")], "ok"),   # the latest counts
])
def test_check_result(rows: list[HistoryRecord], expected: str | None) -> None:
    assert check_result(rows, PROCESS) == expected
