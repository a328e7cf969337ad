"""`goldheat sandbox init --goldmine DSN`: GoldMine's tables (and a sample) at any ODBC DSN.

GoldMine cannot run here, so tests, the demo and evaluation need a faithful stand-in: the schema
from `schema.py` and, when asked, the deterministic sample from `sample.py`. A sample goes only
into empty tables (its RECIDs would collide with an earlier sample's), so a second run without
`--drop` is refused rather than half-loaded.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from config.errors import ConfigurationError, GoldheatError
from config.logs import register_secret
from config.settings import Dialect, Settings
from connectors.goldmine.sample import TABLE_ORDER, build_sample
from connectors.goldmine.sample_load import load_sample
from connectors.goldmine.schema import TABLES, create_schema, existing_tables
from connectors.odbc import classify_odbc_error, detect_dialect, odbc_factory, redact_dsn

SYSTEM = "goldmine"
# What `sandbox show` prints a few rows of, and which columns (the rest are in the database).
SHOW_COLUMNS = {
    "CONTACT1": ("ACCOUNTNO", "COMPANY", "CONTACT", "KEY1", "KEY2", "KEY3", "KEY4", "KEY5", "RECID"),
    "CONTSUPP": ("ACCOUNTNO", "RECTYPE", "CONTACT", "CONTSUPREF", "ADDRESS1", "ZIP", "LINKACCT"),
    "OPMGR": ("OPID", "RECTYPE", "ACCOUNTNO", "USERID", "NAME", "STAGE", "FORAMT", "CLOSEDDATE"),
    "OPMGRFLD": ("LOPID", "FNAME", "FVALUE"),
    "CAL": ("USERID", "ACCOUNTNO", "RECTYPE", "ACTVCODE", "ONDATE", "ONTIME", "REF"),
    "CONTHIST": ("USERID", "ACCOUNTNO", "RECTYPE", "ACTVCODE", "RESULTCODE", "ONDATE", "REF"),
    "USERS": ("USERNAME", "NAME", "USERGROUP"),
}


def resolve_dialect(dsn: str, settings: Settings) -> Dialect:
    """The DSN's dialect from its driver; the configured one when the driver does not say."""
    try:
        return detect_dialect(dsn)
    except ConfigurationError:
        if settings.goldmine.dialect is not None:
            return settings.goldmine.dialect
        raise


def _connect(dsn: str, settings: Settings) -> Any:
    register_secret(dsn)
    return odbc_factory(dsn, timeout=settings.goldmine.timeout_seconds)()


def init_goldmine(dsn: str, settings: Settings, *, sample: int = 0, history: int | None = None,
                  seed: int = 42, drop: bool = False, progress: bool = False,
                  today: dt.date | None = None) -> str:
    """Create the GoldMine tables at `dsn` (and load a sample of `sample` accounts); a summary."""
    import pyodbc

    dialect = resolve_dialect(dsn, settings)
    started = time.perf_counter()
    conn = _connect(dsn, settings)
    try:
        created = create_schema(conn, dialect, drop=drop)
        lines = [f"GoldMine schema ({dialect.value}) at {redact_dsn(dsn)}: "
                 f"{len(created)} tables created, {len(TABLES) - len(created)} already there"]
        if sample:
            filled = [t for t, n in table_counts(conn, TABLE_ORDER).items() if n]
            if filled:
                raise ConfigurationError(
                    f"the GoldMine tables already hold rows ({', '.join(filled)}); "
                    "add --drop to rebuild them with a fresh sample", setting="--drop")
            built = build_sample(sample, history=history, seed=seed, today=today)
            stats = load_sample(conn, dialect, built, progress=progress)
            rows = ", ".join(f"{t} {n:,}" for t, n in stats.rows.items())
            lines.append(f"sample (seed {seed}, today {built.today}): {rows} "
                         f"in {time.perf_counter() - started:.1f} s")
        return "\n".join(lines)
    except pyodbc.Error as exc:
        raise classify_odbc_error(exc, system=SYSTEM, operation="sandbox init") from None
    finally:
        conn.close()


def table_counts(conn: Any, tables: Any = None) -> dict[str, int]:
    cursor = conn.cursor()
    try:
        return {t: cursor.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables or TABLES}
    finally:
        cursor.close()


@dataclass
class GoldMineOverview:
    dialect: Dialect
    counts: dict[str, int]
    samples: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = field(default_factory=dict)


def describe_goldmine(dsn: str, settings: Settings, *, rows: int = 5) -> GoldMineOverview:
    """Row counts of every GoldMine table at `dsn` and the first rows of the interesting ones."""
    import pyodbc

    dialect = resolve_dialect(dsn, settings)
    conn = _connect(dsn, settings)
    try:
        present = existing_tables(conn, dialect)
        if not present:
            raise GoldheatError("no GoldMine tables there: run `goldheat sandbox init --goldmine DSN`",
                                system=SYSTEM, operation="sandbox show")
        overview = GoldMineOverview(dialect, table_counts(conn, [t for t in TABLES if t in present]))
        cursor = conn.cursor()
        for table, columns in SHOW_COLUMNS.items():
            if table in present:
                cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY RECID")
                overview.samples[table] = (columns, [tuple(r) for r in cursor.fetchmany(rows)])
        cursor.close()
        return overview
    except pyodbc.Error as exc:
        raise classify_odbc_error(exc, system=SYSTEM, operation="sandbox show") from None
    finally:
        conn.close()
