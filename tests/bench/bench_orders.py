"""Order onboarding at volume: about 1,000 orders from H1's sample on PostgreSQL, HEAT simulated.

The measured path is the `orders` job's: one GoldMine connection, one HEAT session and one read
of every order in the look-back window, then the five steps per order. The baseline is the naive
way: a new GoldMine connection and a new HEAT session per order, each order looked up by OPID.
They run in alternating blocks (every NAIVE_EVERY-th block naive, at most BASELINE_ORDERS orders),
so both meet the same growth of data in HEAT and GoldMine on a shared, noisy machine. A final
poll of the job checks that nothing is onboarded twice.

Counts are deterministic (seeded sample, fixed code): HEAT calls and GoldMine round trips for one
fresh SF order and one fresh non-SF order, beside the minimum the APIs allow for an exactly-once
step (one keyed lookup before each create, plus the writes):
- HEAT, SF: organisation GET+POST, customer GET+POST, login name lookup + PATCH, ticket GET+POST,
  note GET+POST = 10 (ISM's backend adds one call to link the self-service role); non-SF:
  organisation and customer = 4.
- GoldMine, SF: order, account, people, SM reads (4) + two details and four history rows (6) = 10;
  non-SF: 4 reads + one detail and two history rows = 7.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import pyodbc
from sqlalchemy import create_engine, text

from config.process import load_process
from config.settings import Dialect, Settings
from connectors.goldmine.connector import GoldMineConnector
from connectors.goldmine.sample import SMS, build_sample
from connectors.goldmine.sample_load import load_sample
from connectors.goldmine.schema import create_schema
from connectors.heat.ism.backend import IsmBackend
from connectors.heat.simulator import Simulator
from jobs.context import JobContext
from jobs.orders.job import run as run_orders
from jobs.orders.job import sync_order
from jobs.state.db import create_all, make_engine
from tests.conftest import create_database, drop_database

ACCOUNTS = 2900  # about 1,040 orders at Order Received, some deliberately bad (no or invalid e-mail)
BASELINE_ORDERS = 250  # naive orders at most; every NAIVE_EVERY-th block of BLOCK orders
BLOCK = 25
NAIVE_EVERY = 4
API_KEY = "bench-orders-" + uuid.uuid4().hex[:8]
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


class Counted:
    """A context whose connectors' counters can be read after the run."""

    def __init__(self, settings: Settings, dsn: str, state: Any) -> None:
        self.connectors: list[GoldMineConnector] = []
        self.backends: list[IsmBackend] = []

        def goldmine() -> GoldMineConnector:
            conn = GoldMineConnector(settings.goldmine, lambda: pyodbc.connect(dsn), Dialect.POSTGRESQL,
                                     retry=settings.retry)
            self.connectors.append(conn)
            return conn

        def heat() -> IsmBackend:
            backend = IsmBackend.from_settings(settings)
            self.backends.append(backend)
            return backend

        self.ctx = JobContext(settings=settings, process=load_process(), goldmine_factory=goldmine,
                              heat_factory=heat, state_engine=state)

    def trips(self) -> tuple[int, int]:
        return (sum(b.http_calls for b in self.backends), sum(c.round_trips for c in self.connectors))


def _settings(simulator: Simulator, tmp: Path) -> Settings:
    from tests.jobs.orders.world import png

    signatures = {user: str(png(tmp / f"{user}.png")) for user, _ in SMS}
    return Settings(heat={"base_url": simulator.base_url, "api_key": API_KEY},
                    letters={"output_dir": str(tmp / "letters"), "signatures": signatures},
                    retry={"attempts": 2, "initial_wait_seconds": 0, "max_wait_seconds": 0},
                    log={"level": "WARNING"}, var_dir=str(tmp / "var"))


def _quiet_logs(settings: Settings) -> None:
    import io

    from config.logs import configure_logging

    configure_logging(settings, stream=io.StringIO())


def _one(settings: Settings, dsn: str, state: Any, opid: str) -> tuple[int, int, bool]:
    counted = Counted(settings, dsn, state)
    with counted.ctx as ctx:
        result = sync_order(ctx, opid)
        heat, gm = counted.trips()
    return heat, gm, result.complete


def run(report) -> None:
    name, dsn = create_database("postgresql", "ghbenchord")
    state_db = "ghbenchstate_" + uuid.uuid4().hex[:8]
    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {state_db}"))
    state = make_engine(f"postgresql://postgres@127.0.0.1:5432/{state_db}")
    try:
        create_all(state)
        conn = pyodbc.connect(dsn)
        create_schema(conn, Dialect.POSTGRESQL)
        load_sample(conn, Dialect.POSTGRESQL, build_sample(ACCOUNTS, history=0, today=dt.date.today()))
        conn.close()
        with tempfile.TemporaryDirectory() as folder, Simulator(api_keys=[API_KEY]) as simulator:
            settings = _settings(simulator, Path(folder))
            _quiet_logs(settings)
            _measure(report, settings, dsn, state)
    finally:
        state.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {state_db} WITH (FORCE)"))
        admin.dispose()
        drop_database("postgresql", name)


def _measure(report, settings: Settings, dsn: str, state: Any) -> None:
    lister = Counted(settings, dsn, state)
    with lister.ctx as ctx:
        since = ctx.today() - dt.timedelta(days=ctx.process.orders.lookback_days)
        orders = ctx.goldmine.find_opportunities(stage=ctx.process.stages.order, closed_since=since)
    sf = [o for o in orders if o.fields.get("Order Type") == "SF"]
    std = [o for o in orders if o.fields.get("Order Type") != "SF"]
    # Deterministic per-order counts, each on a fresh order with fresh connectors.
    sf_heat = sf_gm = std_heat = std_gm = None
    measured: set[str] = set()
    for candidates, kind in ((sf, "SF"), (std, "non-SF")):
        for order in candidates[-20:]:
            measured.add(order.opid)
            heat, gm, ok = _one(settings, dsn, state, order.opid)
            if ok:
                if kind == "SF":
                    sf_heat, sf_gm = heat, gm
                else:
                    std_heat, std_gm = heat, gm
                break
    report.count("HEAT calls for one SF order", sf_heat or 0, minimum=10)
    report.count("GoldMine round trips for one SF order", sf_gm or 0, minimum=10)
    report.count("HEAT calls for one non-SF order", std_heat or 0, minimum=4)
    report.count("GoldMine round trips for one non-SF order", std_gm or 0, minimum=7)

    # A/B in alternating blocks, so both sides meet the same growth of HEAT and GoldMine data:
    # the job's way (one context for every order, orders read once) and the naive way.
    remaining = [o for o in orders if o.opid not in measured]
    shared = Counted(settings, dsn, state)
    job_seconds = naive_seconds = 0.0
    job_orders: list[Any] = []
    naive_orders: list[Any] = []
    results = []
    with shared.ctx as ctx:
        for i in range(0, len(remaining), BLOCK):
            block = remaining[i:i + BLOCK]
            start = time.perf_counter()
            if (i // BLOCK) % NAIVE_EVERY == NAIVE_EVERY - 1 and len(naive_orders) < BASELINE_ORDERS:
                for order in block:
                    _one(settings, dsn, state, order.opid)  # a new connection and HEAT session per order
                naive_seconds += time.perf_counter() - start
                naive_orders += block
            else:
                results += [sync_order(ctx, order) for order in block]
                job_seconds += time.perf_counter() - start
                job_orders += block
        heat, gm = shared.trips()
    done = sum(1 for r in results if r.complete)
    report.ratio(f"orders/s, one context for all ({len(job_orders)} orders, {done} onboarded, "
                 f"{len(job_orders) - done} refused as bad input) vs a new connection and HEAT session per "
                 f"order ({len(naive_orders)} orders), in alternating blocks of {BLOCK}",
                 len(job_orders) / job_seconds, len(naive_orders) / naive_seconds, "orders/s")
    report.count("HEAT calls per order, all orders of the run (with refusals and adopted logins)",
                 heat / max(len(job_orders), 1), note=f"{len(sf)} SF and {len(std)} non-SF orders in the window")
    report.count("GoldMine round trips per order, all orders of the run", gm / max(len(job_orders), 1))
    with shared.ctx as ctx:
        again = run_orders(ctx)
    report.count("orders the next poll onboards again", again.counts.get("onboarded", 0), minimum=0)
