"""Loading the sample's history (CONTHIST) through pyodbc: the chosen bulk method against plain
row-at-a-time `executemany`, on each real database server, at two sizes.

Figures: rows/second of generating and loading history at SMALL and LARGE rows (the baseline is
`executemany` at SMALL, in the same run), and insert round trips per 1,000 rows for both.
"""

from __future__ import annotations

import datetime as dt
import time

import pyodbc

from config.settings import Dialect
from connectors.goldmine.sample import build_sample
from connectors.goldmine.sample_load import (
    DEFAULT_METHOD, LoadMethod, LoadStats, indexes_deferred, insert_rows,
)
from connectors.goldmine.schema import create_schema
from tests.conftest import DIALECTS, create_database, drop_database, sqlite_dsn

SMALL = 20_000
LARGE = 200_000
BASELINE_ROWS = 5_000  # row-at-a-time is slow; its rate is flat in the size, so a smaller run will do
TODAY = dt.date(2026, 11, 29)


def _history_load(conn, dialect: Dialect, rows: int, method: LoadMethod) -> tuple[float, LoadStats]:
    cursor = conn.cursor()
    cursor.execute("DELETE FROM CONTHIST")
    conn.commit()
    sample = build_sample(max(1, rows // 20), history=rows, seed=1, today=TODAY)
    stats = LoadStats()
    start = time.perf_counter()
    with indexes_deferred(conn, dialect, "CONTHIST", method is not LoadMethod.EXECUTEMANY, stats):
        insert_rows(conn, dialect, "CONTHIST", sample.rows("CONTHIST"), method=method, stats=stats)
    return rows / (time.perf_counter() - start), stats


def _bench_dialect(report, name: str, dsn: str) -> None:
    dialect = Dialect(name)
    conn = pyodbc.connect(dsn)
    try:
        create_schema(conn, dialect, tables=["CONTHIST"])
        method = DEFAULT_METHOD[dialect]
        baseline, base_stats = _history_load(conn, dialect, BASELINE_ROWS, LoadMethod.EXECUTEMANY)
        for size in (SMALL, LARGE):
            rate, stats = _history_load(conn, dialect, size, method)
            report.ratio(f"{name}: history rows/s at {size:,} ({method.value}) vs executemany",
                         rate, baseline, "rows/s")
        report.count(f"{name}: round trips per 1,000 rows ({method.value})",
                     stats.round_trips * 1000 / LARGE, minimum=1)
        report.count(f"{name}: round trips per 1,000 rows (executemany baseline)",
                     base_stats.round_trips * 1000 / BASELINE_ROWS, minimum=1)
    finally:
        conn.close()


def run(report) -> None:
    import tempfile
    from pathlib import Path

    for name in DIALECTS:
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                _bench_dialect(report, name, sqlite_dsn(Path(folder) / "bench.sqlite"))
            continue
        database, dsn = create_database(name, "ghbench")
        try:
            _bench_dialect(report, name, dsn)
        finally:
            drop_database(name, database)
