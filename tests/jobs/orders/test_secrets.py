"""The issued password appears in exactly two places: the HEAT journal note and the PDF letter.

Scanned for it: every log line (structlog, captured), every exception a crash and a failure
raised, the ledger (every table, every column, raw), `explain` and every `--json` output, the
GoldMine tables, and HEAT's other records."""

from __future__ import annotations

import io
import json
import traceback

import pytest
from sqlalchemy import select

from config.logs import configure_logging
from config.settings import Settings
from jobs.orders.job import explain, run, sync_order
from jobs.state.db import metadata
from tests.jobs.orders.test_cli import goldheat, restore_logging
from tests.jobs.orders.test_exactly_once import Crash, crash_at
from tests.jobs.orders.test_sync_order import ACC, OPID, sf_order
from tests.jobs.orders.world import World, issued_password, pdf_text


def dump_ledger(world: World) -> str:
    out = []
    with world.state.connect() as conn:
        for table in metadata.sorted_tables:
            try:
                rows = conn.execute(select(table)).all()
            except Exception:
                continue
            out += [repr(tuple(r)) for r in rows]
    return "\n".join(out)


def dump_goldmine(world: World) -> str:
    from connectors.goldmine.schema import TABLES

    return "\n".join(repr(world.rows(f"SELECT * FROM {t}")) for t in TABLES)


def test_the_password_is_only_in_the_note_and_the_letter(world: World) -> None:
    stream = io.StringIO()
    configure_logging(Settings(log={"level": "DEBUG", "format": "json"}), stream=stream)
    sf_order(world)
    world.account("ACC-NOMAIL", company="No Mail Ltd", contact="Ann Other")
    world.order("OPNOMAIL000001", "ACC-NOMAIL", contact="Ann Other", po="PO-NOMAIL")
    errors: list[str] = []
    with world.context() as ctx:
        try:
            sync_order(ctx, OPID, after=crash_at("letter", "file"))
        except Crash as exc:
            errors += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    world.clock.advance(minutes=10)
    with world.context() as ctx:
        result = sync_order(ctx, OPID)
        summary = run(ctx)
        explained = explain(ctx, OPID)
    assert result.complete and summary.failures
    errors += [json.dumps(summary.to_dict(), default=str), json.dumps(result.to_dict(), default=str)]
    cli = [goldheat(world, *args) for args in (
        ("explain", OPID), ("explain", OPID, "--json"), ("sync-order", OPID, "--json"), ("status", "--json"),
        ("retry", "PO-NOMAIL", "--json"), ("sync-order", "PO-1001", "--dry-run", "--json"))]
    password = issued_password(world, ACC)

    assert password in pdf_text(next((world.tmp / "letters").glob("*welcome.pdf")))
    places = {
        "logs": stream.getvalue(),
        "exceptions": "\n".join(errors),
        "ledger": dump_ledger(world),
        "explain": json.dumps(explained),
        "cli": "\n".join(r.output + (r.stderr or "") for r in cli),
        "goldmine": dump_goldmine(world),
        "heat employees": repr(world.simulator.records("employees")),
        "heat incidents": repr(world.simulator.records("incidents")),
        "var folder": "\n".join(p.read_bytes().decode("latin-1") for p in (world.tmp / "var").rglob("*")
                                if p.is_file()),
        "state and GoldMine files, raw": "\n".join(p.read_bytes().decode("latin-1") for p in world.tmp.rglob("*")
                                                    if p.is_file() and ".sqlite" in p.name),
    }
    assert "order step done" in places["logs"] and "heat_call" in places["logs"]
    leaked = [name for name, text in places.items() if password in text]
    assert leaked == []


@pytest.fixture(autouse=True)
def _restore_logging():
    yield
    restore_logging()
