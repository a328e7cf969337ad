"""Where HEAT classic's tables differ between SQL Server, PostgreSQL, MariaDB and SQLite.

Everything dialect-specific for these tables lives here as data: column types, the DDL wrapper,
the statements that serialise CallID allocation, and per-connection set-up. The rest of the
classic backend writes portable, `?`-parameterised SQL with HEAT's exact (unquoted) names:
PostgreSQL folds them to lower case on both sides, MariaDB on Linux needs the exact case.
(`connectors/goldmine/dialect.py` is GoldMine's and was not written yet when this was; the two can
merge once both settle.)
"""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import Dialect

# One named lock for every goldheat writer of one HEAT database (MariaDB only, see CALLID_LOCKS).
CALLID_LOCK_NAME = "goldheat.heat.callid"


@dataclass(frozen=True, slots=True)
class ClassicDialect:
    """The SQL that differs for one database product."""

    name: Dialect
    text_type: str
    int_type: str
    table_prefix: str  # "dbo." on SQL Server, as HEAT's own scripts write it
    create_table: str  # "CREATE TABLE" or "CREATE TABLE IF NOT EXISTS"
    table_suffix: str  # e.g. MariaDB's engine and character set
    drop_table: str  # a format string with {table}
    session_setup: tuple[str, ...]  # run once per new connection
    lock_before_allocate: str | None  # serialises allocators inside the transaction
    max_call_id: str  # the highest numeric CallID (under the lock, or taking it)
    named_lock: bool  # MariaDB: GET_LOCK before, RELEASE_LOCK after the transaction

    def varchar(self, length: int) -> str:
        return f"varchar({length})"

    def decimal(self, precision: int, scale: int) -> str:
        return f"decimal({precision},{scale})"


MSSQL = ClassicDialect(
    name=Dialect.MSSQL, text_type="text", int_type="int", table_prefix="dbo.",
    create_table="CREATE TABLE", table_suffix="",
    drop_table="IF OBJECT_ID('dbo.{table}', 'U') IS NOT NULL DROP TABLE dbo.{table}",
    session_setup=(),
    lock_before_allocate=None,
    max_call_id="SELECT MAX(CAST(CallID AS int)) FROM dbo.CallLog WITH (UPDLOCK, HOLDLOCK)",
    named_lock=False,
)

POSTGRESQL = ClassicDialect(
    name=Dialect.POSTGRESQL, text_type="text", int_type="integer", table_prefix="",
    create_table="CREATE TABLE IF NOT EXISTS", table_suffix="",
    drop_table="DROP TABLE IF EXISTS {table}",
    session_setup=(),
    # Conflicts with itself and with every INSERT/UPDATE (ROW EXCLUSIVE), not with plain reads.
    lock_before_allocate="LOCK TABLE CallLog IN SHARE ROW EXCLUSIVE MODE",
    max_call_id="SELECT MAX(CAST(CallID AS bigint)) FROM CallLog",
    named_lock=False,
)

MARIADB = ClassicDialect(
    name=Dialect.MARIADB, text_type="longtext", int_type="int", table_prefix="",
    create_table="CREATE TABLE IF NOT EXISTS",
    table_suffix=" ENGINE=InnoDB",
    drop_table="DROP TABLE IF EXISTS {table}",
    # Each statement reads the latest committed rows, so MAX() after the lock sees the last call.
    session_setup=("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",),
    lock_before_allocate=None,
    max_call_id="SELECT MAX(CAST(CallID AS UNSIGNED)) FROM CallLog",
    named_lock=True,
)

SQLITE = ClassicDialect(
    name=Dialect.SQLITE, text_type="text", int_type="integer", table_prefix="",
    create_table="CREATE TABLE IF NOT EXISTS", table_suffix="",
    drop_table="DROP TABLE IF EXISTS {table}",
    session_setup=(),
    # A write statement takes SQLite's one RESERVED lock now, not at the first INSERT, so the
    # busy handler waits for the other writer instead of failing on a lock upgrade.
    lock_before_allocate="UPDATE CallLog SET CallID = CallID WHERE 1 = 0",
    max_call_id="SELECT MAX(CAST(CallID AS INTEGER)) FROM CallLog",
    named_lock=False,
)

DIALECTS: dict[Dialect, ClassicDialect] = {d.name: d for d in (MSSQL, POSTGRESQL, MARIADB, SQLITE)}


def classic_dialect(dialect: Dialect | str) -> ClassicDialect:
    return DIALECTS[Dialect(dialect)]
