"""The `orders` job: the look-back window on the first run, the change cursor afterwards."""

from __future__ import annotations

import datetime as dt

import pytest

from jobs.orders.job import CURSOR, run
from jobs.state import ledger
from tests.jobs.orders.test_exactly_once import Crash, crash_at
from tests.jobs.orders.world import TODAY, World


def customer(world: World, n: int) -> str:
    acc = f"ACC-{n:03d}"
    world.account(acc, company=f"Company {n}", contact=f"Person Number{n}", email=f"p{n}@c{n}.example")
    return acc


@pytest.fixture
def orders(world: World) -> World:
    world.user()
    world.order("OPRECENT000001", customer(world, 1), contact="Person Number1", po="PO-1", order_type="STD")
    world.order("OPOLD000000002", customer(world, 2), contact="Person Number2", po="PO-2",
                closed=TODAY - dt.timedelta(days=120), order_type="STD")
    world.order("OPPROPOSAL0003", customer(world, 3), contact="Person Number3", po="", stage="Proposal Sent",
                order_type="STD")
    return world


def test_the_first_run_onboards_the_look_back_window_then_only_changes(orders: World) -> None:
    world = orders
    with world.context() as ctx:
        first = run(ctx)
    assert first.counts.get("onboarded") == 1 and not first.failures
    assert ledger.steps_of(world.state, "OPOLD000000002") == []  # outside the 90-day window
    assert ledger.load_cursor(world.state, CURSOR) is not None
    with world.context() as ctx:
        second = run(ctx)
    assert "onboarded" not in second.counts
    world.execute("UPDATE OPMGR SET STAGE = ?, U_STAGE = ?, CLOSEDDATE = ? WHERE OPID = ?",
                  ["Order Received", "ORDER RECEIVED", TODAY, "OPPROPOSAL0003"])
    world.order("OPNEW000000004", customer(world, 4), contact="Person Number4", po="PO-4", order_type="STD")
    with world.context() as ctx:
        third = run(ctx)
    assert third.counts.get("onboarded") == 2, third.to_dict()
    assert {k for k in ("OPPROPOSAL0003", "OPNEW000000004")
            if all(r.state in ledger.FINISHED for r in ledger.steps_of(world.state, k))} == {
        "OPPROPOSAL0003", "OPNEW000000004"}


def test_a_dry_run_plans_and_keeps_no_cursor(orders: World) -> None:
    with orders.context(dry_run=True) as ctx:
        summary = run(ctx)
    assert summary.planned and any(p["action"] == "create HEAT customer (or adopt the person with this e-mail)"
                                   for p in summary.planned)
    assert ledger.load_cursor(orders.state, CURSOR) is None
    assert ledger.steps_of(orders.state, "OPRECENT000001") == []
    assert orders.simulator.records("incidents") == []


def test_the_poll_resumes_an_order_a_crashed_run_left(orders: World) -> None:
    world = orders
    with world.context() as ctx:
        run(ctx)
    world.order("OPNEW000000004", customer(world, 4), contact="Person Number4", po="PO-4", order_type="STD")
    with world.context() as ctx, pytest.raises(Crash):
        from jobs.orders.job import sync_order

        sync_order(ctx, "OPNEW000000004", after=crash_at("letter", "file"))
    world.clock.advance(minutes=10)
    with world.context() as ctx:
        summary = run(ctx)
    assert summary.counts.get("onboarded") == 1
    assert world.counts("OPNEW000000004", "ACC-004")["letters"] == 1


def test_an_order_with_bad_data_waits_for_retry_instead_of_failing_on_every_poll(orders: World) -> None:
    world = orders
    world.account("ACC-BAD", company="Faulty Ltd", contact="Pat Doe")  # no e-mail detail
    world.order("OPBAD000000005", "ACC-BAD", contact="Pat Doe", po="PO-5", order_type="STD")
    with world.context() as ctx:
        first = run(ctx)
    assert [f["key"] for f in first.failures] == ["OPBAD000000005"]
    with world.context() as ctx:
        second = run(ctx)
    assert second.failures == [] and "step customer" not in second.counts
    (row,) = [r for r in ledger.steps_of(world.state, "OPBAD000000005") if r.step == "customer"]
    assert (row.state, row.attempts) == (ledger.FAILED, 1)


def test_an_outage_leaves_the_step_pending_and_the_next_poll_completes_it(orders: World) -> None:
    world = orders
    world.simulator.inject("status", status=503, count=50, match="/employees")
    with world.context() as ctx:
        first = run(ctx)
    assert first.failures and first.counts.get("onboarded") is None
    (row,) = [r for r in ledger.steps_of(world.state, "OPRECENT000001") if r.step == "customer"]
    assert row.state == ledger.PENDING and row.last_error
    world.simulator.clear_faults()
    world.clock.advance(minutes=1)
    with world.context() as ctx:
        second = run(ctx)
    assert second.counts.get("onboarded") == 1 and second.failures == []
