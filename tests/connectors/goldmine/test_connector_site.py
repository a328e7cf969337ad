"""Per-site differences (reference §7): INSERTs from the columns that exist, lengths as declared."""

from __future__ import annotations

import datetime as dt

import pyodbc

from config.settings import Dialect
from connectors.goldmine.catalog import Catalog, declared_length, site_report
from connectors.goldmine.records import NewActivity, NewHistory
from connectors.goldmine.schema import TABLES, create_schema
from tests.connectors.goldmine.connector_fixtures import (  # noqa: F401  (fixtures)
    ACC,
    GoldMineDb,
    clock,
    gm,
    gm_database,
    gm_db,
    make_connector,
)


def _catalog(**drop):
    rows = [{"TABLE_NAME": t.name, "COLUMN_NAME": c.name, "COLUMN_LENGTH": c.length}
            for t in TABLES.values() for c in t.columns if c.name not in drop.get(t.name, ())]
    return Catalog.from_rows(rows)


def test_a_complete_schema_has_no_problems(gm, gm_db):
    report = gm.site_check()
    assert report.problems() == [] and report.warnings() == []
    assert report.ref_lengths.get("CONTHIST") in (80, None)  # SQLite declares no lengths


def test_rows_already_using_the_prefix_are_a_problem(gm, gm_db):
    gm_db.insert("CAL", RECID="GHT000000000001", CREATEBY="SMITH", ACCOUNTNO=ACC)
    assert "RECID prefix" in " ".join(gm.site_check().problems())


def test_site_report_sorts_required_from_newer_columns():
    report = site_report(_catalog(CAL=("GLOBALID", "REF"), CONTHIST=("COMPLETEDID",)), goldsync=True,
                         foreign_prefix_rows=0, ref_length=80)
    assert report.missing_columns == {"CAL": ["REF"]}
    assert report.optional_missing == {"CAL": ["GLOBALID"], "CONTHIST": ["COMPLETEDID"]}
    assert report.missing_tables == []


def test_site_report_flags_a_narrow_ref():
    rows = [{"TABLE_NAME": "CONTHIST", "COLUMN_NAME": "REF", "COLUMN_LENGTH": 65}]
    report = site_report(Catalog.from_rows(rows), goldsync=False, foreign_prefix_rows=0, ref_length=80)
    assert any("REF holds 65" in p for p in report.problems())


def test_declared_length_forms():
    assert declared_length("VARCHAR(20)") == 20 and declared_length("TEXT") is None
    assert declared_length(2147483647) is None and declared_length(-1) is None and declared_length(15) == 15


def test_an_older_goldmine_without_newer_columns_and_with_a_65_ref(database_factory, clock):
    dsn = database_factory("postgresql", "ghsite")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.POSTGRESQL)
    conn.execute("ALTER TABLE CAL DROP COLUMN GLOBALID")
    conn.execute("ALTER TABLE CONTHIST DROP COLUMN COMPLETEDID")
    conn.execute("ALTER TABLE CONTHIST ALTER COLUMN REF TYPE varchar(65)")
    conn.commit()
    conn.close()
    db = GoldMineDb("postgresql", dsn)
    db.account()
    connector = make_connector(db, clock)
    cal = connector.schedule_activity(NewActivity(accountno=ACC, userid="SMITH", rectype="C", actvcode="STC",
                                                  ondate=dt.date(2026, 7, 1), ref="Call"))
    hist = connector.write_history(NewHistory(accountno=ACC, userid="GOLDHEAT", rectype="O", actvcode="GH",
                                              ref="x" * 70, ondate=dt.date(2026, 7, 1)))
    assert db.count("CAL", "WHERE RECID = ?", [cal]) == 1
    assert db.rows("SELECT REF FROM CONTHIST WHERE RECID = ?", [hist])[0]["REF"] == "x" * 49 + " (oc: Kate Bush)"
    report = connector.site_check()
    assert report.optional_missing == {"CAL": ["GLOBALID"], "CONTHIST": ["COMPLETEDID"]}
    assert any("REF holds 65" in p for p in report.problems())
    connector.close()
