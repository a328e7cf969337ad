"""The connector's reads, for real through pyodbc on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime as dt

import pytest

from config.errors import ConfigurationError
from config.settings import Dialect, GoldMineSettings
from connectors.goldmine.connector import GoldMineConnector
from tests.connectors.goldmine.connector_fixtures import (  # noqa: F401  (fixtures)
    ACC,
    ACC2,
    ACC_QUOTE,
    clock,
    gm,
    gm_database,
    gm_db,
)


def _email(db, recid, address, *, linkacct="", zip_="011"):
    db.insert("CONTSUPP", ACCOUNTNO=ACC, RECTYPE="P", CONTACT="E-mail Address", CONTSUPREF=address[:35],
              ADDRESS1=address[35:] or " ", ZIP=zip_, LINKACCT=linkacct, RECID=recid, STATUS="00")


def test_get_account_reads_trimmed_fields(gm, gm_db):
    gm_db.account(company="Katherine Ltd   ", key2=" ", key3=None)
    account = gm.get_account(ACC)
    assert account.accountno == ACC
    assert account.company == "Katherine Ltd"
    assert account.key1 == "Customer" and account.key2 == "" and account.key3 == ""
    assert account.lastdate == dt.date(2015, 1, 26)
    assert gm.get_account("nope") is None


def test_iter_accounts_pages_by_accountno_and_filters_key1(gm, gm_db):
    for i in range(7):
        gm_db.account(f"C6{i:02d}000000000000AB", recid=f"REC{i:02d}", key1="Distributor" if i % 2 else "Customer")
    pages = list(gm.iter_accounts(batch_size=3))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [a.accountno for p in pages for a in p] == sorted(f"C6{i:02d}000000000000AB" for i in range(7))
    distributors = [a.accountno for p in gm.iter_accounts(key1="distributor", batch_size=2) for a in p]
    assert len(distributors) == 3


def test_people_primary_first_each_with_primary_email(gm, gm_db):
    gm_db.account()
    gm_db.insert("CONTSUPP", ACCOUNTNO=ACC, RECTYPE="C", CONTACT="Bob O'Neil", TITLE="Buyer", PHONE="0123",
                 RECID="B#C1", STATUS="10")
    _email(gm_db, "E1", "kate@example.com", linkacct="GXZDVN2#SIYUT&@")
    _email(gm_db, "E2", "bob.old@example.com", linkacct="B#C1", zip_="001")
    long_address = "bob.oneil.purchasing.department@example-instruments.co.uk"
    _email(gm_db, "E3", long_address, linkacct="B#C1", zip_="011")
    people = gm.get_people(ACC)
    assert [(p.name, p.is_primary, p.email) for p in people] == [
        ("Kate Bush", True, "kate@example.com"), ("Bob O'Neil", False, long_address)]
    assert gm.find_person(ACC, "  bob o'neil ").recid == "B#C1"
    assert gm.find_person(ACC, "Nobody") is None
    assert gm.get_people("missing") == []


def _opportunity(db, opid, accountno=ACC, stage="Order Received", po="PO-1", closed=dt.date(2026, 5, 1)):
    db.insert("OPMGR", OPID=opid, RECID=opid, RECTYPE="O", ACCOUNTNO=accountno, USERID="SMITH",
              COMPANY="Katherine Ltd", CONTACT="Kate Bush", NAME="Spectrometer", STAGE=stage,
              FORAMT=300000.0, CLOSEAMT=290000.5, CLOSEDDATE=closed)
    db.insert("OPMGR", OPID=opid, RECID=opid + "L", RECTYPE="OC", ACCOUNTNO=accountno, CONTACT="Bob O'Neil")
    for i, (name, value) in enumerate([("PO Number", po), ("Order Type", "SF"), ("Ship Date", "2026-06-01")]):
        db.insert("OPMGRFLD", LOPID=opid, RECTYPE="F", FNAME=name, FVALUE=value, RECID=f"{opid}F{i}")


def test_opportunity_with_fields_and_contact_link(gm, gm_db):
    _opportunity(gm_db, "OP1#")
    opp = gm.get_opportunity("OP1#")
    assert opp.stage == "Order Received" and opp.foramt == 300000.0 and opp.closeamt == 290000.5
    assert opp.fields == {"PO Number": "PO-1", "Order Type": "SF", "Ship Date": "2026-06-01"}
    assert opp.contact_link == "Bob O'Neil"
    assert opp.closeddate == dt.date(2026, 5, 1)
    assert gm.get_opportunity("OP1#L") is None


def test_find_opportunities_by_po_stage_date_and_ids(gm, gm_db):
    _opportunity(gm_db, "OP1", po="PO-1")
    _opportunity(gm_db, "OP2", po="PO-2", stage="Proposal Sent", closed=dt.date(2025, 1, 1))
    assert [o.opid for o in gm.find_opportunities(po_number="PO-2")] == ["OP2"]
    assert [o.opid for o in gm.find_opportunities(stage="order received")] == ["OP1"]
    assert [o.opid for o in gm.find_opportunities(closed_since=dt.date(2026, 1, 1))] == ["OP1"]
    assert [o.opid for o in gm.find_opportunities(opids=["OP2", "OP9"])] == ["OP2"]
    assert gm.find_opportunities(opids=[]) == []


def _cal(db, recid, accountno=ACC, *, code="STC", rectype="C", day=dt.date(2026, 7, 1), user="SMITH",
         createby="SMITH", loprecid=""):
    db.insert("CAL", RECID=recid, ACCOUNTNO=accountno, USERID=user, RECTYPE=rectype, ACTVCODE=code,
              ONDATE=day, ENDDATE=day, ONTIME="09:00", REF="Status check", STATUS=" 0", RSVP="N",
              ALARMFLAG="N", CREATEBY=createby, CREATEON=dt.date(2026, 1, 1), CREATEAT="08:00",
              LOPRECID=loprecid, COMPANY="Kate Bush")


def test_pending_activities_filters(gm, gm_db):
    _cal(gm_db, "CAL1", code="STC")
    _cal(gm_db, "CAL2", code="VIS", rectype="A", day=dt.date(2026, 6, 20))
    _cal(gm_db, "CAL3", ACC2, code="FUP", user="JONES", loprecid="OP1")
    assert [a.recid for a in gm.pending_activities(accountnos=[ACC])] == ["CAL2", "CAL1"]
    assert [a.recid for a in gm.pending_activities(actvcodes=["STC", "FUP"])] == ["CAL1", "CAL3"]
    assert [a.recid for a in gm.pending_activities(loprecid="OP1")] == ["CAL3"]
    assert [a.recid for a in gm.pending_activities(userid="jones")] == ["CAL3"]
    assert gm.pending_activities(accountnos=[]) == []
    activity = gm.get_activity("CAL2")
    assert (activity.rectype, activity.ondate, activity.ontime, activity.createby) == (
        "A", dt.date(2026, 6, 20), "09:00", "SMITH")


def _hist(db, recid, accountno=ACC, *, code="STC", day=dt.date(2026, 1, 1), rectype="C  ", ref="Call (oc: Kate)"):
    db.insert("CONTHIST", RECID=recid, ACCOUNTNO=accountno, USERID="SMITH", SRECTYPE=rectype[0],
              RECTYPE=rectype, ACTVCODE=code, ONDATE=day, ONTIME="10:00", REF=ref, STATUS=" 0",
              CREATEBY="SMITH", CREATEON=day, CREATEAT="10:00", LASTUSER="SMITH", LASTDATE=day,
              LASTTIME="10:00")


def test_last_completed_is_one_query_per_batch(gm, gm_db):
    _hist(gm_db, "H1", day=dt.date(2026, 1, 1))
    _hist(gm_db, "H2", day=dt.date(2026, 3, 1))
    _hist(gm_db, "H3", ACC2, day=dt.date(2026, 2, 1))
    _hist(gm_db, "H4", ACC2, code="VIS", day=dt.date(2026, 4, 1))
    before = gm.round_trips
    assert gm.last_completed([ACC, ACC2, "none"], "STC") == {ACC: dt.date(2026, 3, 1), ACC2: dt.date(2026, 2, 1)}
    assert gm.round_trips - before == 1


def test_history_filters(gm, gm_db):
    _hist(gm_db, "H1", day=dt.date(2026, 1, 1), code="BNG")
    _hist(gm_db, "H2", day=dt.date(2026, 3, 1), rectype="CCU")
    assert [h.recid for h in gm.history(accountno=ACC, since=dt.date(2026, 2, 1))] == ["H2"]
    assert [h.recid for h in gm.history(actvcodes=["BNG"])] == ["H1"]
    record = gm.history(recid="H2")[0]
    assert record.rectype == "CCU" and record.ondate == dt.date(2026, 3, 1)


def test_details_and_user(gm, gm_db):
    gm_db.insert("CONTSUPP", ACCOUNTNO=ACC_QUOTE, RECTYPE="P", CONTACT="HEAT Customer", CONTSUPREF="CUST-42",
                 RECID="D1", STATUS="00")
    gm_db.insert("USERS", USERNAME="SMITH", NAME="John Smith", USERGROUP="SALES", RECID="U1")
    assert [(d.name, d.ref) for d in gm.get_details(ACC_QUOTE, "heat customer")] == [("HEAT Customer", "CUST-42")]
    assert gm.get_user("smith")["NAME"] == "John Smith"
    assert gm.get_user("nobody") is None


def test_goldsync_logging_without_stamp_source_refuses_to_start(gm_db):
    with pytest.raises(ConfigurationError) as caught:
        GoldMineConnector(GoldMineSettings(goldsync_logging=True), gm_db.connect, Dialect(gm_db.dialect))
    assert caught.value.setting == "GOLDHEAT_GOLDMINE__GOLDSYNC_LOGGING"


def test_from_settings_detects_the_dialect(gm_db):
    from pydantic import SecretStr

    connector = GoldMineConnector.from_settings(GoldMineSettings(dsn=SecretStr(gm_db.dsn)))
    assert connector.dialect.dialect is Dialect(gm_db.dialect)
    assert connector.get_account("x") is None
    connector.close()
