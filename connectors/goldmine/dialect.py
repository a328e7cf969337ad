"""Every difference between SQL Server, PostgreSQL, MariaDB and SQLite that GoldMine's SQL meets.

The rest of the connector writes one statement and asks this module for the pieces that differ:
row limits (`TOP n` / `LIMIT n`), right-trim and concatenation, row locks (`WITH (UPDLOCK,
ROWLOCK)` table hint / `FOR UPDATE`), how dates are bound and read back, which drivers take
`fast_executemany`, and how string keys are bound on SQL Server.

Facts behind the choices, measured on this machine's drivers where they run:
* PostgreSQL folds the unquoted upper-case names to lower case, so result column names are
  upper-cased on read (`column_names`).
* SQLite (GoldMine `datetime` -> TEXT) stores whatever text the driver makes of a bound value:
  `2026-01-02 00:00:00.000` for a datetime but `2026-01-02` for a date, and compares them as text.
  So every date is bound as a datetime at midnight, on every dialect, and the sample loader and
  test fixtures do the same: one text form, which orders and compares correctly.
* `fast_executemany` works with msodbcsql and psqlODBC; MariaDB Connector/ODBC fails the batch and
  the SQLite3 driver crashes the process, so both get plain `executemany`.
* SQL Server compares varchar ignoring trailing spaces and seeks indexes only when a parameter is
  bound as varchar; pyodbc binds `str` as nvarchar, so on SQL Server every string parameter is
  declared `SQL_VARCHAR` with `setinputsizes` (values are already fitted to the code page).
* MariaDB reports changed rows, not matched rows, as an UPDATE's rowcount: never use rowcount to
  test existence (the connector selects first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from config.settings import Dialect

SQL_VARCHAR = 12  # ODBC's SQL_VARCHAR (pyodbc.SQL_VARCHAR), kept here so this module needs no driver
_VARCHAR_MAX = 8000  # longer values are bound as varchar(max) (size 0)


@dataclass(frozen=True, slots=True)
class SqlDialect:
    """The SQL pieces that differ for one dialect. Pure: builds strings and parameters only."""

    dialect: Dialect

    @property
    def name(self) -> str:
        return self.dialect.value

    # --- statements -------------------------------------------------------------------------------
    def limit(self, select: str, rows: int) -> str:
        """`select` (a full SELECT statement) returning at most `rows` rows."""
        rows = int(rows)
        if rows < 1:
            raise ValueError("a row limit must be at least 1")
        if not select.upper().startswith("SELECT "):
            raise ValueError("limit() takes a SELECT statement")
        if self.dialect is Dialect.MSSQL:
            return f"SELECT TOP {rows} {select[len('SELECT '):]}"
        return f"{select} LIMIT {rows}"

    @property
    def write_lock(self) -> str | None:
        """A statement that takes the database's write lock at the start of a write transaction.

        SQLite's default transactions read under a shared lock and upgrade on the first write;
        two writers that both read first then wait on each other until the busy timeout. A
        do-nothing UPDATE first makes the second writer queue behind the first instead.
        Server databases lock rows, so they need nothing.
        """
        return "UPDATE CONTACT1 SET RECID = RECID WHERE 1 = 0" if self.dialect is Dialect.SQLITE else None

    def locked(self, table: str) -> str:
        """The table reference for a SELECT that locks the rows it reads until commit."""
        if self.dialect is Dialect.MSSQL:
            return f"{table} WITH (UPDLOCK, ROWLOCK)"
        return table

    @property
    def lock_suffix(self) -> str:
        """What ends a locking SELECT (SQLite locks the database on the first write instead)."""
        if self.dialect in (Dialect.POSTGRESQL, Dialect.MARIADB):
            return " FOR UPDATE"
        return ""

    def locking_select(self, select: str, table: str) -> str:
        """`select` (written `... FROM <table> ...`) with the dialect's row lock applied."""
        marker = f" FROM {table} "
        if marker not in select + " ":
            raise ValueError(f"locking_select needs ' FROM {table} ' in the statement")
        return (select + " ").replace(marker, f" FROM {self.locked(table)} ", 1).rstrip() + self.lock_suffix

    # --- expressions ------------------------------------------------------------------------------
    def rtrim(self, expr: str) -> str:
        return f"RTRIM({expr})"

    def blank(self, expr: str) -> str:
        """`expr` right-trimmed with NULL as '': GoldMine's NULL, '' and ' ' are all blank."""
        return f"COALESCE(RTRIM({expr}), '')"

    def concat(self, *exprs: str) -> str:
        if len(exprs) < 2:
            raise ValueError("concat takes at least two expressions")
        if self.dialect is Dialect.MSSQL:
            return "(" + " + ".join(exprs) + ")"
        if self.dialect is Dialect.MARIADB:
            return "CONCAT(" + ", ".join(exprs) + ")"
        return "(" + " || ".join(exprs) + ")"

    def substr(self, expr: str, start: int, length: int) -> str:
        if self.dialect is Dialect.SQLITE:
            return f"SUBSTR({expr}, {int(start)}, {int(length)})"
        return f"SUBSTRING({expr}, {int(start)}, {int(length)})"

    @staticmethod
    def placeholders(count: int) -> str:
        """`(?, ?, ...)` for an IN list of `count` values."""
        if count < 1:
            raise ValueError("an IN list needs at least one value")
        return "(" + ", ".join("?" * count) + ")"

    @property
    def max_in_list(self) -> int:
        """Values per IN list: SQL Server allows 2,100 parameters per statement, keep well under."""
        return 500

    # --- values -----------------------------------------------------------------------------------
    def date_param(self, value: dt.date | dt.datetime | None) -> Any:
        """A GoldMine date (a datetime at midnight) as this dialect binds it."""
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        return dt.datetime(value.year, value.month, value.day)

    @staticmethod
    def read_date(value: Any) -> dt.date | None:
        """A date column's value, whatever the driver returned (datetime, date or SQLite text)."""
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not text:
            return None
        return dt.date.fromisoformat(text[:10])

    @staticmethod
    def column_names(description: Sequence[Sequence[Any]]) -> list[str]:
        """Result column names in GoldMine's upper case (PostgreSQL returns them folded)."""
        return [str(col[0]).upper() for col in description]

    # --- driver behaviour -------------------------------------------------------------------------
    @property
    def fast_executemany(self) -> bool:
        return self.dialect in (Dialect.MSSQL, Dialect.POSTGRESQL)

    def input_sizes(self, params: Sequence[Any]) -> list[tuple[int, int, int] | None] | None:
        """What to pass to `cursor.setinputsizes` before executing with `params` (None: nothing).

        On SQL Server every str parameter becomes SQL_VARCHAR of its length (varchar(max) when
        longer than 8,000), so varchar indexes seek and no nvarchar conversion happens.
        """
        if self.dialect is not Dialect.MSSQL or not any(isinstance(p, str) for p in params):
            return None
        sizes: list[tuple[int, int, int] | None] = []
        for param in params:
            if isinstance(param, str):
                size = len(param) if 0 < len(param) <= _VARCHAR_MAX else (1 if not param else 0)
                sizes.append((SQL_VARCHAR, size, 0))
            else:
                sizes.append(None)
        return sizes

    # --- catalogue --------------------------------------------------------------------------------
    def columns_query(self, tables: Sequence[str]) -> tuple[str, list[Any]]:
        """(sql, params) listing TABLE_NAME, COLUMN_NAME, COLUMN_LENGTH of the tables that exist.

        COLUMN_LENGTH is the declared character length (SQLite: the declared type's text)."""
        names = [t.upper() for t in tables]
        marks = self.placeholders(len(names))
        if self.dialect is Dialect.SQLITE:
            parts = " UNION ALL ".join(
                "SELECT ? AS TABLE_NAME, name AS COLUMN_NAME, type AS COLUMN_LENGTH FROM pragma_table_info(?)"
                for _ in names
            )
            return parts, [v for name in names for v in (name, name)]
        select = ("SELECT UPPER(TABLE_NAME) AS TABLE_NAME, UPPER(COLUMN_NAME) AS COLUMN_NAME, "
                  "CHARACTER_MAXIMUM_LENGTH AS COLUMN_LENGTH FROM INFORMATION_SCHEMA.COLUMNS WHERE ")
        if self.dialect is Dialect.POSTGRESQL:
            return select + f"table_schema = current_schema() AND UPPER(TABLE_NAME) IN {marks}", names
        if self.dialect is Dialect.MARIADB:
            return select + f"TABLE_SCHEMA = DATABASE() AND UPPER(TABLE_NAME) IN {marks}", names
        return select + f"UPPER(TABLE_NAME) IN {marks}", names


def sql_dialect(dialect: Dialect | str) -> SqlDialect:
    return SqlDialect(Dialect(dialect))
