"""Test jobs whose effect is a keyed row in a real database, so duplicates and gaps can be counted.

`keyed` writes keys 0..GHTEST_KEYS-1, one per GHTEST_DELAY seconds, each in its own transaction:
the effect row (unique key, the writing process's pid) or nothing when the key is already done.
That is the jobs' own exactly-once pattern (a unique key recorded with the effect); the service
must not lose keys when a worker dies, nor run the work twice in parallel when it can avoid it.
Every run is logged in `svc_runs` (pid, start, end) to see overlaps and redeliveries.
"""

from __future__ import annotations

import os
import time

from sqlalchemy import create_engine, text

from jobs.context import JobContext
from jobs.summary import RunSummary

DDL = (
    "CREATE TABLE IF NOT EXISTS svc_effects (key integer PRIMARY KEY, pid integer NOT NULL)",
    "CREATE TABLE IF NOT EXISTS svc_runs (id serial PRIMARY KEY, pid integer NOT NULL, "
    "started double precision NOT NULL, finished double precision)",
)


def create_tables(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in DDL:
            conn.execute(text(statement))
    engine.dispose()


def keyed(ctx: JobContext) -> RunSummary:
    summary = RunSummary("keyed")
    engine = create_engine(os.environ["GHTEST_EFFECTS_URL"], poolclass=None)
    pid = os.getpid()
    with engine.begin() as conn:
        run_id = conn.execute(text("INSERT INTO svc_runs (pid, started) VALUES (:p, :t) RETURNING id"),
                              {"p": pid, "t": time.time()}).scalar()
    for key in range(int(os.environ.get("GHTEST_KEYS", "5"))):
        with engine.begin() as conn:
            done = conn.execute(text("INSERT INTO svc_effects (key, pid) VALUES (:k, :p) "
                                     "ON CONFLICT (key) DO NOTHING"), {"k": key, "p": pid}).rowcount
        if done:
            summary.count("effects")
            time.sleep(float(os.environ.get("GHTEST_DELAY", "0")))
    with engine.begin() as conn:
        conn.execute(text("UPDATE svc_runs SET finished = :t WHERE id = :i"), {"t": time.time(), "i": run_id})
    engine.dispose()
    return summary


def quick(ctx: JobContext) -> RunSummary:
    summary = RunSummary("quick")
    summary.count("effects")
    return summary
