"""Prometheus metrics of the service: runs, effects, failures, retries, and the order poll's lag.

Tasks run in the worker's child processes, so counters use prometheus-client's multiprocess mode:
`goldheat serve` (`jobs.service.serve`) points PROMETHEUS_MULTIPROC_DIR at `<var_dir>/metrics-<host>`
(emptied at start) before anything imports prometheus_client, the children write there, and the
exporter in the main process sums the files. The lag of the order poll is read from the state store
at scrape time (the last finished `orders` run), so it is true across every worker, also one that
died.

    goldheat_job_runs_total{job,outcome}          ok, failed (records), skipped (busy), error; job sync_order too
    goldheat_effects_total{job,effect}            a run summary's counts, e.g. customers, tickets, letters
    goldheat_record_failures_total{job}           records that failed inside runs
    goldheat_task_failures_total{task,error}      tasks that raised (after their retries)
    goldheat_task_retries_total{task}             Celery retries (outages)
    goldheat_job_duration_seconds{job}            run time histogram
    goldheat_order_poll_lag_seconds               seconds since the last order poll finished
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from jobs.service.serve import MULTIPROC_ENV
from jobs.summary import RunSummary

# Summary counts that record no change anywhere (the orders job's "busy", "already onboarded", ...).
NOT_EFFECTS = frozenset({"failed", "planned", "skipped", "unchanged", "seen", "checked", "busy",
                         "already onboarded"})

RUNS = Counter("goldheat_job_runs", "Job runs by outcome", ["job", "outcome"])
EFFECTS = Counter("goldheat_effects", "Effects done by jobs, by kind", ["job", "effect"])
RECORD_FAILURES = Counter("goldheat_record_failures", "Records that failed inside job runs", ["job"])
TASK_FAILURES = Counter("goldheat_task_failures", "Tasks that raised after their retries", ["task", "error"])
RETRIES = Counter("goldheat_task_retries", "Celery task retries after outages", ["task"])
DURATION = Histogram("goldheat_job_duration_seconds", "Job run time", ["job"],
                     buckets=(0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600))


def observe_run(summary: RunSummary) -> None:
    RUNS.labels(summary.job, "failed" if summary.failures else "ok").inc()
    for effect, n in summary.counts.items():
        if effect not in NOT_EFFECTS and n > 0:
            EFFECTS.labels(summary.job, effect).inc(n)
    if summary.failures:
        RECORD_FAILURES.labels(summary.job).inc(len(summary.failures))
    DURATION.labels(summary.job).observe(summary.seconds)


def observe_skip(job: str) -> None:
    RUNS.labels(job, "skipped").inc()


def observe_error(job: str) -> None:
    RUNS.labels(job, "error").inc()


def _on_retry(sender: Any = None, **_: Any) -> None:
    RETRIES.labels(getattr(sender, "name", "?")).inc()


def _on_failure(sender: Any = None, exception: BaseException | None = None, **_: Any) -> None:
    TASK_FAILURES.labels(getattr(sender, "name", "?"), type(exception).__name__).inc()


def connect_signals() -> None:
    """Count retries and task failures from Celery's signals (idempotent)."""
    from celery.signals import task_failure, task_retry

    task_retry.connect(_on_retry, weak=False, dispatch_uid="goldheat.metrics.retry")
    task_failure.connect(_on_failure, weak=False, dispatch_uid="goldheat.metrics.failure")


class OrderPollLag(Collector):
    """goldheat_order_poll_lag_seconds: now minus the end of the last order poll in the state store."""

    def __init__(self, last_finished: Callable[[], float | None], started: float | None = None) -> None:
        self.last_finished = last_finished
        self.started = started if started is not None else time.time()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            finished = self.last_finished()
        except Exception:  # a state store outage must not break the scrape of everything else
            finished = None
        lag = time.time() - (finished if finished is not None else self.started)
        yield GaugeMetricFamily("goldheat_order_poll_lag_seconds",
                                "Seconds since the last order poll finished (since start when none has)",
                                value=max(lag, 0.0))


def last_orders_run(engine: Any) -> float | None:
    """Epoch seconds at which the last real (not dry) `orders` run finished."""
    from sqlalchemy import select

    from jobs.state.runs import runs

    with engine.connect() as conn:
        finished = conn.execute(
            select(runs.c.finished).where(runs.c.job == "orders", runs.c.dry_run.is_(False),
                                          runs.c.finished.is_not(None))
            .order_by(runs.c.id.desc()).limit(1)).scalar()
    if finished is None:
        return None
    if finished.tzinfo is None:  # SQLite hands back naive UTC
        import datetime as dt

        finished = finished.replace(tzinfo=dt.UTC)
    return finished.timestamp()


def exporter_registry(lag: Collector | None = None) -> CollectorRegistry:
    """The registry to serve: the multiprocess files' sum when in that mode, else this process's."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    if lag is not None:
        registry.register(lag)
    return registry


def serve_metrics(port: int, registry: CollectorRegistry, address: str = "0.0.0.0") -> Any:
    """Serve /metrics on the port in a background thread; returns the server."""
    server, _thread = start_http_server(port, addr=address, registry=registry)
    return server
