"""An order's way through the service: from entry in GoldMine to its ticket in HEAT.

Real processes: a worker and a beat on the local Redis, a GoldMine replica (SQLite through ODBC),
the ISM simulator on loopback. Orders are entered one at a time and timed until their login
ticket (the order's last HEAT record) appears in HEAT, two ways:
- found by the order poll (beat every POLL seconds here; 30 s in production, where the poll
  interval dominates this figure);
- pushed with the `goldheat.sync_order` task right after entry (no poll wait: the queue's cost).
The baseline is `sync_order` called in this process on orders of the same shape, in the same run.
Figures: median and 95th percentile of each, as ratios to the in-process baseline.
Orders per path: BENCH_SERVICE_ORDERS (default 100).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

POLL = 0.5


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _ticket_of(simulator: Any, accountno: str) -> bool:
    ids = {e["RecId"] for e in simulator.records("employees") if e.get("CustID") == accountno}
    return any(i.get("ProfileLink_RecID") in ids for i in simulator.records("incidents"))


def _until(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("an order did not reach HEAT in time")
        time.sleep(0.01)


def run(report: Any) -> None:
    from connectors.heat.simulator import Simulator
    from tests.conftest import sqlite_dsn
    from tests.fixtures.heat import HEAT_API_KEY, HEAT_TEAM
    from tests.jobs.orders.conftest import _schema
    from tests.jobs.orders.world import World
    from tests.jobs.service.conftest import REDIS_URL, client_app
    from tests.jobs.service.procs import Processes, base_env, wait_for
    from jobs.state.runs import recent_runs
    from tests.jobs.state.stores import state_store

    from config.logs import configure_logging
    from config.settings import load_settings

    configure_logging(load_settings(log={"level": "WARNING"}))
    orders = int(os.environ.get("BENCH_SERVICE_ORDERS", "100"))
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp, \
            Simulator(api_keys=[HEAT_API_KEY], teams=(HEAT_TEAM,)) as simulator:
        root = Path(tmp)
        dsn = sqlite_dsn(root / "goldmine.sqlite")
        _schema(dsn, "sqlite")
        with state_store("sqlite", root) as engine:
            world = World("sqlite", dsn, simulator, HEAT_API_KEY, engine, root)
            world.user()
            counter = iter(range(1, 10 * orders + 1))

            def enter() -> tuple[str, str]:
                n = next(counter)
                accountno, opid = f"B{n:05d}", f"OP-B-{n:05d}"
                world.account(accountno, company=f"Bench {n} Ltd", contact=f"Sam Lee{n}",
                              email=f"sam{n}@bench.example")
                world.order(opid, accountno, contact=f"Sam Lee{n}", po=f"PO-B{n}", closed=dt.date.today())
                return opid, accountno

            # Baseline: sync_order in this process.
            from jobs.orders.sync import sync_order

            inline = []
            with world.context() as ctx:
                for _ in range(orders):
                    opid, _accountno = enter()
                    started = time.perf_counter()
                    sync_order(ctx, opid)
                    inline.append(time.perf_counter() - started)

            env = base_env({**world.cli_env(), "GOLDHEAT_BROKER__URL": REDIS_URL,
                            "GOLDHEAT_BROKER__QUEUE": "bench" + os.urandom(5).hex(),
                            "GOLDHEAT_SERVICE__ORDERS_POLL_SECONDS": str(POLL), "GOLDHEAT_LOG__LEVEL": "INFO"})
            procs = Processes(root)
            try:
                worker = procs.serve(env, "--role", "worker", "--concurrency", "2", name="worker")
                beat = procs.serve(env, "--role", "beat", name="beat")
                wait_for(lambda: "ready" in Path(worker.log_path).read_text(errors="replace"), 60, "the worker")
                # The first poll sets the change cursor; orders entered before it ends are the look-back's.
                wait_for(lambda: any(r["job"] == "orders" for r in recent_runs(engine)), 60, "the first poll")

                polled = []
                for _ in range(orders):
                    _opid, accountno = enter()
                    started = time.perf_counter()
                    _until(lambda: _ticket_of(simulator, accountno))
                    polled.append(time.perf_counter() - started)

                procs.kill(beat)
                app = client_app(env)
                pushed = []
                for _ in range(orders):
                    opid, accountno = enter()
                    started = time.perf_counter()
                    app.send_task("goldheat.sync_order", args=[opid])
                    _until(lambda: _ticket_of(simulator, accountno))
                    pushed.append(time.perf_counter() - started)
            except Exception:
                print(procs.logs())  # the service's own account of what went wrong
                raise
            finally:
                procs.stop_all()

    base_median, base_p95 = statistics.median(inline), _p95(inline)
    note = f"{orders} orders each; poll every {POLL}s here (30 s in production)"
    report.ratio("entry to HEAT ticket via order poll, median", statistics.median(polled), base_median, "s",
                 note=note)
    report.ratio("entry to HEAT ticket via order poll, p95", _p95(polled), base_p95, "s", note=note)
    report.ratio("entry to HEAT ticket via sync_order task, median", statistics.median(pushed), base_median, "s",
                 note="baseline: sync_order in process")
    report.ratio("entry to HEAT ticket via sync_order task, p95", _p95(pushed), base_p95, "s")
    report.count("orders timed per path", orders)
