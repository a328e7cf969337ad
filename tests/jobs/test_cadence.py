"""`cadence` against the GoldMine replica on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime as dt
import threading


from jobs import cadence
from tests.jobs.conftest import Clock, GoldMineRows

D = dt.date


def _pending(gm: GoldMineRows) -> list[tuple[str, str, str, dt.date, str]]:
    return [(r["ACCOUNTNO"].strip(), r["ACTVCODE"].strip(), r["USERID"].strip(),
             _day(r["ONDATE"]), r["CREATEBY"].strip()) for r in gm.cal()]


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(str(value)[:10])


def test_first_run_schedules_one_per_account_and_cadence_then_nothing(gm: GoldMineRows, make_ctx) -> None:
    gm.account("LARGE1")                                        # weekly calls, quarterly visits
    gm.account("SMALL1", tier="Small", sm="bpatel")             # monthly calls, semi-annual visits
    gm.account("SEL1", kind="Customer", tier="Selected")        # quarterly calls
    gm.account("PLAIN1", kind="Customer", tier="")              # nothing
    gm.history("LARGE1", "STC", D(2026, 11, 27))
    gm.history("SMALL1", "STC", D(2026, 11, 25))                # +30 = Christmas Day
    gm.history("SMALL1", "VIS", D(2026, 6, 1))
    gm.history("SEL1", "STC", D(2026, 9, 1))
    summary = cadence.run(make_ctx())
    assert summary.ok, summary.failures
    assert summary.counts["scheduled"] == 5
    rows = {(a, c): (u, d, by) for a, c, u, d, by in _pending(gm)}
    assert rows == {
        ("LARGE1", "STC"): ("ASHAW", D(2026, 12, 4), "GOLDHEAT"),
        ("LARGE1", "VIS"): ("ASHAW", D(2026, 11, 30), "GOLDHEAT"),
        ("SMALL1", "STC"): ("BPATEL", D(2026, 12, 29), "GOLDHEAT"),
        ("SMALL1", "VIS"): ("BPATEL", D(2026, 11, 30), "GOLDHEAT"),
        ("SEL1", "STC"): ("ASHAW", D(2026, 12, 1), "GOLDHEAT"),
    }
    rectypes = {(r["ACTVCODE"].strip(), r["RECTYPE"].strip()) for r in gm.cal()}
    assert rectypes == {("STC", "C"), ("VIS", "A")}
    again = cadence.run(make_ctx())
    assert again.counts.get("scheduled", 0) == 0 and again.ok
    assert len(gm.cal()) == 5


def test_a_persons_pending_one_counts(gm: GoldMineRows, make_ctx) -> None:
    gm.account("LARGE1")
    gm.pending("LARGE1", "STC", D(2026, 12, 10), by="ASHAW")
    gm.pending("LARGE1", "VIS", D(2027, 1, 10), by="SALESADM", rectype="A")
    summary = cadence.run(make_ctx())
    assert summary.counts.get("scheduled", 0) == 0
    assert [by for *_, by in _pending(gm)] == ["ASHAW", "SALESADM"]


def test_new_sm_and_new_tier_move_goldheats_pending_ones(gm: GoldMineRows, make_ctx) -> None:
    gm.account("DIST1")
    gm.history("DIST1", "STC", D(2026, 11, 27))
    cadence.run(make_ctx())
    gm.execute("UPDATE CONTACT1 SET KEY2 = ?, U_KEY2 = ?, KEY4 = ?, U_KEY4 = ? WHERE ACCOUNTNO = ?",
               ["Small", "SMALL", "CHARRISN", "CHARRISN", "DIST1"])
    summary = cadence.run(make_ctx())
    assert summary.counts["moved"] == 2 and summary.ok
    rows = {c: (u, d) for _, c, u, d, _ in _pending(gm)}
    assert rows == {"STC": ("CHARRISN", D(2026, 12, 29)), "VIS": ("CHARRISN", D(2026, 11, 30))}
    assert "(every 30 days)" in next(r["REF"] for r in gm.cal() if r["ACTVCODE"].strip() == "STC")
    assert cadence.run(make_ctx()).counts.get("moved", 0) == 0


def test_an_account_leaving_the_cadence_loses_only_goldheats_pending_ones(gm: GoldMineRows, make_ctx) -> None:
    gm.account("DIST1")
    cadence.run(make_ctx())
    gm.pending("DIST1", "STC", D(2026, 12, 20), by="ASHAW", recid="HUMAN0000000001")
    gm.execute("UPDATE CONTACT1 SET KEY1 = ?, U_KEY1 = ? WHERE ACCOUNTNO = ?", ["Prospect", "PROSPECT", "DIST1"])
    summary = cadence.run(make_ctx())
    assert summary.counts["removed"] == 2
    assert [(c, by) for _, c, _, _, by in _pending(gm)] == [("STC", "ASHAW")]


def test_completing_the_call_schedules_the_next_from_its_date(gm: GoldMineRows, make_ctx, clock: Clock) -> None:
    gm.account("LARGE1", tier="Small")
    ctx = make_ctx()
    cadence.run(ctx)
    stc = next(r for r in gm.cal() if r["ACTVCODE"].strip() == "STC")
    clock.to(D(2026, 12, 2))
    ctx.goldmine.complete_activity(stc["RECID"].strip(), resultcode="OK", ondate=D(2026, 12, 2))
    cadence.run(make_ctx())
    assert {(c, d) for _, c, _, d, _ in _pending(gm)} == {("STC", D(2027, 1, 1) + dt.timedelta(days=3)),
                                                          ("VIS", D(2026, 11, 30))}


def test_dry_run_plans_and_changes_nothing(gm: GoldMineRows, make_ctx) -> None:
    gm.account("LARGE1")
    summary = cadence.run(make_ctx(dry_run=True))
    assert gm.cal() == []
    assert [(p["action"], p["code"], p["date"]) for p in summary.planned] == [
        ("schedule", "STC", "2026-11-30"), ("schedule", "VIS", "2026-11-30")]
    assert "(dry run)" in summary.line()


def test_a_bad_account_is_named_and_the_others_go_on(gm: GoldMineRows, make_ctx) -> None:
    gm.account("NOSM1", company="Nobody Ltd", sm="")
    gm.account("LARGE1")
    summary = cadence.run(make_ctx())
    assert [f["record"] for f in summary.failures] == ["account Nobody Ltd (NOSM1)"]
    assert summary.failures[0]["field"] == "KEY4"
    assert summary.counts["scheduled"] == 2


def test_two_runs_at_once_schedule_each_activity_once(gm: GoldMineRows, make_ctx) -> None:
    """Same keyed RECIDs: the second writer adopts the first's row."""
    for n in range(20):
        gm.account(f"ACC{n:03d}")
    contexts = [make_ctx(), make_ctx()]
    for ctx in contexts:
        _ = ctx.goldmine, ctx.state
    errors: list[BaseException] = []

    def go(ctx) -> None:  # noqa: ANN001
        try:
            cadence.run(ctx)
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(c,)) for c in contexts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(gm.cal()) == 40
