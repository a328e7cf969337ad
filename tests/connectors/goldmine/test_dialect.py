"""The dialect module, and the SQL Server statements it builds (SQL Server cannot run here)."""

from __future__ import annotations

import datetime as dt

import pytest

from config.settings import Dialect
from connectors.goldmine import changes, reads, writes
from connectors.goldmine.dialect import SQL_VARCHAR, sql_dialect
from connectors.goldmine.records import ChangeCursor

MSSQL = sql_dialect(Dialect.MSSQL)
PG = sql_dialect(Dialect.POSTGRESQL)
MARIA = sql_dialect(Dialect.MARIADB)
LITE = sql_dialect(Dialect.SQLITE)


@pytest.mark.parametrize(("dialect", "sql"), [
    (MSSQL, "SELECT TOP 5 A FROM T ORDER BY A"),
    (PG, "SELECT A FROM T ORDER BY A LIMIT 5"),
    (MARIA, "SELECT A FROM T ORDER BY A LIMIT 5"),
    (LITE, "SELECT A FROM T ORDER BY A LIMIT 5"),
])
def test_limit(dialect, sql):
    assert dialect.limit("SELECT A FROM T ORDER BY A", 5) == sql


@pytest.mark.parametrize(("dialect", "sql"), [
    (MSSQL, "SELECT * FROM CAL WITH (UPDLOCK, ROWLOCK) WHERE RECID = ?"),
    (PG, "SELECT * FROM CAL WHERE RECID = ? FOR UPDATE"),
    (MARIA, "SELECT * FROM CAL WHERE RECID = ? FOR UPDATE"),
    (LITE, "SELECT * FROM CAL WHERE RECID = ?"),
])
def test_locking_select(dialect, sql):
    assert dialect.locking_select("SELECT * FROM CAL WHERE RECID = ?", "CAL") == sql


@pytest.mark.parametrize(("dialect", "sql"), [
    (MSSQL, "(RTRIM(A) + RTRIM(B))"),
    (PG, "(RTRIM(A) || RTRIM(B))"),
    (MARIA, "CONCAT(RTRIM(A), RTRIM(B))"),
    (LITE, "(RTRIM(A) || RTRIM(B))"),
])
def test_concat_of_trimmed_columns(dialect, sql):
    assert dialect.concat(dialect.rtrim("A"), dialect.rtrim("B")) == sql


def test_substr_spelling():
    assert MSSQL.substr("RECTYPE", 3, 1) == "SUBSTRING(RECTYPE, 3, 1)"
    assert LITE.substr("RECTYPE", 3, 1) == "SUBSTR(RECTYPE, 3, 1)"


@pytest.mark.parametrize("dialect", [MSSQL, PG, MARIA, LITE])
def test_dates_bind_as_midnight_datetimes(dialect):
    assert dialect.date_param(dt.date(2026, 3, 4)) == dt.datetime(2026, 3, 4)
    assert dialect.date_param(dt.datetime(2026, 3, 4, 15, 0)) == dt.datetime(2026, 3, 4)
    assert dialect.date_param(None) is None


@pytest.mark.parametrize("value", [dt.datetime(2026, 3, 4), dt.date(2026, 3, 4), "2026-03-04 00:00:00.000",
                                   "2026-03-04"])
def test_read_date_takes_every_driver_form(value):
    assert LITE.read_date(value) == dt.date(2026, 3, 4)


def test_read_date_blank_is_none():
    assert LITE.read_date("") is None and LITE.read_date(None) is None


def test_column_names_are_upper_case():
    assert PG.column_names([("recid",), ("ondate",)]) == ["RECID", "ONDATE"]


def test_fast_executemany_only_where_the_driver_takes_it():
    assert MSSQL.fast_executemany and PG.fast_executemany
    assert not MARIA.fast_executemany and not LITE.fast_executemany


def test_sql_server_binds_every_string_as_varchar():
    sizes = MSSQL.input_sizes(["B5012647614&:;:!HKat", 3, "", "x" * 9000])
    assert sizes == [(SQL_VARCHAR, 20, 0), None, (SQL_VARCHAR, 1, 0), (SQL_VARCHAR, 0, 0)]
    assert PG.input_sizes(["a"]) is None
    assert MSSQL.input_sizes([1, None]) is None


def test_placeholders():
    assert MSSQL.placeholders(3) == "(?, ?, ?)"
    with pytest.raises(ValueError):
        MSSQL.placeholders(0)


# --- SQL Server statements the connector runs --------------------------------------------------------

def test_mssql_accounts_page():
    sql, params = reads.accounts_page(MSSQL, after="B50", size=100, key1="Distributor")
    assert sql == ("SELECT TOP 100 " + ", ".join(reads.ACCOUNT_COLUMNS) + " FROM CONTACT1 "
                   "WHERE ACCOUNTNO > ? AND U_KEY1 = ? ORDER BY ACCOUNTNO")
    assert params == ["B50", "DISTRIBUTOR"]


def test_mssql_changes_batch():
    cursor = ChangeCursor(lastdate=dt.date(2026, 11, 29), lasttime="10:05", seen=frozenset({"R:h"}))
    sql, params = changes.query(MSSQL, "CONTHIST", ("RECID", "LASTDATE", "LASTTIME"),
                                changes.window_start(cursor, 15), changes.fetch_size(cursor, 100))
    assert sql == ("SELECT TOP 101 RECID, LASTDATE, LASTTIME FROM CONTHIST "
                   "WHERE LASTDATE >= ? AND (LASTDATE > ? OR COALESCE(LASTTIME, '') >= ?) "
                   "ORDER BY LASTDATE, COALESCE(LASTTIME, ''), RECID")
    assert params == [dt.datetime(2026, 11, 29), dt.datetime(2026, 11, 29), "09:50"]


def test_mssql_opportunity_search_by_po_number():
    sql, params = reads.opportunity_headers(MSSQL, po_field="PO Number", po_number=" PO-1 ", stage="Order Received")
    assert sql == ("SELECT " + ", ".join(reads.OPMGR_COLUMNS) + " FROM OPMGR WHERE RECTYPE = ? "
                   "AND U_STAGE = ? AND OPID IN (SELECT LOPID FROM OPMGRFLD WHERE U_FNAME = ? "
                   "AND RTRIM(FVALUE) = ?) ORDER BY OPID")
    assert params == ["O", "ORDER RECEIVED", "PO NUMBER", "PO-1"]


def test_mssql_insert_binds_dates_and_skips_missing_columns():
    sql, params = writes.insert(MSSQL, "CAL", {"RECID": "GHT1", "ONDATE": dt.date(2026, 1, 2), "GLOBALID": ""},
                                existing={"RECID", "ONDATE"})
    assert sql == "INSERT INTO CAL (RECID, ONDATE) VALUES (?, ?)"
    assert params == ["GHT1", dt.datetime(2026, 1, 2)]


def test_mssql_update_and_delete():
    assert writes.update(MSSQL, "CAL", {"ONDATE": dt.date(2026, 1, 2), "LASTUSER": "GOLDHEAT"}, {"RECID": "R"}) == (
        "UPDATE CAL SET ONDATE = ?, LASTUSER = ? WHERE RECID = ?", [dt.datetime(2026, 1, 2), "GOLDHEAT", "R"])
    assert writes.delete("CAL", {"RECID": "R"}) == ("DELETE FROM CAL WHERE RECID = ?", ["R"])


def test_mssql_columns_query():
    sql, params = MSSQL.columns_query(["cal", "CONTHIST"])
    assert sql == ("SELECT UPPER(TABLE_NAME) AS TABLE_NAME, UPPER(COLUMN_NAME) AS COLUMN_NAME, "
                   "CHARACTER_MAXIMUM_LENGTH AS COLUMN_LENGTH FROM INFORMATION_SCHEMA.COLUMNS "
                   "WHERE UPPER(TABLE_NAME) IN (?, ?)")
    assert params == ["CAL", "CONTHIST"]


def test_mssql_summary_latest_history():
    assert MSSQL.limit("SELECT RECTYPE FROM CONTHIST WHERE ACCOUNTNO = ? ORDER BY ONDATE DESC, RECID DESC", 1) == (
        "SELECT TOP 1 RECTYPE FROM CONTHIST WHERE ACCOUNTNO = ? ORDER BY ONDATE DESC, RECID DESC")
