"""Loading the sample for real through pyodbc on PostgreSQL, MariaDB and SQLite."""

from __future__ import annotations

import datetime as dt

import pyodbc
import pytest

from config.settings import Dialect
from connectors.goldmine.sample import build_sample
from connectors.goldmine.sample_load import LoadMethod, batch_rows, insert_rows, load_sample
from connectors.goldmine.schema import TABLES, create_schema
from tests.conftest import DIALECTS

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module", params=DIALECTS)
def loaded(request, database_factory):
    dsn = database_factory(request.param, "ghsample")
    conn = pyodbc.connect(dsn)
    dialect = Dialect(request.param)
    create_schema(conn, dialect)
    sample = build_sample(30, history=900, seed=11, today=TODAY)
    stats = load_sample(conn, dialect, sample)
    yield conn, dialect, sample, stats
    conn.close()


def test_every_row_arrives(loaded) -> None:
    conn, _, sample, stats = loaded
    for table, count in stats.rows.items():
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == count, table
    assert stats.rows["CONTHIST"] == 900 and stats.rows["CONTACT1"] == 30


def test_values_read_back_verbatim(loaded) -> None:
    """Quotes, percent signs, accents and GoldMine's punctuation in ids survive the round trip."""
    conn, _, sample, _ = loaded
    expected = {r["ACCOUNTNO"]: (r["COMPANY"], r["CONTACT"], r["RECID"]) for r in sample.rows("CONTACT1")}
    found = {r[0]: tuple(r[1:]) for r in conn.execute(
        "SELECT ACCOUNTNO, COMPANY, CONTACT, RECID FROM CONTACT1").fetchall()}
    assert found == expected
    dates = conn.execute("SELECT ONDATE FROM CONTHIST WHERE ACTVCODE = ?", "STC").fetchall()
    assert dates and all(str(d[0]).startswith(("20",)) for d in dates)


def test_deferred_indexes_are_back_after_the_load(loaded) -> None:
    conn, dialect, sample, _ = loaded
    row = next(iter(sample.rows("CONTACT1")))
    with pytest.raises(pyodbc.Error):
        conn.execute("INSERT INTO CONTACT1 (ACCOUNTNO, PHONE1, ZIP, U_COMPANY, U_CONTACT, U_LASTNAME, "
                     "U_CITY, U_STATE, U_COUNTRY, U_KEY1, U_KEY2, U_KEY3, U_KEY4, U_KEY5, RECID) "
                     "VALUES (?, '', '', '', '', '', '', '', '', '', '', '', '', '', ?)",
                     row["ACCOUNTNO"], "XYZ#NEW#RECID@@")
    conn.rollback()
    if dialect is Dialect.SQLITE:
        names = {r[0].upper() for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'CONTHIST'").fetchall()}
    elif dialect is Dialect.POSTGRESQL:
        names = {r[0].upper() for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'conthist'").fetchall()}
    else:
        names = {r[2].upper() for r in conn.execute("SHOW INDEX FROM CONTHIST").fetchall()}
    assert {"CONTHIST_IX" if dialect is not Dialect.MARIADB else "CONTHIST", "CNHLSDT",
            "CNHRECID"} <= names


@pytest.mark.parametrize("method", [LoadMethod.VALUES, LoadMethod.EXECUTEMANY])
def test_methods_insert_the_same_rows(database_factory, method: LoadMethod) -> None:
    dsn = database_factory("sqlite", "ghmethod")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.SQLITE, tables=["CAL"])
    rows = list(build_sample(20, history=0, seed=5, today=TODAY).rows("CAL"))
    stats = insert_rows(conn, Dialect.SQLITE, "CAL", rows, method=method, rows_per_batch=7)
    assert stats.rows["CAL"] == len(rows)
    recids = sorted(r[0] for r in conn.execute("SELECT RECID FROM CAL").fetchall())
    assert recids == sorted(r["RECID"] for r in rows)
    batches = -(-len(rows) // 7)
    assert stats.round_trips == (batches if method is LoadMethod.VALUES else len(rows)) + 1
    conn.close()


def test_a_failing_batch_is_rolled_back(database_factory) -> None:
    dsn = database_factory("sqlite", "ghfail")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.SQLITE, tables=["USERS"])
    rows = [{"USERNAME": "A", "RECID": "SAME#RECID@@@@@"}, {"USERNAME": "B", "RECID": "SAME#RECID@@@@@"}]
    with pytest.raises(pyodbc.Error):
        insert_rows(conn, Dialect.SQLITE, "USERS", rows)
    assert conn.execute("SELECT COUNT(*) FROM USERS").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize(("dialect", "columns", "rows"), [
    (Dialect.MSSQL, 26, 76), (Dialect.POSTGRESQL, 26, 300), (Dialect.SQLITE, 4, 300),
    (Dialect.MARIADB, 200, 100),
])
def test_batches_stay_under_the_drivers_parameter_limits(dialect, columns, rows) -> None:
    assert batch_rows(dialect, columns, LoadMethod.VALUES) == rows


def test_sql_server_uses_parameter_arrays() -> None:
    from connectors.goldmine.sample_load import DEFAULT_METHOD

    assert DEFAULT_METHOD[Dialect.MSSQL] is LoadMethod.FAST
    assert len(TABLES["CONTHIST"].columns) == 26


def test_prefetched_batches_keep_order_and_raise_generator_errors() -> None:
    from connectors.goldmine.sample_load import prefetched

    assert list(prefetched(iter([[1], [2], [3]]))) == [[1], [2], [3]]

    def broken():
        yield [1]
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        list(prefetched(broken()))


def test_stopping_early_releases_the_helper_thread() -> None:
    import threading

    from connectors.goldmine.sample_load import prefetched

    batches = prefetched(iter([[n] for n in range(100)]), depth=1)
    assert next(batches) == [0]
    batches.close()
    assert not any(t.name == "sample-batches" and t.is_alive() for t in threading.enumerate())
