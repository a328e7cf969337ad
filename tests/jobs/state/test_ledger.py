"""The order ledger on SQLite and on the real PostgreSQL server: claims, leases, retry, status."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from jobs.state import ledger
from tests.jobs.state.stores import KINDS, state_store

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
STEPS = ("customer", "login", "ticket", "letter", "history")


@pytest.fixture(params=KINDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path):
    with state_store(request.param, tmp_path) as engine:
        yield engine


def test_steps_are_created_once_in_order(engine) -> None:
    ledger.ensure_steps(engine, "OP1", STEPS, now=T0)
    ledger.ensure_steps(engine, "OP1", STEPS, now=T0)
    rows = ledger.steps_of(engine, "OP1")
    assert [r.step for r in rows] == list(STEPS)
    assert {r.state for r in rows} == {"pending"}


def test_order_and_step_are_unique(engine) -> None:
    ledger.ensure_steps(engine, "OP1", STEPS, now=T0)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(ledger.order_steps).values(order_key="OP1", step="login", position=1, state="pending",
                                                       attempts=0, created_at=T0, updated_at=T0))


def test_a_claimed_step_cannot_be_claimed_again_until_its_lease_expires(engine) -> None:
    ledger.ensure_steps(engine, "OP1", STEPS, now=T0)
    first = ledger.claim(engine, "OP1", "customer", now=T0, lease_seconds=60)
    assert isinstance(first, ledger.Claim)
    second = ledger.claim(engine, "OP1", "customer", now=T0 + dt.timedelta(seconds=30), lease_seconds=60)
    assert isinstance(second, ledger.StepRow) and second.held
    taken_over = ledger.claim(engine, "OP1", "customer", now=T0 + dt.timedelta(seconds=61), lease_seconds=60)
    assert isinstance(taken_over, ledger.Claim)
    assert taken_over.row.attempts == 2
    with pytest.raises(ledger.LeaseLost):
        ledger.complete(engine, first, now=T0 + dt.timedelta(seconds=62), effect="late")
    ledger.complete(engine, taken_over, now=T0 + dt.timedelta(seconds=62), effect="RECID1", detail={"a": 1})
    row = ledger.steps_of(engine, "OP1")[0]
    assert (row.state, row.effect, row.detail) == ("done", "RECID1", {"a": 1})
    done = ledger.claim(engine, "OP1", "customer", now=T0 + dt.timedelta(hours=1))
    assert isinstance(done, ledger.StepRow) and done.state == "done"


def test_concurrent_claims_give_the_step_to_exactly_one(engine) -> None:
    ledger.ensure_steps(engine, "OP1", STEPS, now=T0)
    won: list[object] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        result = ledger.claim(engine, "OP1", "login", now=T0)
        if isinstance(result, ledger.Claim):
            won.append(result)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1


def test_failures_are_redacted_listed_in_status_and_reset_by_retry(engine) -> None:
    from config.logs import register_secret

    register_secret("Sup3r-Secret-Pw!")
    ledger.ensure_steps(engine, "OP1", STEPS, now=T0)
    ledger.record_order(engine, "OP1", po_number="PO-77", accountno="A1", company="Acme", sf=True, now=T0)
    c = ledger.claim(engine, "OP1", "ticket", now=T0)
    ledger.fail(engine, c, RuntimeError("HEAT said no to Sup3r-Secret-Pw!"), now=T0)
    title, rows = ledger.status_rows(engine)
    assert rows[0]["order"] == "OP1" and rows[0]["po"] == "PO-77" and rows[0]["step"] == "ticket"
    assert "Sup3r-Secret-Pw!" not in rows[0]["error"]
    assert ledger.reset(engine, "OP1", now=T0) == 1
    assert ledger.steps_of(engine, "OP1")[2].state == "pending"
    assert ledger.status_rows(engine)[1] == []


def test_orders_are_found_by_opid_or_po_number(engine) -> None:
    ledger.record_order(engine, "OP1", po_number="PO-77", accountno="A1", company="Acme", sf=True, now=T0)
    ledger.record_order(engine, "OP1", po_number="PO-78", accountno="A1", company="Acme", sf=True, now=T0)
    assert ledger.order_key_for(engine, "OP1") == "OP1"
    assert ledger.order_key_for(engine, "PO-78") == "OP1"
    assert ledger.order_key_for(engine, "PO-77") is None


def test_finished_and_unfinished_orders(engine) -> None:
    ledger.ensure_steps(engine, "OP1", ("customer",), now=T0)
    ledger.ensure_steps(engine, "OP2", ("customer",), now=T0)
    ledger.complete(engine, ledger.claim(engine, "OP1", "customer", now=T0), now=T0, effect="x")
    held = ledger.claim(engine, "OP2", "customer", now=T0, lease_seconds=60)
    assert ledger.finished_orders(engine, ["OP1", "OP2", "OP3"]) == {"OP1"}
    assert ledger.unfinished_orders(engine, now=T0) == []
    assert ledger.unfinished_orders(engine, now=T0 + dt.timedelta(seconds=61)) == ["OP2"]
    assert isinstance(held, ledger.Claim)


def test_cursor_round_trip(engine) -> None:
    assert ledger.load_cursor(engine, "orders") is None
    ledger.save_cursor(engine, "orders", {"lastdate": "2026-11-02", "seen": ["a"]}, now=T0)
    ledger.save_cursor(engine, "orders", {"lastdate": "2026-11-03", "seen": []}, now=T0)
    assert ledger.load_cursor(engine, "orders") == {"lastdate": "2026-11-03", "seen": []}


def test_sealed_value_is_kept_with_the_claim_and_wiped(engine) -> None:
    ledger.ensure_steps(engine, "OP1", STEPS, now=T0)
    c = ledger.claim(engine, "OP1", "login", now=T0)
    ledger.record_progress(engine, c, now=T0, detail={"login": "jsmith"}, sealed="gAAAA-token")
    assert ledger.sealed_of(engine, "OP1", "login") == "gAAAA-token"
    ledger.complete(engine, c, now=T0, effect="jsmith")
    again = ledger.steps_of(engine, "OP1")[1]
    assert again.has_sealed and again.detail == {"login": "jsmith"}
    ledger.wipe_sealed(engine, "OP1", now=T0)
    assert ledger.sealed_of(engine, "OP1", "login") is None
