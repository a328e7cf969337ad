"""What one run of a job did: counts, the records that failed (by name and field), the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from config.errors import GoldheatError


@dataclass
class RunSummary:
    job: str
    dry_run: bool = False
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished: dt.datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    planned: list[dict[str, Any]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def fail(self, record: str, error: BaseException) -> None:
        """Record a bad record; the run goes on with the others."""
        entry: dict[str, Any] = {"record": record}
        if isinstance(error, GoldheatError):
            entry.update(error.to_dict())
        else:
            entry.update({"error": type(error).__name__, "message": str(error)})
        self.failures.append(entry)
        self.count("failed")

    def plan(self, action: str, **details: Any) -> None:
        """In a dry run: what would be done, field by field."""
        self.planned.append({"action": action, **details})
        self.count("planned")

    def finish(self) -> RunSummary:
        self.finished = dt.datetime.now(dt.UTC)
        return self

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def seconds(self) -> float:
        end = self.finished or dt.datetime.now(dt.UTC)
        return round((end - self.started).total_seconds(), 3)

    def line(self) -> str:
        """The one summary line per run."""
        counts = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())) or "nothing to do"
        mode = " (dry run)" if self.dry_run else ""
        return f"{self.job}{mode}: {counts} in {self.seconds}s"

    def to_dict(self) -> dict[str, Any]:
        return {
            "job": self.job, "dry_run": self.dry_run, "started": self.started.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None, "seconds": self.seconds,
            "counts": dict(self.counts), "failures": list(self.failures), "planned": list(self.planned),
        }
