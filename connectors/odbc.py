"""The ODBC seam shared by the GoldMine and HEAT classic connectors.

A connector takes a `ConnectionFactory` (a zero-argument callable returning a DB-API connection),
so tests inject real connections to the local servers and production passes `odbc_factory(dsn)`.
This module also turns pyodbc errors into goldheat's error tree by SQLSTATE, without ever putting
the connection string in a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from config.errors import (
    AuthenticationError,
    ConfigurationError,
    FatalError,
    GoldheatError,
    RecordError,
    RetriableError,
)
from config.settings import Dialect


class DBConnection(Protocol):
    def cursor(self) -> Any: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


ConnectionFactory = Callable[[], DBConnection]

# SQLSTATEs that mean "try again": link failures, timeouts, deadlocks and serialisation failures.
TRANSIENT_SQLSTATES = frozenset({
    "08S01", "08001", "08003", "08004", "08007", "40001", "40P01", "HYT00", "HYT01", "HY008",
    "57P01",  # PostgreSQL admin shutdown
})
AUTH_SQLSTATES = frozenset({"28000", "28P01"})
# Transient by message where the driver gives no useful SQLSTATE (psqlodbc HY000, SQLite busy).
_LOST_CONNECTION = re.compile(
    r"connection has been lost|server has gone away|lost connection|database is locked|database is busy", re.I)
# Drivers that report a unique-index hit under HY000 (SQLite): by message, but not e.g. MariaDB's
# "Duplicate column name", which is a schema error.
_UNIQUE_VIOLATION = re.compile(r"unique constraint|unique index|duplicate key|duplicate entry", re.I)
# Unique-index violations: the caller decides (usually: the effect already exists, adopt it).
INTEGRITY_SQLSTATES = frozenset({"23000", "23505"})
RECORD_SQLSTATES = frozenset({"22001", "22003", "22007", "22008", "22018", "HY104"})

_DRIVER_DIALECTS = (
    (re.compile(r"sql ?server|freetds|tds|msodbcsql", re.I), Dialect.MSSQL),
    (re.compile(r"postgres|psqlodbc", re.I), Dialect.POSTGRESQL),
    (re.compile(r"maria|mysql", re.I), Dialect.MARIADB),
    (re.compile(r"sqlite", re.I), Dialect.SQLITE),
)
_SECRET_IN_DSN = re.compile(r"(PWD|PASSWORD)\s*=\s*(\{(?:[^}]|\}\})*\}|[^;]*)", re.I)


class IntegrityViolation(FatalError):
    """A unique index refused a row (usually: the keyed effect already exists)."""


def redact_dsn(dsn: str) -> str:
    """A connection string safe to show: the password replaced."""
    return _SECRET_IN_DSN.sub(lambda m: f"{m.group(1)}=***", dsn)


def dsn_attributes(dsn: str) -> dict[str, str]:
    """Parse `KEY=value;KEY={va;lue}` into upper-case keys."""
    attrs: dict[str, str] = {}
    for match in re.finditer(r"\s*([^=;]+?)\s*=\s*(\{(?:[^}]|\}\})*\}|[^;]*)\s*(;|$)", dsn):
        value = match.group(2)
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1].replace("}}", "}")
        attrs[match.group(1).upper()] = value
    return attrs


def detect_dialect(dsn: str, setting: str = "GOLDHEAT_GOLDMINE__DIALECT") -> Dialect:
    """The dialect from the connection string's DRIVER (or DSN name), else a configuration error
    naming `setting`, the one that would tell it (GoldMine's or HEAT classic's)."""
    attrs = dsn_attributes(dsn)
    probe = attrs.get("DRIVER", "") or attrs.get("DSN", "")
    for pattern, dialect in _DRIVER_DIALECTS:
        if pattern.search(probe):
            return dialect
    raise ConfigurationError(
        "cannot tell the database dialect from the connection string's DRIVER; "
        f"set {setting} to mssql, postgresql, mariadb or sqlite",
        setting=setting,
    )


def sqlstate_of(exc: BaseException) -> str | None:
    args = getattr(exc, "args", ())
    if args and isinstance(args[0], str) and re.fullmatch(r"[0-9A-Z]{5}", args[0]):
        return args[0]
    return None


def classify_odbc_error(exc: BaseException, *, system: str, operation: str,
                        key: str | None = None) -> GoldheatError:
    """Map a pyodbc error to the error tree by SQLSTATE. The message never carries the DSN."""
    state = sqlstate_of(exc)
    detail = _driver_message(exc)
    kwargs = {"system": system, "operation": operation, "key": key, "code": state}
    if (state in TRANSIENT_SQLSTATES or (state is None and "timeout" in detail.lower())
            or _LOST_CONNECTION.search(detail)):
        return RetriableError(f"{system} database unavailable or busy: {detail}", **kwargs)
    if state in AUTH_SQLSTATES:
        return AuthenticationError(f"{system} database refused the login: check the user and password "
                                   "in the connection string", **kwargs)
    if state in INTEGRITY_SQLSTATES or _UNIQUE_VIOLATION.search(detail):
        return IntegrityViolation(f"{system}: a unique index refused the row: {detail}", **kwargs)
    if state in RECORD_SQLSTATES:
        return RecordError(f"{system}: the database refused a value: {detail}", **kwargs)
    if state in {"IM002", "IM003"}:
        return ConfigurationError(f"{system}: ODBC driver or DSN not found: {detail}", **kwargs)
    return FatalError(f"{system} database error: {detail}", **kwargs)


def _driver_message(exc: BaseException) -> str:
    args = getattr(exc, "args", ())
    text = str(args[1]) if len(args) > 1 else str(exc)
    text = redact_dsn(text)
    # Drop the "[unixODBC][Driver]" prefixes and SQLExecDirectW noise, keep one line.
    text = re.sub(r"\[[^\]]*\]", "", text).split("(SQL")[0].strip()
    return text[:300]


def odbc_factory(dsn: str, *, timeout: int = 30, autocommit: bool = False) -> ConnectionFactory:
    """A connection factory over pyodbc; connection failures become goldheat errors."""
    import pyodbc

    def connect() -> DBConnection:
        try:
            conn = pyodbc.connect(dsn, timeout=timeout, autocommit=autocommit)
        except pyodbc.Error as exc:
            raise classify_odbc_error(exc, system="odbc", operation="connect") from None
        return conn

    return connect
