"""The ODBC seam: dialect detection, error classification by SQLSTATE, DSNs never in messages."""

import pyodbc
import pytest

from config.errors import AuthenticationError, ConfigurationError, FatalError, RecordError, RetriableError
from config.settings import Dialect
from connectors.odbc import (
    IntegrityViolation,
    classify_odbc_error,
    detect_dialect,
    dsn_attributes,
    odbc_factory,
    redact_dsn,
)
from tests.conftest import pg_dsn


@pytest.mark.parametrize(("dsn", "dialect"), [
    ("DRIVER={ODBC Driver 18 for SQL Server};SERVER=gm;DATABASE=GoldMine", Dialect.MSSQL),
    ("DRIVER={FreeTDS};SERVER=gm", Dialect.MSSQL),
    ("DRIVER={PostgreSQL Unicode};SERVER=127.0.0.1", Dialect.POSTGRESQL),
    ("DRIVER={MariaDB Unicode};SERVER=127.0.0.1", Dialect.MARIADB),
    ("DRIVER={SQLite3};DATABASE=/tmp/gm.sqlite", Dialect.SQLITE),
])
def test_dialect_from_driver_name(dsn: str, dialect: Dialect) -> None:
    assert detect_dialect(dsn) is dialect


def test_unknown_driver_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="GOLDHEAT_GOLDMINE__DIALECT"):
        detect_dialect("DSN=goldmine")
    with pytest.raises(ConfigurationError, match="GOLDHEAT_HEAT__DIALECT") as info:
        detect_dialect("DSN=heat", "GOLDHEAT_HEAT__DIALECT")
    assert info.value.setting == "GOLDHEAT_HEAT__DIALECT"


def test_braced_values_and_password_redaction() -> None:
    dsn = "DRIVER={SQL Server};PWD={pa;ss}}};UID=sa"
    assert dsn_attributes(dsn)["PWD"] == "pa;ss}"
    assert "pa;ss" not in redact_dsn(dsn)


@pytest.mark.parametrize(("state", "expected"), [
    ("08S01", RetriableError), ("08001", RetriableError), ("40001", RetriableError), ("HYT00", RetriableError),
    ("28000", AuthenticationError), ("23000", IntegrityViolation), ("22001", RecordError),
    ("42S02", FatalError), ("IM002", ConfigurationError), ("08004", RetriableError),
])
def test_sqlstates_map_to_the_error_tree(state: str, expected: type) -> None:
    error = classify_odbc_error(pyodbc.Error(state, f"[{state}] [Driver] something PWD=secret1"),
                                system="goldmine", operation="read")
    assert type(error) is expected
    assert error.code == state and "secret1" not in str(error)


def test_a_real_connection_failure_is_retriable_and_hides_the_password() -> None:
    connect = odbc_factory(pg_dsn("postgres").replace("PORT=5432", "PORT=1")
                           .replace("PWD=", "PWD=TopSecret99"), timeout=3)
    with pytest.raises((RetriableError, FatalError)) as info:
        connect()
    assert "TopSecret99" not in str(info.value)


@pytest.mark.parametrize("message", [
    "[HY000] could not send data: the connection has been lost",
    "[HY000] [SQLite]database is locked (5)",
    "[HY000] MySQL server has gone away",
])
def test_transient_failures_without_a_useful_sqlstate_are_retriable(message: str) -> None:
    error = classify_odbc_error(pyodbc.Error("HY000", message), system="goldmine", operation="write")
    assert isinstance(error, RetriableError)


@pytest.mark.parametrize(("message", "expected"), [
    ("[HY000] [SQLite]UNIQUE constraint failed: CAL.RECID (19)", IntegrityViolation),
    ("[HY000] Duplicate entry 'GHT1' for key 'CNURECID'", IntegrityViolation),
    ("[HY000] Duplicate column name 'RECID'", FatalError),
])
def test_unique_hits_are_told_from_other_duplicate_messages(message: str, expected: type) -> None:
    error = classify_odbc_error(pyodbc.Error("HY000", message), system="goldmine", operation="write")
    assert type(error) is expected
