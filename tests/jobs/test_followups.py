"""`responses`, `referrals` and `proposals` against the GoldMine replica on every dialect."""

from __future__ import annotations

import datetime as dt

from jobs import proposals, referrals, responses
from jobs.state import effects
from tests.jobs.conftest import Clock, GoldMineRows

D = dt.date


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(str(value)[:10])


def _cal(gm: GoldMineRows, code: str | None = None) -> list[tuple[str, str, str, dt.date]]:
    rows = gm.cal("WHERE ACTVCODE = ?", [code]) if code else gm.cal()
    return [(r["ACTVCODE"].strip(), r["RECTYPE"].strip(), r["USERID"].strip(), _day(r["ONDATE"])) for r in rows]


# --- responses ------------------------------------------------------------------------------------

def test_each_response_gets_a_message_and_one_followup(gm: GoldMineRows, make_ctx) -> None:
    gm.account("CUST1", kind="Customer", tier="", sm="bpatel")
    gm.history("CUST1", "BNG", D(2026, 11, 27), rectype="O", user="SALESADM", recid="BINGO0000000001")
    gm.history("CUST1", "PHN", D(2026, 11, 30), rectype="CI", user="SALESADM", recid="PHONE0000000001")
    gm.history("CUST1", "EML", D(2026, 11, 1), rectype="O", user="SALESADM", recid="OLDEMAIL0000001")  # too old
    summary = responses.run(make_ctx())
    assert summary.ok, summary.failures
    assert sorted(_cal(gm)) == [("BNG", "M", "BPATEL", D(2026, 11, 30)), ("PHN", "M", "BPATEL", D(2026, 11, 30)),
                                ("RSP", "T", "BPATEL", D(2026, 12, 1))]
    gm.execute("DELETE FROM CAL WHERE RECTYPE = ?", ["M"])  # the SM read the messages
    again = responses.run(make_ctx())
    assert again.counts.get("scheduled", 0) == 0
    assert len(gm.cal()) == 1


def test_a_persons_followup_counts(gm: GoldMineRows, make_ctx) -> None:
    gm.account("CUST1", kind="Customer", tier="")
    gm.history("CUST1", "BCD", D(2026, 11, 27), rectype="O", recid="CARD00000000001")
    gm.pending("CUST1", "RSP", D(2026, 12, 2), rectype="T", by="ASHAW")
    responses.run(make_ctx())
    assert sorted(_cal(gm)) == [("BCD", "M", "ASHAW", D(2026, 11, 30)), ("RSP", "T", "ASHAW", D(2026, 12, 2))]


def test_a_dry_run_does_not_plan_a_message_already_sent(gm: GoldMineRows, make_ctx) -> None:
    """Only the message was goldheat's (a person scheduled the follow-up): the dry run plans nothing."""
    gm.account("CUST1", kind="Customer", tier="")
    gm.history("CUST1", "BCD", D(2026, 11, 27), rectype="O", recid="CARD00000000001")
    gm.pending("CUST1", "RSP", D(2026, 12, 2), rectype="T", by="ASHAW")
    assert responses.run(make_ctx()).counts["scheduled"] == 1
    assert responses.run(make_ctx(dry_run=True)).planned == []


def test_responses_dry_run_changes_nothing(gm: GoldMineRows, make_ctx) -> None:
    gm.account("CUST1", kind="Customer", tier="")
    gm.history("CUST1", "EML", D(2026, 11, 27), rectype="O", recid="MAIL00000000001")
    summary = responses.run(make_ctx(dry_run=True))
    assert gm.cal() == [] and len(summary.planned) == 2


def test_a_dry_run_after_a_run_plans_nothing_already_done(gm: GoldMineRows, make_ctx, clock: Clock) -> None:
    """The dry run reads the recorded effects too: it plans what a real run would do, not everything."""
    gm.account("CUST1", kind="Customer", tier="")
    gm.history("CUST1", "EML", D(2026, 11, 27), rectype="O", recid="MAIL00000000001")
    gm.opportunity("OPBIG0000000001", "CUST1", stage="Qualified", amount=300_000)
    gm.opportunity("OPPROP000000001", "CUST1", stage="Proposal Sent")
    for job in (responses, referrals, proposals):
        assert job.run(make_ctx()).ok
    gm.execute("DELETE FROM CAL")  # people read the messages and did the reviews and calls
    clock.to(D(2026, 12, 18))
    for job in (responses, referrals, proposals):
        assert job.run(make_ctx(dry_run=True)).planned == [], job.__name__


# --- referrals ------------------------------------------------------------------------------------

def test_one_review_per_large_or_non_standard_opportunity(gm: GoldMineRows, make_ctx) -> None:
    gm.account("CUST1", kind="Customer", tier="")
    gm.opportunity("OPBIG0000000001", "CUST1", stage="Qualified", amount=300_000)
    gm.opportunity("OPODD0000000001", "CUST1", stage="Proposal Sent", amount=5_000,
                   fields={"Non-standard": "Y"})
    gm.opportunity("OPSMALL00000001", "CUST1", stage="Qualified", amount=250_000)
    gm.opportunity("OPLOST000000001", "CUST1", stage="Lost", amount=900_000)
    gm.opportunity("OPDONE000000001", "CUST1", stage="Qualified", amount=900_000)
    gm.history("CUST1", "ENG", D(2026, 11, 20), rectype="O", user="ENG", loprecid="OPDONE000000001")
    summary = referrals.run(make_ctx())
    assert summary.ok, summary.failures
    rows = gm.cal()
    assert sorted(r["LOPRECID"].strip() for r in rows) == ["OPBIG0000000001", "OPODD0000000001"]
    assert {(r["USERID"].strip(), r["RECTYPE"].strip(), _day(r["ONDATE"])) for r in rows} == {
        ("ENG", "T", D(2026, 12, 2))}
    gm.execute("DELETE FROM CAL")  # engineering did the reviews
    assert referrals.run(make_ctx()).counts.get("scheduled", 0) == 0
    assert gm.cal() == []


# --- proposals ------------------------------------------------------------------------------------

def test_followups_at_five_and_ten_working_days_then_removed_when_won(gm: GoldMineRows, make_ctx,
                                                                       clock: Clock) -> None:
    gm.account("CUST1", kind="Customer", tier="")
    gm.opportunity("OPPROP000000001", "CUST1", stage="Proposal Sent", sm="DMORGAN")
    clock.to(D(2026, 12, 17))
    summary = proposals.run(make_ctx())
    assert summary.ok, summary.failures
    assert _cal(gm, "FUP") == [("FUP", "C", "DMORGAN", D(2026, 12, 24)), ("FUP", "C", "DMORGAN", D(2027, 1, 5))]
    clock.to(D(2026, 12, 18))
    assert proposals.run(make_ctx()).counts.get("scheduled", 0) == 0   # dated from the first sight
    gm.pending("CUST1", "FUP", D(2027, 1, 8), by="DMORGAN", loprecid="OPPROP000000001")
    gm.execute("UPDATE OPMGR SET STAGE = ?, U_STAGE = ? WHERE OPID = ?",
               ["Order Received", "ORDER RECEIVED", "OPPROP000000001"])
    summary = proposals.run(make_ctx())
    assert summary.counts["removed"] == 2
    assert [(r["CREATEBY"].strip(), _day(r["ONDATE"])) for r in gm.cal("WHERE ACTVCODE = ?", ["FUP"])] == [
        ("DMORGAN", D(2027, 1, 8))]


def test_a_crash_after_scheduling_is_adopted_not_repeated(gm: GoldMineRows, make_ctx) -> None:
    """The effect key was lost (crash before recording): the keyed RECID finds the row instead."""
    gm.account("CUST1", kind="Customer", tier="")
    gm.opportunity("OPPROP000000001", "CUST1", stage="Proposal Sent")
    ctx = make_ctx()
    proposals.run(ctx)
    effects.forget(ctx.state, "proposals", "OPPROP000000001:1")
    effects.forget(ctx.state, "proposals", "OPPROP000000001:2")
    proposals.run(make_ctx())
    assert len(gm.cal("WHERE ACTVCODE = ?", ["FUP"])) == 2
    assert effects.get(ctx.state, "proposals", "OPPROP000000001:1") is not None
