"""`goldheat serve` as one process on one machine: embedded broker, beat inside the worker, metrics
on their port (summed over the pool's processes), JSON log lines."""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

import pytest

from tests.jobs.service.conftest import QUICK
from tests.jobs.service.procs import Processes, base_env, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _scrape(port: int) -> str:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
    except OSError:
        return ""


def test_serve_alone_polls_orders_serves_metrics_and_logs_json(tmp_path: Path, procs: Processes) -> None:
    port = _free_port()
    env = base_env({"GOLDHEAT_VAR_DIR": str(tmp_path / "var"), "GOLDHEAT_SERVICE__ORDERS_POLL_SECONDS": "1",
                    "GOLDHEAT_SERVICE__METRICS_PORT": str(port)}, {"orders": QUICK, "reminders": QUICK})
    service = procs.serve(env, "--concurrency", "2")

    def two_runs() -> str:
        body = _scrape(port)
        runs = [line for line in body.splitlines() if line.startswith('goldheat_job_runs_total{job="quick"')]
        return body if runs and float(runs[0].rsplit(" ", 1)[1]) >= 2 else ""

    body = wait_for(two_runs, 60, "two runs counted on the metrics endpoint")
    assert 'goldheat_effects_total{effect="effects",job="quick"}' in body
    lag = next(line for line in body.splitlines() if line.startswith("goldheat_order_poll_lag_seconds "))
    assert float(lag.split()[1]) < 30
    assert (tmp_path / "var" / "broker.sqlite").is_file()
    procs.stop_all()
    assert service.wait(timeout=30) == 0
    lines = [line for line in Path(service.log_path).read_text().splitlines() if line.startswith("{")]
    events = [json.loads(line) for line in lines]
    assert any(e.get("job") == "orders" and e["event"].startswith("quick: effects=1") for e in events)
    assert any(e.get("logger") == "celery.beat" for e in events)


def test_serve_role_web_without_console_users_names_the_setting(tmp_path: Path) -> None:
    """`goldheat serve --role web` is the web console; with no users it refuses to start (exit 2)."""
    from typer.testing import CliRunner

    from jobs.cli import app
    from jobs.cli.app import reset_settings

    reset_settings()
    result = CliRunner().invoke(app, ["serve", "--role", "web"], env={"GOLDHEAT_VAR_DIR": str(tmp_path)})
    reset_settings()
    assert result.exit_code == 2
    assert "GOLDHEAT_WEB__USERS" in result.output
