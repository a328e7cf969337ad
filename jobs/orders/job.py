"""The `orders` job: find orders that reached `Order Received` and onboard each (see `sync.py`).

The first run, with no cursor in the state store, onboards the look-back window: orders at
`Order Received` closed in the last `lookback_days` (process.toml) and not yet onboarded, then
starts the change cursor. Later runs read the opportunities changed since the cursor, in batches,
and onboard those now at `Order Received` (still inside the look-back window: an old order is
onboarded only on purpose, with `goldheat sync-order`), plus any order a crashed run left
unfinished. The cursor advances only after its batch is processed, and not in a dry run.

Also here, for the CLI, the service and the web console: `explain(ctx, order)` and
`retry(ctx, order, step=None)`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import structlog

from config.errors import RecordError
from connectors.goldmine.records import ChangeCursor, Opportunity
from jobs.orders.steps import STEPS
from jobs.orders.sync import OrderResult, sync_order
from jobs.state import ledger
from jobs.summary import RunSummary

if TYPE_CHECKING:
    from jobs.context import JobContext

__all__ = ["run", "sync_order", "explain", "retry", "OrderResult", "CURSOR"]
CURSOR = "orders"
MAX_BATCHES = 1000  # a guard: a change feed that never runs dry is a bug, not a workload
log = structlog.get_logger("goldheat.orders")


def _cursor_to_json(cursor: ChangeCursor) -> dict[str, Any]:
    return {"lastdate": cursor.lastdate.isoformat() if cursor.lastdate else None,
            "lasttime": cursor.lasttime, "seen": sorted(cursor.seen)}


def _cursor_from_json(data: dict[str, Any]) -> ChangeCursor:
    lastdate = dt.date.fromisoformat(data["lastdate"]) if data.get("lastdate") else None
    return ChangeCursor(lastdate=lastdate, lasttime=data.get("lasttime", ""), seen=frozenset(data.get("seen", [])))


def _wanted(ctx: JobContext, opportunity: Opportunity, since: dt.date) -> bool:
    at_stage = opportunity.stage.strip().upper() == ctx.process.stages.order.upper()
    return at_stage and (opportunity.closeddate is None or opportunity.closeddate >= since)


def _onboard(ctx: JobContext, summary: RunSummary, orders: list[Opportunity]) -> None:
    finished = ledger.finished_orders(ctx.state, [o.opid for o in orders]) if not ctx.dry_run else set()
    for opportunity in orders:
        if opportunity.opid in finished:
            continue
        result = sync_order(ctx, opportunity)
        _count(summary, result)


def _count(summary: RunSummary, result: OrderResult) -> None:
    if result.planned:
        for item in result.planned:
            summary.plan(item.get("action", "?"), **{k: v for k, v in item.items() if k != "action"})
        return
    if result.busy:
        summary.count("busy")
    elif not result.ok:
        failed = next((s for s in result.steps if s.state == ledger.FAILED), None)
        field = (failed.field or failed.step) if failed else (result.error or {}).get("field")
        summary.fail(f"order {result.order}" + (f" (PO {result.po})" if result.po else ""),
                     RecordError(result.failure or "failed", key=result.order, field=field))
    elif result.complete:
        summary.count("onboarded" if result.performed else "already onboarded")
    for step in result.performed:
        summary.count(f"step {step}")


def run(ctx: JobContext) -> RunSummary:
    """One poll of the orders job (see the module doc); failures are per order, in the summary."""
    summary = RunSummary("orders", dry_run=ctx.dry_run)
    gm, stage = ctx.goldmine, ctx.process.stages.order
    since = ctx.today() - dt.timedelta(days=ctx.process.orders.lookback_days)
    stored = ledger.load_cursor(ctx.state, CURSOR)
    if stored is None:
        # The baseline first: an order entered while the look-back orders are onboarded is then a
        # change for the next poll, not hidden inside the baseline.
        start = gm.changes_since("opportunities", ChangeCursor(), limit=10**9).cursor
        _onboard(ctx, summary, gm.find_opportunities(stage=stage, closed_since=since))
        if not ctx.dry_run:
            ledger.save_cursor(ctx.state, CURSOR, _cursor_to_json(start), now=ctx.clock())
        return summary
    resumed = ledger.unfinished_orders(ctx.state, now=ctx.clock())
    if resumed:
        _onboard(ctx, summary, gm.find_opportunities(opids=resumed))
    cursor = _cursor_from_json(stored)
    batch = ctx.settings.goldmine.batch_size
    for _ in range(MAX_BATCHES):
        changes = gm.changes_since("opportunities", cursor, limit=batch)
        _onboard(ctx, summary, [o for o in changes.rows if isinstance(o, Opportunity) and _wanted(ctx, o, since)])
        cursor = changes.cursor
        if not ctx.dry_run:
            ledger.save_cursor(ctx.state, CURSOR, _cursor_to_json(cursor), now=ctx.clock())
        if len(changes.rows) < batch:
            break
    return summary


def explain(ctx: JobContext, order: str) -> list[dict[str, Any]]:
    """Every step of an order, in order: step, state, at, effect, error (the `--json` shape).

    Read from the ledger alone (an OPID, or a PO number the ledger has seen); an order it has not
    seen is looked up in GoldMine so a PO number still works, and shows every step pending."""
    key = ledger.order_key_for(ctx.state, order)
    if key is None:
        from jobs.orders.facts import find_order

        key = find_order(ctx, order).opid
    rows = {r.step: r for r in ledger.steps_of(ctx.state, key)}
    out = []
    for step in STEPS:
        row = rows.get(step)
        out.append({"step": step, "state": row.state if row else ledger.PENDING,
                    "at": row.updated_at.isoformat() if row and row.updated_at else None,
                    "effect": row.effect if row else None, "error": row.last_error if row else None})
    return out


def retry(ctx: JobContext, order: str, step: str | None = None) -> OrderResult:
    """Re-run an order's failed steps, or one named step whatever its state (it adopts its effect
    when that exists), then carry on with the steps after it."""
    if step is not None and step not in STEPS:
        raise RecordError(f"unknown step {step!r}; steps are: {', '.join(STEPS)}", field="step")
    key = ledger.order_key_for(ctx.state, order) or order
    ledger.reset(ctx.state, key, [step] if step else None, now=ctx.clock(), failed_only=step is None)
    return sync_order(ctx, key)
