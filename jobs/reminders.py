"""`goldheat run reminders`: after-shipment reminders, kept as rows and swept, never broker timers.

Each run (the service sweeps every `service.reminders_sweep_seconds`) does three things:
1. sync: every order at `Order Received` with a ship date gets its rows (e-mail, SHP call, EQC
   call, outcome) with due dates; a changed ship date re-dates those not yet done, and moves
   goldheat's call-backs still pending in GoldMine; W. Sales accounts get `skipped` rows, and a
   reminder first seen more than `late_grace_days` past its due date is `skipped`, not sent late;
2. cancel: orders now `Cancelled` lose their open rows and goldheat's pending call-backs;
3. sweep: rows that are due are claimed one by one (a conditional UPDATE, so two sweeps never
   both act) and performed by `jobs/reminder_steps.py`.
"""

from __future__ import annotations

import datetime as dt

from config.errors import AuthenticationError, FatalError, RecordError, RetriableError
from connectors.goldmine.records import Account, Opportunity
from jobs.apply import Applier, order_name
from jobs.calendar import BusinessCalendar
from jobs.context import JobContext
from jobs.reminder_steps import LEASE, Steps
from jobs.rules import reminders as rules
from jobs.rules.actions import Move, Remove
from jobs.state import reminders as rows
from jobs.summary import RunSummary

JOB = "reminders"


def run(ctx: JobContext) -> RunSummary:
    summary = RunSummary(JOB, dry_run=ctx.dry_run)
    calendar = BusinessCalendar.from_site(ctx.settings.site)
    applier = Applier(ctx, summary, JOB)
    sync(ctx, applier, calendar, summary)
    cancel(ctx, applier, summary)
    sweep(ctx, Steps(ctx, applier, calendar, summary), summary)
    return summary


def label(order: Opportunity, ctx: JobContext) -> str:
    return order_name(order.fields.get(ctx.process.order_fields.po_number, "") or order.name, order.opid)


def sync(ctx: JobContext, applier: Applier, calendar: BusinessCalendar, summary: RunSummary) -> None:
    gm, process = ctx.goldmine, ctx.process
    orders = gm.find_opportunities(stage=process.stages.order)
    existing = rows.for_orders(ctx.state, [o.opid for o in orders])
    accounts: dict[str, Account | None] = {}
    for order in orders:
        name = label(order, ctx)
        try:
            ship = rules.ship_date(order, process)
            if ship is None:
                continue
            have = existing.get(order.opid, {})
            wanted = rules.due_dates(ship, calendar, process)
            changes = rules.reconcile(wanted, {k: (r.due, r.state) for k, r in have.items()})
            if changes and not have:
                if order.accountno not in accounts:
                    accounts[order.accountno] = gm.get_account(order.accountno)
                if accounts[order.accountno] is None:
                    raise RecordError(f"no GoldMine account {order.accountno!r}", system="goldmine",
                                      key=order.opid, field="ACCOUNTNO")
            for change in changes:
                _apply_change(ctx, order, ship, change, accounts.get(order.accountno), name, summary)
            if any(r.ship_date != ship for r in have.values()):
                _follow_ship_date(ctx, applier, order, ship, wanted, have, name, summary)
        except AuthenticationError:
            raise
        except (RecordError, FatalError) as exc:
            summary.fail(name, exc)


def _apply_change(ctx: JobContext, order: Opportunity, ship: dt.date, change: rules.Change,
                  account: Account | None, name: str, summary: RunSummary) -> None:
    today, now = ctx.today(), ctx.clock()
    if change.previous is not None:
        if ctx.dry_run:
            summary.plan("re-date reminder", record=name, kind=change.kind, was=change.previous.isoformat(),
                         date=change.due.isoformat())
        elif rows.redate(ctx.state, order.opid, change.kind, ship, change.due, now):
            summary.count("reminders re-dated")
        return
    state, error = rows.PENDING, ""
    if account is not None and rules.skipped(account, ctx.process):
        state, error = rows.SKIPPED, f"account served by {account.key3}"
    elif change.due < today - dt.timedelta(days=ctx.process.reminders.late_grace_days):
        state, error = rows.SKIPPED, f"was due {change.due}, before goldheat saw the order"
    if ctx.dry_run:
        summary.plan("add reminder", record=name, kind=change.kind, date=change.due.isoformat(), state=state,
                     why=error or f"shipped {ship}")
    elif rows.add(ctx.state, order.opid, change.kind, order.accountno, ship, change.due, now, state=state,
                  error=error):
        summary.count("reminders added" if state == rows.PENDING else "reminders skipped")


def _follow_ship_date(ctx: JobContext, applier: Applier, order: Opportunity, ship: dt.date,
                      wanted: dict[str, dt.date], have: dict[str, rows.Reminder], name: str,
                      summary: RunSummary) -> None:
    """Call-backs already in GoldMine follow a changed ship date while they are still pending."""
    goldheat = ctx.process.users.goldheat.upper()
    for kind in (rules.SHIPPED_CALL, rules.EQUIPMENT_CHECK):
        row = have.get(kind)
        if row is None or row.state != rows.DONE or row.ship_date == ship:
            continue
        activity = ctx.goldmine.get_activity(row.effect) if row.effect else None
        if activity is not None and activity.createby.upper() == goldheat and activity.ondate != wanted[kind]:
            applier.apply(Move(activity.recid, wanted[kind], activity.userid,
                               f"ship date now {ship}"), name)
        if not ctx.dry_run:
            rows.redate(ctx.state, order.opid, kind, ship, wanted[kind], ctx.clock(), states=(rows.DONE,))


def cancel(ctx: JobContext, applier: Applier, summary: RunSummary) -> None:
    gm, process = ctx.goldmine, ctx.process
    open_orders = rows.open_orders(ctx.state)
    if not open_orders:
        return
    codes = [process.reminders.shipped_callback_code.upper(), process.reminders.equipment_check_code.upper()]
    goldheat = process.users.goldheat.upper()
    for order in gm.find_opportunities(stage=process.stages.cancelled, opids=open_orders):
        name = label(order, ctx)
        try:
            for activity in gm.pending_activities(loprecid=order.opid, actvcodes=codes):
                if activity.createby.upper() == goldheat:
                    applier.apply(Remove(activity.recid, "order cancelled"), name)
            if ctx.dry_run:
                summary.plan("cancel reminders", record=name)
            else:
                summary.count("reminders cancelled", rows.cancel(ctx.state, order.opid, ctx.clock()))
        except AuthenticationError:
            raise
        except (RecordError, FatalError) as exc:
            summary.fail(name, exc)


def sweep(ctx: JobContext, steps: Steps, summary: RunSummary) -> None:
    due = rows.due(ctx.state, ctx.today(), ctx.clock(), LEASE)
    if not due:
        return
    orders = {o.opid: o for o in ctx.goldmine.find_opportunities(opids=sorted({r.order_id for r in due}))}
    cancelled = ctx.process.stages.cancelled.casefold()
    for row in due:
        order = orders.get(row.order_id)
        if order is None or order.stage.casefold() == cancelled:
            if not ctx.dry_run:
                rows.finish(ctx.state, row.order_id, row.kind, rows.CANCELLED, ctx.clock(),
                            error="the order is gone or cancelled")
            continue
        name = f"{label(order, ctx)} {row.kind}"
        try:
            steps.perform(row, order, name)
        except (AuthenticationError, RetriableError, RecordError, FatalError) as exc:
            if not ctx.dry_run:
                rows.release(ctx.state, row.order_id, row.kind, ctx.clock(), str(exc))
            if isinstance(exc, AuthenticationError):
                raise
            summary.fail(name, exc)
