"""The connector's pure parts: row builders, summaries, stamps and row conversion, without a server."""

from __future__ import annotations

import datetime as dt

import pytest

from config.errors import RecordError
from connectors.goldmine import rows, summary, writes
from connectors.goldmine.records import NewActivity, NewHistory
from connectors.goldmine.stamps import make_stamp, minutes_before, twelve_hour

UTC = dt.timezone.utc
STAMP = make_stamp(lambda: dt.datetime(2026, 1, 15, 14, 5, tzinfo=UTC), "Europe/London", "goldheat")


@pytest.mark.parametrize(("instant", "date", "time"), [
    (dt.datetime(2026, 1, 15, 14, 5, tzinfo=UTC), dt.date(2026, 1, 15), "14:05"),  # GMT
    (dt.datetime(2026, 6, 15, 23, 30, tzinfo=UTC), dt.date(2026, 6, 16), "00:30"),  # BST crosses midnight
])
def test_stamps_are_local_to_goldmine(instant, date, time):
    stamp = make_stamp(lambda: instant, "Europe/London", "goldheat")
    assert (stamp.user, stamp.date, stamp.time) == ("GOLDHEAT", date, time)
    assert stamp.created() == {"CREATEBY": "GOLDHEAT", "CREATEON": date, "CREATEAT": time}


@pytest.mark.parametrize(("hhmm", "twelve"), [("14:30", " 2:30pm"), ("09:05", " 9:05am"), ("00:10", "12:10am"),
                                              ("12:00", "12:00pm"), ("", ""), ("bad", "")])
def test_twelve_hour(hhmm, twelve):
    assert twelve_hour(hhmm) == twelve


def test_minutes_before_stops_at_midnight():
    assert minutes_before("14:30", 10) == "14:20"
    assert minutes_before("00:05", 10) == "00:00"
    assert minutes_before("", 10) == ""


@pytest.mark.parametrize(("kind", "ok", "composite"), [("O", True, "O  "), ("CC", False, "CCU"), ("c", True, "C  ")])
def test_history_rectype(kind, ok, composite):
    assert writes.history_rectype(kind, ok) == composite
    assert rows.history_successful(composite) is ok
    assert rows.history_type(composite) == kind.upper()


def test_history_rectype_refuses_long_types():
    with pytest.raises(ValueError):
        writes.history_rectype("ABC", True)


def test_cal_row_has_every_goldmine_default():
    row = writes.cal_row(NewActivity(accountno="A", userid="smith", rectype="t", actvcode="rsp",
                                     ondate=dt.date(2026, 2, 1), ref="Follow up"), recid="R", stamp=STAMP,
                         company="Kate")
    assert {k: row[k] for k in ("USERID", "RECTYPE", "ACTVCODE", "RSVP", "ALARMFLAG", "ALARMTIME", "ALARMDATE",
                                "STATUS", "COMPANY", "LINKRECID", "CALDEF_ID", "GLOBALID", "ORIG_TIME")} == {
        "USERID": "SMITH", "RECTYPE": "T", "ACTVCODE": "RSP", "RSVP": "N", "ALARMFLAG": "N", "ALARMTIME": "",
        "ALARMDATE": None, "STATUS": " 0", "COMPANY": "Kate", "LINKRECID": "", "CALDEF_ID": "", "GLOBALID": "",
        "ORIG_TIME": "14:05"}
    assert row["ENDDATE"] == row["ONDATE"]


def test_completing_a_sale_keeps_its_value_in_duration():
    cal = {"RECTYPE": "S", "NUMBER1": 25000.0, "NUMBER2": 3, "DURATION": 60, "REF": "Spectrometer",
           "COMPANY": "Kate", "CREATEBY": "SMITH", "CREATEON": dt.datetime(2026, 1, 2), "CREATEAT": "09:00",
           "ONDATE": dt.datetime(2026, 3, 1), "NOTES": None}
    row = writes.completion_row(cal, recid="H", stamp=STAMP, resultcode="won", notes="", successful=True,
                                ref_length=80)
    assert (row["DURATION"], row["UNITS"], row["RESULTCODE"], row["RECTYPE"]) == ("25000", "3", "WON", "S  ")
    assert (row["CREATEBY"], row["CREATEON"], row["CREATEAT"]) == ("SMITH", dt.date(2026, 1, 2), "09:00")
    assert (row["LASTUSER"], row["LASTTIME"]) == ("GOLDHEAT", "14:05")
    assert row["REF"] == "Spectrometer (oc: Kate)" and row["STATUS"] == " 0"


def test_history_row_uses_the_given_contact_for_oc():
    row = writes.history_row(NewHistory(accountno="A", userid="x", rectype="O", actvcode="gh", ref="Sent",
                                        ondate=dt.date(2026, 1, 1), contact="Bob"), recid="H", stamp=STAMP,
                             contact="Kate", ref_length=80)
    assert row["REF"] == "Sent (oc: Bob)" and row["ACTVCODE"] == "GH" and row["SRECTYPE"] == "O"


@pytest.mark.parametrize("ontime", ["9:30", "2pm", "24:00", "14:3", "14:30:00"])
def test_a_time_not_in_hh_mm_is_a_record_error_naming_ontime(ontime):
    activity = NewActivity(accountno="A", userid="x", rectype="C", actvcode="STC", ondate=dt.date(2026, 2, 1),
                           ref="Call", ontime=ontime, alarm=True)
    history = NewHistory(accountno="A", userid="x", rectype="C", actvcode="STC", ref="Call",
                         ondate=dt.date(2026, 2, 1), ontime=ontime)
    with pytest.raises(RecordError, match="CAL.ONTIME") as cal_error:
        writes.cal_row(activity, recid="R", stamp=STAMP, company="")
    with pytest.raises(RecordError, match="CONTHIST.ONTIME") as history_error:
        writes.history_row(history, recid="H", stamp=STAMP, contact="", ref_length=80)
    assert cal_error.value.field == history_error.value.field == "ONTIME"


def test_detail_creation_stamp_and_email_split():
    assert writes.creation_stamp(STAMP) == "GOLDHEAT20260115 2:05pm"
    values = writes.detail_values("E-mail Address", "a" * 40, "", key="k")
    assert (values["CONTSUPREF"], values["ADDRESS1"], values["STATUS"]) == ("a" * 35, "a" * 5, "00")
    with pytest.raises(RecordError):
        writes.detail_values("E-mail Address", "a" * 76, "", key="k")


def test_cal_summary_takes_the_first_row_of_each_type():
    cal = [
        {"RECTYPE": "C", "ONDATE": dt.datetime(2026, 3, 2), "ONTIME": "15:00", "USERID": "S", "RECID": "2", "REF": "b"},
        {"RECTYPE": "C", "ONDATE": dt.datetime(2026, 3, 1), "ONTIME": "09:00", "USERID": "S", "RECID": "1", "REF": "a"},
        {"RECTYPE": "T", "ONDATE": "2026-04-01 00:00:00", "ONTIME": "", "USERID": "S", "RECID": "3", "REF": "t"},
    ]
    assert summary.cal_summary(cal) == {
        "NEXTACTION": "a", "ACTIONON": dt.date(2026, 4, 1), "CLOSEDATE": None, "MEETDATEON": None,
        "MEETTIMEAT": "", "CALLBACKON": dt.date(2026, 3, 1), "CALLBACKAT": " 9:00am"}
    assert summary.cal_summary([])["NEXTACTION"] == ""


@pytest.mark.parametrize(("rectype", "expected"), [
    ("C  ", {"LASTCONTON", "LASTCONTAT"}),
    ("A U", {"LASTATMPON", "LASTATMPAT"}),
    ("C UP", {"LASTATMPON", "LASTATMPAT"}),  # unsuccessful and private: char 3, not LIKE '%U'
    ("O  ", set()),
])
def test_history_summary(rectype, expected):
    latest = {"RECTYPE": rectype, "ONDATE": dt.datetime(2026, 1, 2), "ONTIME": "13:00", "REF": "Done (oc: K)"}
    values = summary.history_summary(latest)
    assert values["PREVRESULT"] == "Done"
    assert set(values) - {"PREVRESULT"} == expected


def test_summary_changed_ignores_blank_and_date_forms():
    current = {"NEXTACTION": "a  ", "ACTIONON": "2026-01-01 00:00:00", "CLOSEDATE": None}
    assert summary.changed(current, {"NEXTACTION": "a", "ACTIONON": dt.date(2026, 1, 1), "CLOSEDATE": None}) == {}
    assert summary.changed(current, {"NEXTACTION": "b"}) == {"NEXTACTION": "b"}


def test_people_match_emails_to_their_owner():
    contact1 = {"ACCOUNTNO": "A", "RECID": "C1", "CONTACT": "Kate", "PHONE1": "1"}
    supp = [
        {"RECTYPE": "C", "RECID": "X", "CONTACT": "Bob "},
        {"RECTYPE": "P", "U_CONTACT": "E-MAIL ADDRESS", "RECID": "E1", "CONTSUPREF": "k@x.com", "ZIP": "001",
         "LINKACCT": ""},
        {"RECTYPE": "P", "U_CONTACT": "E-MAIL ADDRESS", "RECID": "E2", "CONTSUPREF": "kate@x.com", "ZIP": "011",
         "LINKACCT": "C1"},
        {"RECTYPE": "P", "U_CONTACT": "E-MAIL ADDRESS", "RECID": "E3", "CONTSUPREF": "bob@x.com", "ZIP": "001",
         "LINKACCT": "X"},
    ]
    people = rows.people(contact1, supp)
    assert [(p.name, p.email, p.is_primary) for p in people] == [("Kate", "kate@x.com", True),
                                                                  ("Bob", "bob@x.com", False)]


def test_row_hash_ignores_trailing_blanks_and_date_forms():
    assert rows.row_hash({"A": "x ", "D": dt.datetime(2026, 1, 1)}) == rows.row_hash({"A": "x", "D": dt.datetime(2026, 1, 1)})
    assert rows.row_hash({"A": "x"}) != rows.row_hash({"A": "y"})
