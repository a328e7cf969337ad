"""Rules of the responses, referrals and proposals jobs, as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from config.errors import RecordError
from config.process import load_process
from connectors.goldmine.records import Account, Activity, HistoryRecord, Opportunity
from jobs.calendar import BusinessCalendar
from jobs.rules.actions import Remove, Schedule
from jobs.rules.proposals import plan_cleanup, plan_followups
from jobs.rules.referrals import plan_referral, review_reason
from jobs.rules.responses import followup_due, has_followup, plan_response

D = dt.date
PROCESS = load_process()
CAL = BusinessCalendar()
ACCOUNT = Account(accountno="A1", recid="R1", company="Acme Ltd", contact="Ann Acme", key1="Customer", key4="ashaw")


def response(code: str = "BNG", on: dt.date = D(2026, 11, 27)) -> HistoryRecord:
    return HistoryRecord(recid="H1", accountno="A1", userid="SALESADM", rectype="O", actvcode=code, resultcode="",
                         ondate=on, ontime="10:00", ref="asked for the catalogue")


def activity(code: str, rectype: str = "T", by: str = "ASHAW", recid: str = "C1") -> Activity:
    return Activity(recid=recid, accountno="A1", userid="ASHAW", rectype=rectype, actvcode=code,
                    ondate=D(2026, 12, 1), ontime="", ref="", createby=by, loprecid="OP1")


def opportunity(stage: str = "Qualified", amount: float = 1000.0, **fields: str) -> Opportunity:
    return Opportunity(opid="OP1", accountno="A1", userid="BPATEL", company="Acme Ltd", contact="Ann Acme",
                       name="Spectrometers", stage=stage, foramt=amount, fields=fields)


# --- responses ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("responded", "today", "expected"), [
    (D(2026, 11, 27), D(2026, 11, 27), D(2026, 12, 1)),   # Friday + 2 working days
    (D(2026, 4, 2), D(2026, 4, 2), D(2026, 4, 8)),        # over Easter
    (D(2026, 12, 24), D(2026, 12, 24), D(2026, 12, 30)),  # over Christmas
    (D(2026, 11, 16), D(2026, 11, 30), D(2026, 11, 30)),  # seen late (look-back): next working day
    (D(2026, 11, 16), D(2026, 11, 28), D(2026, 11, 30)),
])
def test_followup_within_two_working_days(responded: dt.date, today: dt.date, expected: dt.date) -> None:
    assert followup_due(responded, today, CAL, PROCESS) == expected


@pytest.mark.parametrize("code", ["BNG", "EML", "PHN", "BCD"])
def test_every_response_gets_a_message_and_a_followup_for_the_sm(code: str) -> None:
    actions = plan_response(response(code), ACCOUNT, False, D(2026, 11, 27), CAL, PROCESS)
    message, followup = actions
    assert isinstance(message, Schedule) and message.key == "H1:message"
    assert (message.activity.rectype, message.activity.userid, message.activity.ondate) == ("M", "ASHAW",
                                                                                          D(2026, 11, 27))
    assert code in message.activity.ref and "Acme Ltd" in message.activity.ref
    assert followup.key == "H1:followup"
    assert (followup.activity.rectype, followup.activity.actvcode, followup.activity.ondate) == (
        "T", "RSP", D(2026, 12, 1))


def test_an_existing_followup_means_only_the_message() -> None:
    actions = plan_response(response(), ACCOUNT, True, D(2026, 11, 27), CAL, PROCESS)
    assert [a.key for a in actions] == ["H1:message"]


@pytest.mark.parametrize(("pending", "done", "expected"), [
    ([], [], False),
    ([activity("RSP")], [], True),                                  # a person's pending follow-up
    ([activity("RSP", rectype="M")], [], False),                   # a message is not a follow-up
    ([activity("STC")], [], False),
    ([], [HistoryRecord("X", "A1", "ASHAW", "C", "RSP", "", D(2026, 11, 28), "", "")], True),
    ([], [HistoryRecord("X", "A1", "ASHAW", "C", "RSP", "", D(2026, 11, 1), "", "")], False),  # older
])
def test_has_followup(pending: list[Activity], done: list[HistoryRecord], expected: bool) -> None:
    assert has_followup(response(), pending, done, PROCESS) is expected


def test_a_response_on_an_account_without_sm_is_a_record_error() -> None:
    with pytest.raises(RecordError) as caught:
        plan_response(response(), Account("A2", "R2", "No SM Ltd", "Bob"), False, D(2026, 11, 27), CAL, PROCESS)
    assert caught.value.field == "KEY4"


# --- referrals ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "flag", "reason"), [
    (250_000.0, "", None),                  # not over the threshold
    (250_000.01, "", "over GBP 250,000"),
    (1_000.0, "Y", "non-standard"),
    (1_000.0, "y", "non-standard"),
    (1_000.0, "N", None),
    (300_000.0, "Y", "over GBP 250,000 and non-standard"),
])
def test_review_reason(amount: float, flag: str, reason: str | None) -> None:
    assert review_reason(opportunity(amount=amount, **{"Non-standard": flag}), PROCESS) == reason


def test_one_engineering_review_for_the_engineering_user() -> None:
    (action,) = plan_referral(opportunity(amount=400_000), False, D(2026, 11, 27), CAL, PROCESS)
    assert action.key == "OP1"
    a = action.activity
    assert (a.userid, a.rectype, a.actvcode, a.loprecid, a.ondate) == ("ENG", "T", "ENG", "OP1", D(2026, 12, 1))


@pytest.mark.parametrize(("stage", "exists", "count"), [
    ("Qualified", False, 1), ("Proposal Sent", False, 1), ("Qualified", True, 0),
    ("Lost", False, 0), ("Cancelled", False, 0), ("Order Received", False, 0),
])
def test_referral_only_for_open_opportunities_without_a_review(stage: str, exists: bool, count: int) -> None:
    assert len(plan_referral(opportunity(stage, 400_000), exists, D(2026, 11, 27), CAL, PROCESS)) == count


# --- proposals ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("since", "persons", "expected"), [
    (D(2026, 11, 30), 0, [D(2026, 12, 7), D(2026, 12, 14)]),
    (D(2026, 12, 17), 0, [D(2026, 12, 24), D(2027, 1, 5)]),   # over Christmas and New Year
    (D(2026, 3, 27), 0, [D(2026, 4, 7), D(2026, 4, 14)]),     # over Easter
    (D(2028, 2, 22), 0, [D(2028, 2, 29), D(2028, 3, 7)]),     # leap day
    (D(2026, 11, 30), 1, [D(2026, 12, 14)]),                  # a person made the first
    (D(2026, 11, 30), 2, []),
])
def test_followups_at_five_and_ten_working_days(since: dt.date, persons: int, expected: list[dt.date]) -> None:
    actions = plan_followups(opportunity("Proposal Sent"), since, persons, CAL, PROCESS)
    assert [a.activity.ondate for a in actions] == expected
    assert all((a.activity.actvcode, a.activity.rectype, a.activity.userid, a.activity.loprecid)
               == ("FUP", "C", "BPATEL", "OP1") for a in actions)
    assert [a.key for a in actions] == [f"OP1:{n}" for n in range(3 - len(expected), 3)]


def test_no_followups_unless_the_proposal_is_sent() -> None:
    assert plan_followups(opportunity("Qualified"), D(2026, 11, 30), 0, CAL, PROCESS) == []


@pytest.mark.parametrize(("stage", "removed"), [
    ("Order Received", ["G1"]), ("Lost", ["G1"]), ("Cancelled", ["G1"]), ("Proposal Sent", []), ("Qualified", []),
])
def test_cleanup_removes_only_goldheats_own(stage: str, removed: list[str]) -> None:
    pending = [activity("FUP", "C", by="GOLDHEAT", recid="G1"), activity("FUP", "C", by="BPATEL", recid="H1"),
               activity("STC", "C", by="GOLDHEAT", recid="G2")]
    actions = plan_cleanup(opportunity(stage), pending, PROCESS)
    assert all(isinstance(a, Remove) for a in actions)
    assert [a.recid for a in actions] == removed
