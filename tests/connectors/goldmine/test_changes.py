"""Incremental reads: nothing missed in the watermark's minute, nothing returned twice."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from connectors.goldmine import changes
from connectors.goldmine.records import ChangeCursor
from tests.connectors.goldmine.connector_fixtures import (  # noqa: F401  (fixtures)
    ACC,
    clock,
    gm,
    gm_database,
    gm_db,
)

DAY = dt.date(2026, 6, 15)


def _hist(db, recid, *, day=DAY, time="10:30", ref="Call"):
    db.insert("CONTHIST", RECID=recid, ACCOUNTNO=ACC, USERID="SMITH", SRECTYPE="C", RECTYPE="C  ",
              ACTVCODE="STC", ONDATE=day, ONTIME=time, REF=ref, CREATEBY="SMITH", CREATEON=day,
              CREATEAT=time, LASTUSER="SMITH", LASTDATE=day, LASTTIME=time)


def _drain(gm, kind, cursor, limit):
    seen, batches = [], 0
    while True:
        batch = gm.changes_since(kind, cursor, limit=limit)
        batches += 1
        assert batches < 50, "changes_since did not converge"
        cursor = batch.cursor
        seen += [r.recid if kind == "history" else getattr(r, "accountno", None) or r.opid for r in batch.rows]
        if len(batch.rows) < limit:
            return seen, cursor


def test_rows_in_the_watermark_minute_are_not_missed_nor_repeated(gm, gm_db):
    _hist(gm_db, "H1")
    _hist(gm_db, "H2")
    first = gm.changes_since("history", ChangeCursor())
    assert [r.recid for r in first.rows] == ["H1", "H2"]
    assert (first.cursor.lastdate, first.cursor.lasttime) == (DAY, "10:30")
    _hist(gm_db, "H3")  # same minute as the watermark, written after the read
    second = gm.changes_since("history", first.cursor)
    assert [r.recid for r in second.rows] == ["H3"]
    assert gm.changes_since("history", second.cursor).rows == []


def test_a_late_writer_inside_the_overlap_is_caught(gm, gm_db):
    _hist(gm_db, "H1", time="10:30")
    cursor = gm.changes_since("history", ChangeCursor()).cursor
    _hist(gm_db, "LATE", time="10:20")  # a workstation clock 10 minutes behind
    _hist(gm_db, "TOO#LATE", time="10:10")  # beyond the 15 minute overlap
    assert [r.recid for r in gm.changes_since("history", cursor).rows] == ["LATE"]


def test_a_changed_row_comes_back_once(gm, gm_db):
    _hist(gm_db, "H1")
    cursor = gm.changes_since("history", ChangeCursor()).cursor
    conn = gm_db.connect()
    conn.execute("UPDATE CONTHIST SET REF = ? WHERE RECID = ?", ["Call (edited)", "H1"])
    conn.commit()
    conn.close()
    batch = gm.changes_since("history", cursor)
    assert [(r.recid, r.ref) for r in batch.rows] == [("H1", "Call (edited)")]
    assert gm.changes_since("history", batch.cursor).rows == []


def test_small_batches_over_one_busy_minute_return_every_row_once(gm, gm_db):
    ids = [f"R{i:03d}" for i in range(25)]
    random.Random(7).shuffle(ids)
    for recid in ids:
        _hist(gm_db, recid)
    _hist(gm_db, "OLD", day=dt.date(2026, 6, 14), time="23:59")
    seen, cursor = _drain(gm, "history", ChangeCursor(), limit=10)
    assert sorted(seen) == sorted(ids + ["OLD"]) and len(seen) == 26
    _hist(gm_db, "NEW", time="10:31")
    assert gm.changes_since("history", cursor, limit=10).rows[0].recid == "NEW"


def test_one_batch_is_one_round_trip(gm, gm_db):
    _hist(gm_db, "H1")
    before = gm.round_trips
    gm.changes_since("history", ChangeCursor(lastdate=DAY, lasttime="10:00"), limit=100)
    assert gm.round_trips - before == 1


def test_account_changes(gm, gm_db):
    gm_db.account()
    batch = gm.changes_since("accounts", ChangeCursor(lastdate=dt.date(2015, 1, 1)))
    assert [a.accountno for a in batch.rows] == [ACC]
    assert gm.changes_since("accounts", batch.cursor).rows == []


def test_opportunity_changes_by_hash(gm, gm_db):
    gm_db.insert("OPMGR", OPID="OP1", RECID="OP1", RECTYPE="O", ACCOUNTNO=ACC, STAGE="Proposal Sent", NAME="X")
    gm_db.insert("OPMGRFLD", LOPID="OP1", RECTYPE="F", FNAME="Ship Date", FVALUE="2026-07-01", RECID="F1")
    batch = gm.changes_since("opportunities", ChangeCursor())
    assert [o.opid for o in batch.rows] == ["OP1"]
    assert gm.changes_since("opportunities", batch.cursor).rows == []
    conn = gm_db.connect()
    conn.execute("UPDATE OPMGRFLD SET FVALUE = ? WHERE RECID = ?", ["2026-07-08", "F1"])
    conn.commit()
    conn.close()
    again = gm.changes_since("opportunities", batch.cursor)
    assert [o.fields["Ship Date"] for o in again.rows] == ["2026-07-08"]


# --- the pure cursor arithmetic ----------------------------------------------------------------------

def _row(recid, time, day=DAY, ref="x"):
    return {"RECID": recid, "LASTDATE": day, "LASTTIME": time, "REF": ref}


def test_window_starts_overlap_before_the_watermark():
    cursor = ChangeCursor(lastdate=DAY, lasttime="00:05")
    assert changes.window_start(cursor, 15) == (DAY - dt.timedelta(days=1), "23:50")
    assert changes.window_start(ChangeCursor(), 15) is None


def test_advance_forgets_rows_that_left_the_overlap():
    rows = [_row("A", "09:00"), _row("B", "10:00"), _row("C", "10:10")]
    batch = changes.advance(ChangeCursor(), rows, limit=10, fetch=10, overlap_minutes=15)
    assert [r["RECID"] for r in batch.rows] == ["A", "B", "C"]
    assert {e.split(":")[0] for e in batch.cursor.seen} == {"B", "C"}
    assert (batch.cursor.lastdate, batch.cursor.lasttime) == (DAY, "10:10")


def test_advance_keeps_entries_it_did_not_reach():
    seen = frozenset({changes.entry(_row("Z", "10:30"))})
    cursor = ChangeCursor(lastdate=DAY, lasttime="10:30", seen=seen)
    rows = [_row("A", "10:29"), _row("B", "10:30"), _row("Z", "10:30")]
    batch = changes.advance(cursor, rows, limit=1, fetch=2, overlap_minutes=15)
    assert [r["RECID"] for r in batch.rows] == ["A"]
    assert changes.entry(_row("Z", "10:30")) in batch.cursor.seen
    assert (batch.cursor.lastdate, batch.cursor.lasttime) == (DAY, "10:30")


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_advance_never_returns_a_row_twice(limit):
    table = [_row(f"R{i}", f"10:{30 + i // 4:02d}") for i in range(12)]
    cursor, returned = ChangeCursor(), []
    for _ in range(40):
        start = changes.window_start(cursor, 15)
        window = [r for r in table if start is None or (r["LASTDATE"], r["LASTTIME"]) >= start]
        fetch = changes.fetch_size(cursor, limit)
        batch = changes.advance(cursor, window[:fetch], limit=limit, fetch=fetch, overlap_minutes=15)
        returned += [r["RECID"] for r in batch.rows]
        cursor = batch.cursor
    assert sorted(returned) == sorted(r["RECID"] for r in table)


def test_advance_by_hash():
    keys, cursor = changes.advance_by_hash(ChangeCursor(), {"A": "1", "B": "2"}, limit=1)
    assert keys == ["A"]
    keys, cursor = changes.advance_by_hash(cursor, {"A": "1", "B": "2"}, limit=5)
    assert keys == ["B"]
    keys, cursor = changes.advance_by_hash(cursor, {"A": "9"}, limit=5)
    assert keys == ["A"] and cursor.seen == frozenset({"A:9"})
