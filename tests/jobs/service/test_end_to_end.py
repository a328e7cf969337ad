"""End to end through the service: real worker and beat processes on Redis, an order entered in a
GoldMine replica (SQLite through ODBC), the ISM simulator; then a worker killed in the middle of an
order, and a new one that completes it exactly once."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobs.state.runs import recent_runs
from tests.jobs.orders.conftest import _schema
from tests.jobs.orders.world import World
from tests.jobs.service.conftest import REDIS_URL
from tests.jobs.service.procs import Processes, base_env, wait_for
from tests.jobs.service.test_brokers import _ready
from tests.jobs.state.stores import state_store

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
DONE = {"customers": 1, "logins": 1, "tickets": 1, "letters": 1, "heat_detail": 1, "login_detail": 1}


@pytest.fixture
def world(tmp_path: Path, heat_simulator: Any, database_factory: Any) -> Iterator[World]:
    from tests.fixtures.heat import HEAT_API_KEY

    dsn = database_factory("sqlite", "e2e")
    _schema(dsn, "sqlite")
    with state_store("sqlite", tmp_path) as engine:
        world = World("sqlite", dsn, heat_simulator, HEAT_API_KEY, engine, tmp_path)
        world.user()
        yield world


def service_env(world: World) -> dict[str, str]:
    env = world.cli_env()
    env.update({
        "GOLDHEAT_BROKER__URL": REDIS_URL, "GOLDHEAT_BROKER__QUEUE": "e2e" + os.urandom(5).hex(),
        "GOLDHEAT_SERVICE__ORDERS_POLL_SECONDS": "1", "GOLDHEAT_SERVICE__LOCK_LEASE_SECONDS": "2",
        "GOLDHEAT_LOG__LEVEL": "INFO", "GOLDHEAT_SERVICE__STEP_LEASE_SECONDS": "8",
    })
    return base_env(env)


def enter_order(world: World, n: int) -> tuple[str, str]:
    accountno, opid = f"E2E{n:04d}", f"OP-E2E-{n:04d}"
    world.account(accountno, company=f"Acme {n} Ltd", contact=f"Jane Doe{n}", email=f"jane{n}@acme.example")
    world.order(opid, accountno, contact=f"Jane Doe{n}", po=f"PO-{n}", closed=dt.date.today())
    return opid, accountno


def onboarded(world: World, opid: str, accountno: str) -> dict[str, int] | None:
    counts = world.counts(opid, accountno)
    done = all(counts[k] >= v for k, v in DONE.items()) and counts["history"] > 0
    return counts if done else None


def test_an_order_entered_in_goldmine_reaches_heat_and_survives_a_killed_worker(
        world: World, procs: Processes) -> None:
    env = service_env(world)
    worker = procs.serve(env, "--role", "worker", "--concurrency", "1", name="worker")
    procs.serve(env, "--role", "beat", name="beat")
    _ready(procs, worker)

    started = time.monotonic()
    first, first_account = enter_order(world, 1)
    counts = wait_for(lambda: onboarded(world, first, first_account), 60, "the first order's effects")
    print(f"first order onboarded through the service in {time.monotonic() - started:.1f}s")
    assert {k: counts[k] for k in DONE} == DONE
    history_per_order = counts["history"]
    # The first poll's change cursor is saved when that run ends: wait for it, as an order entered
    # while the first run is still onboarding would be taken into its baseline (reported to H6).
    wait_for(lambda: any(r["job"] == "orders" and r["counts"].get("onboarded") for r in recent_runs(world.state)),
             30, "the first poll to finish")

    # The second order's ticket is created slowly; the worker dies while HEAT is storing it.
    world.simulator.inject("slow", match="POST /api/odata/businessobject/incidents", delay=4)
    second, second_account = enter_order(world, 2)
    wait_for(lambda: any(e.get("LoginID") for e in world.simulator.records("employees")
                         if e.get("CustID") == second_account), 60, "the second order's login")
    time.sleep(1.5)
    procs.kill(worker)
    assert world.counts(second, second_account)["letters"] == 0, "the worker was killed too late"

    replacement = procs.serve(env, "--role", "worker", "--concurrency", "1", name="replacement")
    _ready(procs, replacement)
    counts = wait_for(lambda: onboarded(world, second, second_account), 90, "the new worker to finish the order")
    time.sleep(3)  # a few more polls: nothing more happens
    counts = world.counts(second, second_account)
    assert {k: counts[k] for k in DONE} == DONE
    assert counts["history"] == history_per_order
    assert world.counts(first, first_account) == {**world.counts(first, first_account), **DONE}


def test_a_sales_admins_sync_order_task_onboards_the_order_without_waiting_for_a_poll(
        world: World, procs: Processes) -> None:
    from tests.jobs.service.conftest import client_app

    env = service_env(world)
    worker = procs.serve(env, "--role", "worker", "--concurrency", "1", name="worker")  # no beat: no polls
    _ready(procs, worker)
    opid, accountno = enter_order(world, 3)
    client_app(env).send_task("goldheat.sync_order", args=[opid])
    counts = wait_for(lambda: onboarded(world, opid, accountno), 60, "the order's effects")
    assert {k: counts[k] for k in DONE} == DONE
