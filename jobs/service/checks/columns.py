"""Which tables and columns a database has, with their varchar lengths, per dialect.

INFORMATION_SCHEMA on SQL Server, PostgreSQL and MariaDB; PRAGMA table_info on SQLite, whose
declared types carry a length only when the DDL wrote one (`VARCHAR(40)`; plain TEXT has none).
"""

from __future__ import annotations

import re
from typing import Any

from config.settings import Dialect

_INFORMATION_SCHEMA = {
    Dialect.MSSQL: "TABLE_SCHEMA = SCHEMA_NAME()",
    Dialect.POSTGRESQL: "table_schema = current_schema()",
    Dialect.MARIADB: "TABLE_SCHEMA = DATABASE()",
}
_LENGTH = re.compile(r"\(\s*(\d+)")

Columns = dict[str, dict[str, int | None]]  # TABLE -> COLUMN -> varchar length (None: text, number, date)


def columns_of(conn: Any, dialect: Dialect, tables: list[str]) -> Columns:
    """The columns of those of `tables` that exist (names upper-cased)."""
    wanted = {t.upper() for t in tables}
    found: Columns = {}
    cursor = conn.cursor()
    try:
        if dialect is Dialect.SQLITE:
            names = [r[0] for r in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
            for name in names:
                if name.upper() in wanted:
                    rows = cursor.execute(f'PRAGMA table_info("{name}")').fetchall()  # name from the catalog
                    found[name.upper()] = {str(r[1]).upper(): _sqlite_length(str(r[2])) for r in rows}
            return found
        sql = ("SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS "
               f"WHERE {_INFORMATION_SCHEMA[dialect]}")
        for table, column, length in cursor.execute(sql).fetchall():
            if str(table).upper() in wanted:
                found.setdefault(str(table).upper(), {})[str(column).upper()] = (
                    int(length) if length is not None and int(length) > 0 else None)
        return found
    finally:
        cursor.close()


def _sqlite_length(declared: str) -> int | None:
    match = _LENGTH.search(declared)
    return int(match.group(1)) if match and "CHAR" in declared.upper() else None
