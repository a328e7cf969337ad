"""Prometheus metrics: what a run adds, the order poll's lag from the state store, the endpoint."""

from __future__ import annotations

import datetime as dt
import socket
import urllib.request
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry

from jobs.service import metrics
from jobs.state.db import create_all, make_engine
from jobs.state.runs import record_run
from jobs.summary import RunSummary


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_run_counts_its_outcome_effects_and_failed_records() -> None:
    before = (_value("goldheat_job_runs_total", job="mt", outcome="failed"),
              _value("goldheat_effects_total", job="mt", effect="tickets"),
              _value("goldheat_record_failures_total", job="mt"))
    summary = RunSummary("mt")
    summary.count("tickets", 3)
    summary.fail("order O-1", ValueError("bad"))
    metrics.observe_run(summary.finish())
    after = (_value("goldheat_job_runs_total", job="mt", outcome="failed"),
             _value("goldheat_effects_total", job="mt", effect="tickets"),
             _value("goldheat_record_failures_total", job="mt"))
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 3, 1]
    assert _value("goldheat_effects_total", job="mt", effect="failed") == 0


def test_order_poll_lag_is_the_age_of_the_last_orders_run(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'state.sqlite'}")
    create_all(engine)
    summary = RunSummary("orders")
    summary.finished = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=90)
    record_run(engine, summary)
    registry = CollectorRegistry()
    registry.register(metrics.OrderPollLag(lambda: metrics.last_orders_run(engine)))
    lag = registry.get_sample_value("goldheat_order_poll_lag_seconds")
    assert 89 <= lag <= 120


def test_lag_counts_from_start_when_no_poll_has_finished() -> None:
    registry = CollectorRegistry()
    registry.register(metrics.OrderPollLag(lambda: None, started=0.0))
    assert registry.get_sample_value("goldheat_order_poll_lag_seconds") > 1e9


def test_metrics_are_served_over_http() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = metrics.serve_metrics(port, metrics.exporter_registry(), address="127.0.0.1")
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    finally:
        server.shutdown()
    assert "goldheat_job_runs_total" in body
