"""The connector's writes, for real on SQLite, PostgreSQL and MariaDB: GoldMine's checklists."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from config.errors import FatalError, RecordError
from connectors.goldmine.dialect import SqlDialect
from connectors.goldmine.records import NewActivity, NewHistory
from tests.connectors.goldmine.connector_fixtures import (  # noqa: F401  (fixtures)
    ACC,
    clock,
    gm,
    gm_database,
    gm_db,
    make_connector,
)

DAY = dt.date(2026, 7, 1)
TODAY = dt.date(2026, 6, 15)  # the fixture clock's local date; 10:30 London time


def _activity(**kw):
    values = dict(accountno=ACC, userid="smith", rectype="c", actvcode="stc", ondate=DAY, ontime="14:30",
                  ref="Status check call")
    values.update(kw)
    return NewActivity(**values)


def _history(**kw):
    values = dict(accountno=ACC, userid="GOLDHEAT", rectype="O", actvcode="GH", ref="Welcome letter sent",
                  ondate=TODAY, ontime="10:30")
    values.update(kw)
    return NewHistory(**values)


def _one(db, table, recid):
    rows = db.rows(f"SELECT * FROM {table} WHERE RECID = ?", [recid])
    assert len(rows) == 1
    return {k: (v.rstrip() if isinstance(v, str) else v) for k, v in rows[0].items()}


def _contact2(db):
    rows = db.rows("SELECT * FROM CONTACT2 WHERE ACCOUNTNO = ?", [ACC])
    assert len(rows) == 1
    return {k: (v.rstrip() if isinstance(v, str) else v) for k, v in rows[0].items()}


def test_schedule_activity_fills_cal_like_goldmine(gm, gm_db):
    gm_db.account()
    recid = gm.schedule_activity(_activity(notes="bring the brochure"))
    assert recid.startswith("GHT") and len(recid) == 15
    row = _one(gm_db, "CAL", recid)
    assert (row["USERID"], row["RECTYPE"], row["ACTVCODE"], row["RSVP"], row["ALARMFLAG"]) == ("SMITH", "C", "STC", "N", "N")
    assert SqlDialect.read_date(row["ONDATE"]) == DAY == SqlDialect.read_date(row["ENDDATE"])
    assert (row["STATUS"], row["COMPANY"], row["LINKRECID"], row["ORIG_TIME"]) == (" 1", "Kate Bush", "", "10:30")
    assert (row["CREATEBY"], SqlDialect.read_date(row["CREATEON"]), row["CREATEAT"]) == ("GOLDHEAT", TODAY, "10:30")
    assert (row["LASTUSER"], SqlDialect.read_date(row["LASTDATE"]), row["LASTTIME"]) == ("GOLDHEAT", TODAY, "10:30")
    assert str(row["CREATEON"]).startswith("2026-06-15 00:00:00")  # midnight, in SQLite's text too
    summary = _contact2(gm_db)
    assert (SqlDialect.read_date(summary["CALLBACKON"]), summary["CALLBACKAT"], summary["NEXTACTION"]) == (
        DAY, " 2:30pm", "Status check call")


def test_schedule_with_a_keyed_recid_adopts_the_existing_row(gm, gm_db):
    gm_db.account()
    key = gm.keyed_recid("cadence:" + ACC + ":STC")
    assert gm.schedule_activity(_activity(), recid=key) == key
    before = gm.round_trips
    assert gm.schedule_activity(_activity(ondate=dt.date(2027, 1, 1)), recid=key) == key
    write_lock = 1 if gm.dialect.write_lock else 0  # SQLite takes its write lock first
    assert gm.round_trips - before == 1 + write_lock  # one indexed look-up, nothing written
    assert gm_db.count("CAL") == 1


def test_schedule_for_a_missing_account_is_a_record_error(gm, gm_db):
    with pytest.raises(RecordError) as caught:
        gm.schedule_activity(_activity(accountno="NOPE"))
    assert caught.value.field == "ACCOUNTNO"
    assert gm_db.count("CAL") == 0


def test_alarm_is_ten_minutes_before(gm, gm_db):
    gm_db.account()
    row = _one(gm_db, "CAL", gm.schedule_activity(_activity(alarm=True)))
    assert (row["ALARMFLAG"], row["ALARMTIME"], SqlDialect.read_date(row["ALARMDATE"])) == ("Y", "14:20", DAY)


def test_write_history_builds_composite_rectype_and_oc_ref(gm, gm_db):
    gm_db.account()
    recid = gm.write_history(_history(rectype="CC", successful=False, ref="S" * 100), recid=gm.keyed_recid("h1"))
    row = _one(gm_db, "CONTHIST", recid)
    assert (row["SRECTYPE"], row["RECTYPE"]) == ("C", "CCU")
    assert row["REF"] == "S" * (80 - len(" (oc: Kate Bush)")) + " (oc: Kate Bush)"
    assert (row["COMPLETEDID"], row["DURATION"], row["CREATEBY"], row["USERID"]) == ("", "", "GOLDHEAT", "GOLDHEAT")
    summary = _contact2(gm_db)
    assert summary["PREVRESULT"] == "S" * 64
    assert (SqlDialect.read_date(summary["LASTATMPON"]), summary["LASTATMPAT"]) == (TODAY, "10:30am")
    assert summary["LASTCONTON"] is None
    assert gm.write_history(_history(), recid=recid) == recid
    assert gm_db.count("CONTHIST") == 1


def test_ref_length_setting_is_honoured(gm_db, clock):
    gm_db.account()
    connector = make_connector(gm_db, clock, ref_length=65)
    recid = connector.write_history(_history(ref="x" * 70))
    assert len(_one(gm_db, "CONTHIST", recid)["REF"]) == 65
    connector.close()


def test_complete_activity_moves_cal_to_history(gm, gm_db, clock):
    gm_db.account()
    cal = gm.schedule_activity(_activity(notes="agenda"))
    clock.advance(days=16)
    hist = gm.complete_activity(cal, resultcode="ok", notes="went well", history_recid=gm.keyed_recid("done"))
    assert gm_db.count("CAL") == 0
    row = _one(gm_db, "CONTHIST", hist)
    assert (row["RECTYPE"], row["ACTVCODE"], row["RESULTCODE"], row["USERID"]) == ("C", "STC", "OK", "SMITH")
    assert row["REF"] == "Status check call (oc: Kate Bush)"
    assert row["NOTES"] == "agenda\r\nwent well" and row["STATUS"] == " 1"
    assert (row["CREATEBY"], SqlDialect.read_date(row["CREATEON"]), row["CREATEAT"]) == ("GOLDHEAT", TODAY, "10:30")
    assert SqlDialect.read_date(row["LASTDATE"]) == dt.date(2026, 7, 1)
    assert SqlDialect.read_date(row["ONDATE"]) == DAY and row["ONTIME"] == "14:30"
    summary = _contact2(gm_db)
    assert summary["CALLBACKON"] is None and summary["NEXTACTION"] == ""
    assert (SqlDialect.read_date(summary["LASTCONTON"]), summary["LASTCONTAT"]) == (DAY, " 2:30pm")
    assert summary["PREVRESULT"] == "Status check call"
    # re-run after a crash: adopts the history row, no error although the CAL row is gone
    assert gm.complete_activity(cal, resultcode="OK", history_recid=gm.keyed_recid("done")) == hist
    with pytest.raises(RecordError):
        gm.complete_activity(cal)


def test_completing_an_rsvp_activity_leaves_the_creator_a_message(gm, gm_db):
    gm_db.account()
    gm_db.insert("CAL", RECID="GM#RSVP", ACCOUNTNO=ACC, USERID="SMITH", RECTYPE="A", ACTVCODE="VIS",
                 ONDATE=DAY, ONTIME="09:00", REF="Visit", RSVP="Y", CREATEBY="JONES", COMPANY="Kate Bush")
    gm.complete_activity("GM#RSVP")
    messages = gm.pending_activities(accountnos=[ACC])
    assert [(m.rectype, m.actvcode, m.userid, m.ref) for m in messages] == [("M", "Cmp", "JONES", "RSVP Re:Visit")]


def test_move_activity_updates_dates_and_summary(gm, gm_db, clock):
    gm_db.account()
    recid = gm.schedule_activity(_activity())
    clock.advance(minutes=5)
    gm.move_activity(recid, dt.date(2026, 7, 3), userid="jones", ref="Moved")
    row = _one(gm_db, "CAL", recid)
    assert SqlDialect.read_date(row["ONDATE"]) == dt.date(2026, 7, 3) == SqlDialect.read_date(row["ENDDATE"])
    assert (row["USERID"], row["REF"], row["LASTTIME"], row["CREATEAT"]) == ("JONES", "Moved", "10:35", "10:30")
    assert SqlDialect.read_date(_contact2(gm_db)["CALLBACKON"]) == dt.date(2026, 7, 3)
    with pytest.raises(RecordError):
        gm.move_activity("GONE", DAY)


def test_remove_activity_only_deletes_goldheats_own(gm, gm_db):
    gm_db.account()
    mine = gm.schedule_activity(_activity())
    gm_db.insert("CAL", RECID="PERSON#1", ACCOUNTNO=ACC, USERID="SMITH", RECTYPE="C", ACTVCODE="FUP",
                 ONDATE=DAY, CREATEBY="SMITH", REF="Mine, hands off")
    with pytest.raises(FatalError):
        gm.remove_activity("PERSON#1")
    assert gm_db.count("CAL", "WHERE RECID = ?", ["PERSON#1"]) == 1
    assert gm.remove_activity(mine) is True
    assert gm.remove_activity(mine) is False
    assert _contact2(gm_db)["NEXTACTION"] == "Mine, hands off"


def test_upsert_detail_inserts_then_updates_in_place(gm, gm_db):
    gm_db.account()
    gm_db.insert("LOOKUP", FIELDNAME="MPROFHEAD V", ENTRY="HEAT Customer", LOOKUPSUPP="hc", RECID="L1")
    first = gm.upsert_detail(ACC, "HEAT Customer", "CUST-1")
    row = _one(gm_db, "CONTSUPP", first)
    assert (row["RECTYPE"], row["CONTACT"], row["U_CONTACT"], row["CONTSUPREF"], row["U_CONTSUPREF"]) == (
        "P", "HEAT Customer", "HEAT CUSTOMER", "CUST-1", "CUST-1")
    assert (row["PHONE"], row["STATUS"], row["CITY"], row["LASTUSER"]) == ("hc", "00", "GOLDHEAT20260615 10:30am",
                                                                          "GOLDHEAT")
    assert gm.upsert_detail(ACC, "heat customer ", "CUST-1") == first
    assert gm.upsert_detail(ACC, "HEAT Customer", "cust-2", notes="moved") == first
    row = _one(gm_db, "CONTSUPP", first)
    assert (row["CONTSUPREF"], row["U_CONTSUPREF"], row["STATUS"]) == ("cust-2", "CUST-2", "01")
    other = gm.upsert_detail(ACC, "HEAT Customer", "CUST-3", linkacct="B#C1")
    assert other != first and gm_db.count("CONTSUPP") == 2


def test_upsert_detail_without_an_account_is_a_record_error_naming_accountno(gm, gm_db):
    with pytest.raises(RecordError) as caught:
        gm.upsert_detail(" ", "HEAT Customer", "CUST-1")
    assert caught.value.field == "ACCOUNTNO"
    assert gm_db.count("CONTSUPP") == 0


def test_long_email_address_spans_contsupref_and_address1(gm, gm_db):
    gm_db.account()
    address = "purchasing.department.long.name@example-instruments.co.uk"
    recid = gm.upsert_detail(ACC, "E-mail Address", address)
    row = _one(gm_db, "CONTSUPP", recid)
    assert row["CONTSUPREF"] == address[:35] and row["ADDRESS1"] == address[35:]
    assert (row["ZIP"], row["DEAR"]) == ("011", "0100")
    assert gm.get_people(ACC)[0].email == address


def test_quotes_percent_and_sql_are_stored_verbatim(gm, gm_db):
    gm_db.account()
    nasty = "O'Brien's 100% \"deal\"; DROP TABLE CAL; -- \\ _%"
    recid = gm.write_history(_history(ref=nasty, notes=nasty, contact="Seán O'Neil"))
    row = _one(gm_db, "CONTHIST", recid)
    assert row["REF"] == nasty + " (oc: Seán O'Neil)" and row["NOTES"] == nasty
    assert gm.upsert_detail(ACC, "Website Login", "o'brien%_") and gm.get_details(ACC, "Website Login")[0].ref == "o'brien%_"


def test_unicode_replace_policy_writes_cp1252(gm, gm_db):
    gm_db.account()
    recid = gm.write_history(_history(ref="Łódź “visit” € 北京", notes="naïve – ok ✓"))
    row = _one(gm_db, "CONTHIST", recid)
    assert row["REF"].startswith("Lódz “visit” € ??")
    assert row["NOTES"] == "naïve – ok ?"


def test_unicode_reject_policy_is_a_record_error_and_writes_nothing(gm_db, clock):
    gm_db.account()
    connector = make_connector(gm_db, clock, unicode_policy="reject")
    with pytest.raises(RecordError) as caught:
        connector.write_history(_history(ref="Łódź"))
    assert caught.value.field == "REF"
    assert gm_db.count("CONTHIST") == 0
    connector.close()


def test_too_long_code_is_a_record_error_naming_the_column(gm, gm_db):
    gm_db.account()
    with pytest.raises(RecordError) as caught:
        gm.schedule_activity(_activity(actvcode="TOOLONG"))
    assert (caught.value.field, "at most 3" in caught.value.message) == ("ACTVCODE", True)
    assert gm_db.count("CAL") == 0


def test_racing_writers_with_one_keyed_recid_make_one_row(gm_db, clock):
    if gm_db.dialect == "sqlite":
        pytest.skip("SQLite serialises writers on the database lock; no index race to test")
    gm_db.account()
    connectors = [make_connector(gm_db, clock) for _ in range(4)]
    key = connectors[0].keyed_recid("race")
    results, errors = [], []
    barrier = threading.Barrier(len(connectors))

    def write(connector):
        barrier.wait()
        try:
            results.append(connector.schedule_activity(_activity(), recid=key))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in connectors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [key] * len(connectors)
    assert gm_db.count("CAL") == 1
    for c in connectors:
        c.close()


def test_new_accountno_is_free_and_in_goldmine_layout(gm, gm_db):
    gm_db.account()
    accountno = gm.new_accountno("Zeiss Optics")
    assert accountno.startswith("C6061537800") and accountno.endswith("Zei") and len(accountno) == 20
    assert gm.get_account(accountno) is None
