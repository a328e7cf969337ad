"""GoldMine change feed on PostgreSQL: one batch costs the same at 10,000 and 1,000,000 history rows.

`changes_since("history", ...)` reads one range of the LASTDATE index (CNHLSDT) from the cursor's
overlap onwards, so its cost follows the rows after the cursor, not the table. The benchmark
reads the same batch (1,000 recent rows after a steady-state cursor) from a CONTHIST of 10,000
rows and again after the table has grown to 1,000,000 older rows, and prints the ratio of the
median times (~1x expected). It also counts the statements one batch takes (minimum 1).
The filler rows are generated server-side (`generate_series`), a bench-only shortcut.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

import pyodbc

from config.settings import Dialect, GoldMineSettings
from connectors.goldmine.connector import GoldMineConnector
from connectors.goldmine.records import ChangeCursor
from connectors.goldmine.schema import create_schema
from tests.conftest import create_database, drop_database

RECENT_DAY = dt.date(2026, 6, 15)
RECENT = 1_000
SMALL, LARGE = 10_000, 1_000_000
BATCH = 1_000
RUNS = 15

_FILLER = """
INSERT INTO CONTHIST (USERID, ACCOUNTNO, SRECTYPE, RECTYPE, ONDATE, ONTIME, ACTVCODE, RESULTCODE,
  STATUS, DURATION, UNITS, REF, NOTES, LINKRECID, LOPRECID, CREATEBY, CREATEON, CREATEAT, LASTUSER,
  LASTDATE, LASTTIME, RECID, EXT, COMPLETEDID)
SELECT 'SMITH', 'B5' || lpad((g % 5000)::text, 18, '0'), 'C', 'C  ', d, t, 'STC', 'OK', ' 0', '', '',
  'Status check call (oc: Kate Bush)', '', '', '', 'SMITH', d, t, 'SMITH', d, t,
  'GM' || lpad(to_hex(g), 13, '0'), '', ''
FROM (SELECT g,
             date_trunc('day', timestamp '2015-01-01' + g * (interval '1 day' * 4180 / ?::int)) AS d,
             lpad(((g * 7) % 24)::text, 2, '0') || ':' || lpad(((g * 13) % 60)::text, 2, '0') AS t
      FROM generate_series(?::int, ?::int) AS g) AS rows
"""


def _fill(conn: Any, start: int, count: int) -> None:
    """Older rows spread over 2015-01-01 .. 2026-06-12 (4,180 days), before the cursor's overlap by their position."""
    conn.execute(_FILLER, [LARGE, start, start + count - 1])
    conn.commit()


def _recent(conn: Any) -> None:
    rows = []
    for i in range(RECENT):
        t = f"{8 + i // 60 % 10:02d}:{i % 60:02d}"
        rows.append(("SMITH", "B5012647614&:;:!HKat", "C", "C  ", dt.datetime(2026, 6, 15), t, "STC", "OK",
                     " 0", "", "", "Recent call (oc: Kate Bush)", "", "", "", "SMITH", dt.datetime(2026, 6, 15),
                     t, "SMITH", dt.datetime(2026, 6, 15), t, f"RCNT{i:011d}", "", ""))
    cursor = conn.cursor()
    cursor.fast_executemany = True
    cursor.executemany(
        "INSERT INTO CONTHIST (USERID, ACCOUNTNO, SRECTYPE, RECTYPE, ONDATE, ONTIME, ACTVCODE, RESULTCODE, "
        "STATUS, DURATION, UNITS, REF, NOTES, LINKRECID, LOPRECID, CREATEBY, CREATEON, CREATEAT, LASTUSER, "
        "LASTDATE, LASTTIME, RECID, EXT, COMPLETEDID) VALUES (" + ", ".join("?" * 24) + ")", rows)
    conn.commit()


def _database(rows: int) -> tuple[str, str]:
    name, dsn = create_database("postgresql", "ghbench")
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.POSTGRESQL)
    _recent(conn)
    _fill(conn, 1, rows - RECENT)
    conn.execute("ANALYZE CONTHIST")
    conn.commit()
    conn.close()
    return name, dsn


def _one_batch(connector: GoldMineConnector) -> tuple[float, int, int]:
    cursor = ChangeCursor(lastdate=RECENT_DAY, lasttime="00:00")
    before = connector.round_trips
    start = time.perf_counter()
    batch = connector.changes_since("history", cursor, limit=BATCH)
    return time.perf_counter() - start, connector.round_trips - before, len(batch.rows)


def run(report: Any) -> None:
    databases: list[tuple[str, str]] = []
    try:
        for rows in (SMALL, LARGE):
            databases.append(_database(rows))
        connectors = [GoldMineConnector(GoldMineSettings(), lambda dsn=dsn: pyodbc.connect(dsn), Dialect.POSTGRESQL)
                      for _, dsn in databases]
        for connector in connectors:
            _one_batch(connector)  # connect and warm the cache before timing
        times: list[list[float]] = [[], []]
        for _ in range(RUNS):  # alternate, so both sizes see the same machine noise
            for i, connector in enumerate(connectors):
                seconds, trips, returned = _one_batch(connector)
                times[i].append(seconds)
        for connector in connectors:
            connector.close()
        small, large = (statistics.median(t) * 1000 for t in times)
        report.ratio(f"changes batch of {returned} rows: {LARGE:,} vs {SMALL:,} CONTHIST rows", large, small, "ms")
        report.count("changes batch: statements per batch", trips, minimum=1)
    finally:
        for name, _ in databases:
            drop_database("postgresql", name)
