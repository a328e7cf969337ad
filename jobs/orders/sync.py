"""Onboard one order: walk its steps through the ledger, each claimed, performed once, recorded.

For each step in order: a finished step (done, skipped) is passed over; otherwise the step is
claimed in the ledger (a lease, so a concurrent run of the same order waits for it rather than
performing it too), performed, and recorded with its effect's id. A step that fails is recorded
with its error and stops the order there, since later steps build on it; other orders go on.
A step held by another run is waited for (`wait_seconds`); if it is still held the result is
`busy` and nothing else is attempted.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import structlog

from config.errors import GoldheatError, RetriableError
from config.logs import redact
from connectors.goldmine.records import Opportunity
from jobs.orders.facts import OrderFacts, find_order, gather, po_of
from jobs.orders.passwords import Sealer
from jobs.orders.steps import SF_ONLY, STEP_FUNCTIONS, STEPS, Hook, OrderWork
from jobs.state import ledger

if TYPE_CHECKING:
    from jobs.context import JobContext

log = structlog.get_logger("goldheat.orders")
POLL_SECONDS = 0.05


@dataclass
class StepOutcome:
    step: str
    state: str  # done, skipped, failed, pending, busy, planned
    effect: str | None = None
    error: str | None = None
    at: str | None = None
    performed: bool = False  # this run did (or adopted) it, rather than finding it finished
    field: str | None = None  # on failure: the field to fix, as people know it


@dataclass
class OrderResult:
    order: str
    po: str = ""
    company: str = ""
    sf: bool | None = None
    steps: list[StepOutcome] = field(default_factory=list)
    planned: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    busy: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not any(s.state == ledger.FAILED for s in self.steps)

    @property
    def complete(self) -> bool:
        return bool(self.steps) and all(s.state in ledger.FINISHED for s in self.steps)

    @property
    def performed(self) -> list[str]:
        return [s.step for s in self.steps if s.performed]

    @property
    def failure(self) -> str | None:
        failed = next((s for s in self.steps if s.state == ledger.FAILED), None)
        return failed.error if failed else (self.error or {}).get("message")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ok=self.ok, complete=self.complete)
        return redact(data)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _outcome(row: ledger.StepRow, *, performed: bool = False) -> StepOutcome:
    return StepOutcome(row.step, row.state, row.effect, row.last_error, _iso(row.updated_at), performed)


def _error_text(facts_label: str, step: str, exc: BaseException) -> str:
    if isinstance(exc, GoldheatError):
        text = exc.message  # its key and field are kept apart (StepOutcome.field), not appended
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text if text.startswith("order ") else f"{facts_label}: step {step}: {text}"


def _claim(ctx: JobContext, order_key: str, step: str, *, wait_seconds: float,
           lease_seconds: float) -> ledger.Claim | ledger.StepRow:
    deadline = time.monotonic() + wait_seconds
    while True:
        got = ledger.claim(ctx.state, order_key, step, now=ctx.clock(), lease_seconds=lease_seconds)
        if isinstance(got, ledger.Claim) or not got.held or time.monotonic() >= deadline:
            return got
        time.sleep(POLL_SECONDS)


def sync_order(ctx: JobContext, order: str | Opportunity, *, only: Collection[str] | None = None,
               after: Hook | None = None, wait_seconds: float = 10.0,
               lease_seconds: float | None = None) -> OrderResult:
    """Onboard one order (an OPID, a PO number or an Opportunity already read); see the module doc.

    `only` limits the run to those steps (`goldheat retry --step`); `after(step, effect)` is called
    right after each effect (tests inject crashes there). In a dry run nothing is written: the
    result's `planned` lists what would be done, field by field."""
    if ctx.dry_run:
        from jobs.orders.preview import preview_order

        return preview_order(ctx, order)
    reference = order.opid if isinstance(order, Opportunity) else str(order)
    try:
        opportunity = order if isinstance(order, Opportunity) else find_order(ctx, order)
    except GoldheatError as exc:
        return OrderResult(order=reference, error=exc.to_dict())
    opid, engine, now = opportunity.opid, ctx.state, ctx.clock()
    result = OrderResult(order=opid, po=po_of(ctx, opportunity), company=opportunity.company)
    ledger.ensure_steps(engine, opid, STEPS, now=now)
    rows = {r.step: r for r in ledger.steps_of(engine, opid, now=now)}
    if all(r.state in ledger.FINISHED for r in rows.values()):
        result.steps = [_outcome(rows[s]) for s in STEPS]
        return result
    work: OrderWork | None = None
    facts: OrderFacts | None = None
    with structlog.contextvars.bound_contextvars(order=opid):
        for position, step in enumerate(STEPS):
            row = rows[step]
            if row.state in ledger.FINISHED:
                if work is not None:
                    work.results[step] = (row.effect, row.detail)
                result.steps.append(_outcome(row))
                continue
            if only is not None and step not in only:
                result.steps.append(_outcome(row))
                break  # later steps build on this unfinished one
            got = _claim(ctx, opid, step, wait_seconds=wait_seconds,
                         lease_seconds=lease_seconds or ctx.settings.service.step_lease_seconds)
            if isinstance(got, ledger.StepRow):
                if got.state in ledger.FINISHED:
                    rows[step] = got
                    if work is not None:
                        work.results[step] = (got.effect, got.detail)
                    result.steps.append(_outcome(got))
                    continue
                result.busy = got.held
                result.steps.append(StepOutcome(step, "busy" if got.held else got.state, got.effect,
                                                got.last_error, _iso(got.updated_at)))
                break
            try:
                if facts is None:
                    facts = gather(ctx, opportunity)
                    result.sf = facts.sf
                    ledger.record_order(engine, opid, po_number=facts.po, accountno=facts.account.accountno,
                                        company=facts.account.company, sf=facts.sf, now=ctx.clock())
                    work = OrderWork(ctx, facts, Sealer.from_settings(ctx.settings), after or (lambda s, e: None))
                    for earlier in STEPS[:position]:
                        work.results[earlier] = (rows[earlier].effect, rows[earlier].detail)
                work.claim = got
                if step in SF_ONLY and not facts.sf:
                    done = _skip(ctx, got, "not an SF order")
                else:
                    done = STEP_FUNCTIONS[step](work)
                    ledger.complete(engine, got, now=ctx.clock(), effect=done.effect,
                                    detail={**got.row.detail, **done.detail}, state=done.state)
                work.results[step] = (done.effect, {**got.row.detail, **done.detail})
                log.info("order step done", step=step, effect=done.effect, status=done.state)
                result.steps.append(StepOutcome(step, done.state, done.effect, None, _iso(ctx.clock()), True))
            except ledger.LeaseLost:
                result.busy = True
                result.steps.append(StepOutcome(step, "busy", None, "another run took the step over"))
                break
            except Exception as exc:  # one order's failure, whatever it is, must not stop the others
                text = _error_text(facts.label if facts else f"order {opid}", step, exc)
                try:
                    ledger.fail(engine, got, text, now=ctx.clock(), retriable=isinstance(exc, RetriableError))
                except ledger.LeaseLost:
                    result.busy = True
                log.warning("order step failed", step=step, error=redact(text),
                            field=getattr(exc, "field", None), exc_info=not isinstance(exc, GoldheatError))
                result.steps.append(StepOutcome(step, ledger.FAILED, None, redact(text), _iso(ctx.clock()), True,
                                                getattr(exc, "field", None)))
                break
    if rows["login"].has_sealed or (work is not None and work.password is not None):
        _forget_password_when_handed_over(ctx, opid)
    return result


def _skip(ctx: JobContext, got: ledger.Claim, reason: str) -> Any:
    from jobs.orders.steps import StepDone

    ledger.complete(ctx.state, got, now=ctx.clock(), effect=None, detail={"reason": reason}, state=ledger.SKIPPED)
    return StepDone(None, {"reason": reason}, ledger.SKIPPED)


def _forget_password_when_handed_over(ctx: JobContext, opid: str) -> None:
    rows = {r.step: r for r in ledger.steps_of(ctx.state, opid)}
    if rows.get("login") and rows["login"].has_sealed and all(
            rows[s].state in ledger.FINISHED for s in ("ticket", "letter") if s in rows):
        ledger.wipe_sealed(ctx.state, opid, now=ctx.clock())
