"""The web console adds nothing to an order's sync: HEAT calls and time, through the page vs direct.

One fresh SF order is synced by `sync_order` directly (the baseline) and another, its twin, by a
POST to the console's "Sync now" (test client, real GoldMine on SQLite through ODBC, the ISM
simulator, a SQLite ledger). Counts are the simulator's own request log, so they are exact:
- HEAT requests of a sync through the console, beside the direct sync's (the minimum);
- HEAT writes (POST/PATCH) of the preview page: 0, it is a dry run;
- HEAT writes of a double click (two POSTs at once) on a third twin, beside one click's.
The time ratio (console sync vs direct) is the page's overhead: sign-in excluded, page render included.
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from pathlib import Path

import pyodbc

from config.settings import Dialect, WebSettings
from connectors.goldmine.schema import create_schema
from connectors.heat.simulator import Simulator
from jobs.orders.job import sync_order
from jobs.state.db import create_all, make_engine
from jobs.web.app import create_app
from jobs.web.live import LiveOrderService
from tests.jobs.orders.world import World
from tests.jobs.web.conftest import csrf, sign_in, staff_users

API_KEY = "bench-web-" + uuid.uuid4().hex[:8]
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def _order(world: World, n: int) -> str:
    accountno, opid = f"BW{n:05d}ACCOUNT", f"BWOPID{n:05d}"
    world.account(accountno, company=f"Bench Co {n}", contact="Jane Smith", email=f"jane{n}@bench.example")
    world.order(opid, accountno, contact="Jane Smith", po=f"PO-B{n}", company=f"Bench Co {n}")
    return opid


def run(report) -> None:  # noqa: ANN001 - the runner's Report
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        dsn = f"DRIVER={{SQLite3}};DATABASE={tmp / 'goldmine.sqlite'}"
        conn = pyodbc.connect(dsn)
        create_schema(conn, Dialect.SQLITE)
        conn.close()
        engine = make_engine(f"sqlite:///{tmp / 'state.sqlite'}")
        create_all(engine)
        simulator = Simulator(api_keys=[API_KEY], users={}, teams=("Customer Support",))
        simulator.start()
        try:
            world = World("sqlite", dsn, simulator, API_KEY, engine, tmp)
            world.user()
            direct, paged, clicked = _order(world, 1), _order(world, 2), _order(world, 3)
            settings = world.settings().model_copy(update={"web": WebSettings(users=staff_users())})
            service = LiveOrderService(settings, state_engine=engine, make_context=lambda dry: world.context(
                dry_run=dry))
            app = create_app(settings, service)
            client = app.test_client()
            sign_in(client, "sam")

            simulator.requests.clear()
            with world.context() as ctx:
                _, direct_seconds = report.timed(lambda: sync_order(ctx, direct))
            direct_calls = len(simulator.requests)

            simulator.requests.clear()
            client.get("/order", query_string={"ref": paged})
            preview_writes = sum(r.method in WRITES for r in simulator.requests)
            token = csrf(client, "/")
            simulator.requests.clear()
            _, paged_seconds = report.timed(lambda: client.post("/order/sync", data={"ref": paged,
                                                                                     "csrf_token": token}))
            paged_calls = len(simulator.requests)
            single_writes = sum(r.method in WRITES for r in simulator.requests)

            second = app.test_client()
            sign_in(second, "sam")
            tokens = [csrf(c, "/") for c in (client, second)]
            simulator.requests.clear()
            threads = [threading.Thread(target=c.post, args=("/order/sync",),
                                        kwargs={"data": {"ref": clicked, "csrf_token": t}})
                       for c, t in zip((client, second), tokens)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            double_writes = sum(r.method in WRITES for r in simulator.requests)
        finally:
            simulator.stop()
            engine.dispose()
    report.count("HEAT requests, one SF order synced from the console", paged_calls, minimum=direct_calls)
    report.count("HEAT writes of the preview page", preview_writes, minimum=0)
    report.count("HEAT writes of a double click on Sync now", double_writes, minimum=single_writes)
    report.ratio("seconds per SF order: console POST vs sync_order", paged_seconds, direct_seconds, "s")
