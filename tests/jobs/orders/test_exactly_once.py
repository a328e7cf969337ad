"""Exactly once: a crash after each effect (before the ledger records it), then a re-run, leaves one
of everything; two runs of the same order at once do too."""

from __future__ import annotations

import threading

import pytest

from jobs.orders.job import sync_order
from tests.jobs.orders.test_sync_order import ACC, OPID, sf_order
from tests.jobs.orders.world import World, issued_password, pdf_text

ONE_OF_EACH = {"customers": 1, "logins": 1, "tickets": 1, "notes": 1, "letters": 1, "heat_detail": 1,
               "login_detail": 1, "history": 4}
CRASH_POINTS = [
    ("customer", "organisation"), ("customer", "customer"), ("customer", "goldmine detail"),
    ("login", "login"), ("login", "goldmine detail"),
    ("ticket", "ticket"), ("ticket", "note"),
    ("letter", "file"),
    ("history", "customer"), ("history", "login"), ("history", "ticket"), ("history", "welcome"),
]


class Crash(BaseException):
    """The process dies: nothing catches it, the ledger keeps the claim until its lease runs out."""


def crash_at(step: str, effect: str):
    def hook(s: str, e: str) -> None:
        if (s, e) == (step, effect):
            raise Crash(f"{s}/{e}")

    return hook


@pytest.mark.parametrize(("step", "effect"), CRASH_POINTS, ids=[f"{s}-{e}" for s, e in CRASH_POINTS])
def test_a_crash_after_an_effect_is_adopted_on_the_rerun(world: World, step: str, effect: str) -> None:
    sf_order(world)
    with world.context() as ctx, pytest.raises(Crash):
        sync_order(ctx, OPID, after=crash_at(step, effect))
    with world.context() as ctx:
        held = sync_order(ctx, OPID, wait_seconds=0)
    assert held.busy, "a live lease keeps a second run off the step"
    world.clock.advance(minutes=10)  # the crashed run's lease expires
    with world.context() as ctx:
        result = sync_order(ctx, OPID)
    assert result.ok and result.complete, result
    assert world.counts(OPID, ACC) == ONE_OF_EACH
    password = issued_password(world, ACC)
    assert world.simulator.password_matches("jane.smith", password), "the note hands over the password HEAT has"
    assert password in pdf_text(next((world.tmp / "letters").glob("*.pdf")))


def test_two_runs_of_one_order_at_once_make_one_of_everything(world: World) -> None:
    sf_order(world)
    results = []
    barrier = threading.Barrier(2)

    def run() -> None:
        with world.context() as ctx:
            barrier.wait()
            results.append(sync_order(ctx, OPID, wait_seconds=30))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and all(r.ok and r.complete for r in results)
    assert world.counts(OPID, ACC) == ONE_OF_EACH
    performed = [step for r in results for step in r.performed]
    assert sorted(performed) == sorted(["customer", "login", "ticket", "letter", "history"])
    issued_password(world, ACC)


def test_the_password_is_sealed_in_the_ledger_only_until_handed_over(world: World) -> None:
    from jobs.state import ledger

    sf_order(world)
    with world.context() as ctx, pytest.raises(Crash):
        sync_order(ctx, OPID, after=crash_at("ticket", "ticket"))
    sealed = ledger.sealed_of(world.state, OPID, "login")
    assert sealed and sealed.startswith("gAAAA")  # a Fernet token, never the password
    world.clock.advance(minutes=10)
    with world.context() as ctx:
        sync_order(ctx, OPID)
    assert ledger.sealed_of(world.state, OPID, "login") is None

