"""GoldSync logging (opt-in): CONTTLOG/GMTLOG rows per reference §6, with a fake stamp source."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors.goldmine import synclog
from connectors.goldmine.records import NewActivity, NewHistory
from tests.connectors.goldmine.connector_fixtures import (  # noqa: F401  (fixtures)
    ACC,
    FakeStamps,
    clock,
    gm_database,
    gm_db,
    make_connector,
)


def _log(db, table):
    return sorted((r["ACTION"].strip(), r["TABLEID"], r["FRECID"].strip(), r["FIELDNAME"].strip(), r["USERID"].strip())
                  for r in db.rows(f"SELECT * FROM {table}"))


@pytest.fixture
def logged(gm_db, clock):
    stamps = FakeStamps()
    connector = make_connector(gm_db, clock, goldsync_logging=True, stamp_source=stamps)
    yield connector, stamps
    connector.close()


def test_new_rows_are_logged_once_as_zznew(logged, gm_db):
    connector, stamps = logged
    gm_db.account()
    cal = connector.schedule_activity(NewActivity(accountno=ACC, userid="SMITH", rectype="C", actvcode="STC",
                                                  ondate=dt.date(2026, 7, 1), ref="Call"))
    c2 = gm_db.rows("SELECT RECID FROM CONTACT2")[0]["RECID"].strip()
    assert _log(gm_db, "GMTLOG") == [("N", '"', cal, "zzNew", "~GOLDHEAT")]
    assert _log(gm_db, "CONTTLOG") == [("N", "'", c2, "zzNew", "~GOLDHEAT")]
    stamp = gm_db.rows("SELECT SYNCSTAMP, LOGSTAMP FROM GMTLOG")[0]
    assert stamp["SYNCSTAMP"] == stamp["LOGSTAMP"] == "S000001"
    # an update of a row logged as new refreshes its zzNew row instead of adding 'U' rows
    connector.move_activity(cal, dt.date(2026, 7, 2))
    assert _log(gm_db, "GMTLOG") == [("N", '"', cal, "zzNew", "~GOLDHEAT")]
    assert gm_db.rows("SELECT SYNCSTAMP FROM GMTLOG")[0]["SYNCSTAMP"] != "S000001"


def test_completing_goldmines_own_row_logs_zzzdelcomp_and_field_updates(logged, gm_db):
    connector, _ = logged
    gm_db.account()
    gm_db.insert("CONTACT2", ACCOUNTNO=ACC, RECID="C2#GM")
    gm_db.insert("CAL", RECID="CAL#GM", ACCOUNTNO=ACC, USERID="SMITH", RECTYPE="C", ACTVCODE="STC",
                 ONDATE=dt.date(2026, 7, 1), ONTIME="09:00", REF="Call", RSVP="N", CREATEBY="SMITH")
    hist = connector.complete_activity("CAL#GM", resultcode="OK")
    assert _log(gm_db, "GMTLOG") == [("D", '"', "CAL#GM", "zzzDelComp", "~GOLDHEAT")]
    contt = _log(gm_db, "CONTTLOG")
    assert (("N", ")", hist, "zzNew", "~GOLDHEAT")) in contt
    updated = {r[3] for r in contt if r[2] == "C2#GM"}
    assert {"LASTCONTON", "LASTCONTAT", "PREVRESULT"} <= updated
    assert all(r[0] == "U" for r in contt if r[2] == "C2#GM")
    assert not any(f.startswith("U_") for f in updated)


def test_removing_a_row_logged_as_new_drops_its_zznew(logged, gm_db):
    connector, _ = logged
    gm_db.account()
    cal = connector.schedule_activity(NewActivity(accountno=ACC, userid="SMITH", rectype="C", actvcode="STC",
                                                  ondate=dt.date(2026, 7, 1), ref="Call"))
    assert connector.remove_activity(cal)
    assert _log(gm_db, "GMTLOG") == []


def test_logging_off_writes_no_log_rows(gm_db, clock):
    connector = make_connector(gm_db, clock)
    gm_db.account()
    connector.write_history(NewHistory(accountno=ACC, userid="GOLDHEAT", rectype="O", actvcode="GH", ref="x",
                                       ondate=dt.date(2026, 6, 15)))
    assert gm_db.count("CONTTLOG") == 0 and gm_db.count("GMTLOG") == 0
    connector.close()


@pytest.mark.parametrize(("logged_fields", "columns", "expected"), [
    ([], ["ONDATE", "U_STAGE"], [synclog.Action("insert", "ONDATE", "U")]),
    (["zzNew"], ["ONDATE", "REF"], [synclog.Action("refresh", "zzNew")]),
    (["ONDATE"], ["ONDATE", "REF"], [synclog.Action("refresh", "ONDATE"), synclog.Action("insert", "REF", "U")]),
])
def test_plan_update(logged_fields, columns, expected):
    assert synclog.plan_update(logged_fields, columns) == expected


def test_plan_new_and_delete():
    assert synclog.plan_new(["zzNew"]) == []
    assert synclog.plan_delete(["zzNew", "REF"]) == [synclog.Action("drop", "zzNew")]
    assert synclog.plan_delete([], completion=True) == [synclog.Action("insert", "zzzDelComp", "D")]
