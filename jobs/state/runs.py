"""The record of job runs, for `goldheat status` and the service's metrics."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Table, Text, insert, select
from sqlalchemy.engine import Engine

from jobs.state.db import metadata
from jobs.summary import RunSummary

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job", String(40), nullable=False, index=True),
    Column("dry_run", Boolean, nullable=False),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("finished", DateTime(timezone=True)),
    Column("failed", Integer, nullable=False),
    Column("summary", Text, nullable=False),  # JSON of RunSummary.to_dict(), already redacted
)


def record_run(engine: Engine, summary: RunSummary) -> None:
    from config.logs import redact

    with engine.begin() as conn:
        conn.execute(insert(runs).values(
            job=summary.job, dry_run=summary.dry_run, started=summary.started, finished=summary.finished,
            failed=len(summary.failures), summary=json.dumps(redact(summary.to_dict()), default=str)))


def recent_runs(engine: Engine, limit: int = 20) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(runs).order_by(runs.c.id.desc()).limit(limit)).mappings().all()
    result = []
    for row in rows:
        data = json.loads(row["summary"])
        result.append({"job": row["job"], "dry_run": row["dry_run"], "started": data["started"],
                       "seconds": data["seconds"], "counts": data["counts"], "failed": row["failed"]})
    return result


def status_rows(engine: Engine) -> tuple[str, list[dict[str, Any]]]:
    return "recent runs", [
        {"job": r["job"] + (" (dry run)" if r["dry_run"] else ""), "started": r["started"],
         "seconds": r["seconds"], "counts": ", ".join(f"{k}={v}" for k, v in sorted(r["counts"].items()))}
        for r in recent_runs(engine)
    ]
