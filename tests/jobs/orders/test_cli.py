"""`goldheat sync-order`, `explain` and `retry` as a sales admin runs them (in-process, real pieces)."""

from __future__ import annotations

import json
import logging

import pytest
import structlog
from typer.testing import CliRunner

from jobs.cli import app
from jobs.cli.app import reset_settings
from tests.jobs.orders.test_sync_order import ACC, OPID, sf_order
from tests.jobs.orders.world import World


def goldheat(world: World, *args: str):
    reset_settings()
    try:
        return CliRunner().invoke(app, list(args), env=world.cli_env())
    finally:
        reset_settings()
        restore_logging()


def restore_logging() -> None:
    """The CLI configured logging to its runner's stream, now closed: back to the defaults."""
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


def test_sync_order_dry_run_prints_field_by_field_and_changes_nothing(world: World) -> None:
    sf_order(world)
    result = goldheat(world, "sync-order", "PO-1001", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create HEAT customer" in result.output
    assert "email=jane.smith@acme.example" in result.output and "last_name=Smith" in result.output
    assert "would issue website login" in result.output and "login=jane.smith" in result.output
    assert "would open HEAT ticket" in result.output and "team=Customer Support" in result.output
    assert "would render welcome PDF" in result.output
    assert world.counts(OPID, ACC) == dict.fromkeys(world.counts(OPID, ACC), 0)
    assert not world.simulator.records("employees") or all(
        e.get("CustID") != ACC for e in world.simulator.records("employees"))
    from jobs.state import ledger

    assert ledger.steps_of(world.state, OPID) == []


def test_sync_order_then_explain_json(world: World) -> None:
    sf_order(world)
    result = goldheat(world, "sync-order", OPID, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[result.stdout.index("{"):])
    assert data["ok"] and data["complete"] and data["po"] == "PO-1001"
    explained = goldheat(world, "explain", "PO-1001", "--json")
    assert explained.exit_code == 0
    rows = json.loads(explained.stdout[explained.stdout.index("["):])
    assert [set(r) for r in rows] == [{"step", "state", "at", "effect", "error"}] * 5
    assert [r["state"] for r in rows] == ["done"] * 5
    text = goldheat(world, "explain", OPID)
    lines = [line for line in text.stdout.splitlines() if line.split("  ")[0] in
             ("customer", "login", "ticket", "letter", "history")]
    assert [line.split("  ")[0] for line in lines] == ["customer", "login", "ticket", "letter", "history"]
    assert "jane.smith" in lines[1]


def test_a_failed_order_exits_1_naming_the_order_and_field_and_retry_fixes_it(world: World) -> None:
    world.user()
    world.account(ACC, company="Acme Instruments Ltd", contact="Jane Smith")
    world.order(OPID, ACC, contact="Jane Smith", po="PO-1001")
    result = goldheat(world, "sync-order", "PO-1001")
    assert result.exit_code == 1
    assert OPID in result.stderr and "E-mail Address detail" in result.stderr
    world.email(ACC, "jane.smith@acme.example")
    fixed = goldheat(world, "retry", "PO-1001")
    assert fixed.exit_code == 0, fixed.output


@pytest.mark.parametrize(("args", "code"), [
    (("sync-order", "NO-SUCH-ORDER"), 1),
    (("retry", "PO-1001", "--step", "coffee"), 2),
])
def test_usage_and_unknown_orders(world: World, args: tuple[str, ...], code: int) -> None:
    sf_order(world)
    result = goldheat(world, *args)
    assert result.exit_code == code, result.output
