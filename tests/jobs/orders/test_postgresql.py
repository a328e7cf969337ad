"""The same guarantees with GoldMine and the state store on the real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest

from jobs.orders.job import sync_order
from tests.jobs.orders.test_exactly_once import ONE_OF_EACH, Crash, crash_at
from tests.jobs.orders.test_sync_order import ACC, OPID, sf_order
from tests.jobs.orders.world import World, issued_password


@pytest.mark.parametrize(("step", "effect"), [("customer", "goldmine detail"), ("login", "login"),
                                              ("ticket", "note"), ("history", "ticket")])
def test_crash_and_rerun_on_postgresql(pg_world: World, step: str, effect: str) -> None:
    sf_order(pg_world)
    with pg_world.context() as ctx, pytest.raises(Crash):
        sync_order(ctx, OPID, after=crash_at(step, effect))
    pg_world.clock.advance(minutes=10)
    with pg_world.context() as ctx:
        assert sync_order(ctx, OPID).complete
    assert pg_world.counts(OPID, ACC) == ONE_OF_EACH
    assert pg_world.simulator.password_matches("jane.smith", issued_password(pg_world, ACC))


def test_concurrent_runs_on_postgresql(pg_world: World) -> None:
    sf_order(pg_world)
    results = []
    barrier = threading.Barrier(3)

    def go() -> None:
        with pg_world.context() as ctx:
            barrier.wait()
            results.append(sync_order(ctx, "PO-1001", wait_seconds=30))

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.complete for r in results)
    assert pg_world.counts(OPID, ACC) == ONE_OF_EACH
    with pg_world.context() as ctx:
        assert sync_order(ctx, OPID).performed == []


def test_two_orders_of_one_person_at_once_issue_one_login_and_one_password(pg_world: World) -> None:
    """On PostgreSQL: two orders write GoldMine at once, which a SQLite file serialises badly."""
    world = pg_world
    sf_order(world)
    world.order("OPSECOND000002", ACC, contact="Jane Smith", po="PO-1002", company="Acme Instruments Ltd")
    results = []
    barrier = threading.Barrier(2)

    def run(opid: str) -> None:
        with world.context() as ctx:
            barrier.wait()
            results.append(sync_order(ctx, opid, wait_seconds=30))

    threads = [threading.Thread(target=run, args=(o,)) for o in (OPID, "OPSECOND000002")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok and r.complete for r in results), results
    password = issued_password(world, ACC)  # exactly one note carries a password
    assert world.simulator.password_matches("jane.smith", password)
    assert world.counts(OPID, ACC)["logins"] == 1
