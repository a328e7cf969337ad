"""The console's `OrderService` bound to the real order onboarding (`jobs/orders/`, the ledger).

Each call opens its own `JobContext` (connectors are per request and closed after it) over one
state engine shared by the whole app. Sync and retry are the jobs' own functions, so the exactly-
once guarantees are theirs: every step is claimed in the ledger and every effect is looked for by
its key before it is made; the console adds nothing that could duplicate an effect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from config.errors import GoldheatError
from config.settings import Settings
from jobs.context import JobContext
from jobs.orders import job
from jobs.orders.passwords import Sealer
from jobs.orders.preview import preview_order
from jobs.orders.sync import OrderResult
from jobs.state import ledger
from jobs.web import ledger_views
from jobs.web.service import (
    OrderNotFound, OrderRow, OrderView, PasswordReveal, PasswordSource, ReminderView, StepView, SyncOutcome,
)

ContextFactory = Callable[[bool], JobContext]
MAX_HITS = 50


class LiveOrderService:
    def __init__(self, settings: Settings, *, state_engine: Engine | None = None,
                 make_context: ContextFactory | None = None, wait_seconds: float = 10.0) -> None:
        self.settings = settings
        self._engine = state_engine
        self._make = make_context or self._default_context
        self.wait_seconds = wait_seconds

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from jobs.state.db import open_state

            self._engine = open_state(self.settings)
        return self._engine

    def _default_context(self, dry_run: bool) -> JobContext:
        return JobContext.from_settings(self.settings, dry_run=dry_run, state_engine=self.engine)

    @contextmanager
    def _context(self, *, dry_run: bool = False) -> Iterator[JobContext]:
        ctx = self._make(dry_run)
        try:
            yield ctx
        finally:
            ctx.close()

    def find(self, query: str) -> list[OrderRow]:
        text = query.strip()
        if not text:
            return []
        found: dict[str, OrderRow] = {}
        with self._context() as ctx:
            known = ledger.order_key_for(ctx.state, text)
            opportunities = [o for o in [ctx.goldmine.get_opportunity(text)] if o is not None]
            opportunities += ctx.goldmine.find_opportunities(po_number=text)
            if len(text) >= 2 and not opportunities and known is None:
                wanted = text.casefold()
                opportunities += [o for o in ctx.goldmine.find_opportunities(stage=ctx.process.stages.order)
                                  if wanted in o.company.casefold()]
            po_field = ctx.process.order_fields.po_number
            for o in opportunities[:MAX_HITS]:
                found.setdefault(o.opid, OrderRow(opid=o.opid, po=o.fields.get(po_field, "").strip(),
                                                  company=o.company.strip(), stage=o.stage.strip()))
            keys = [known] if known else []
            if not opportunities and known is None:
                keys += ledger_views.company_matches(ctx.state, text, MAX_HITS)
            states = ledger_views.rows_for(ctx.state, list(found) + keys)
        for key, row in states.items():
            base = found.get(key)
            found[key] = OrderRow(opid=key, po=row.po or (base.po if base else ""),
                                  company=row.company or (base.company if base else ""),
                                  stage=base.stage if base else "", state=row.state, updated_at=row.updated_at,
                                  failed_step=row.failed_step, error=row.error)
        if not found:
            raise OrderNotFound(f"No order has the PO number, OPID or company {text!r}. Check the spelling; "
                                "a PO number must match exactly, a company may be part of its name.")
        return list(found.values())

    def preview(self, opid: str) -> OrderView:
        with self._context(dry_run=True) as ctx:
            result = preview_order(ctx, opid)
            if result.error and result.error.get("field") == "ORDER":
                raise OrderNotFound(result.error.get("message", f"no order {opid}"))
            steps = [_step(row) for row in job.explain(ctx, result.order)]
            history = [{"date": h.ondate.isoformat() if h.ondate else "", "user": h.userid.strip(),
                        "code": h.actvcode.strip(), "ref": h.ref.strip()}
                       for h in ctx.goldmine.history(loprecid=result.order)]
        sf = result.sf if result.sf is not None else ledger_views.is_sf(self.engine, result.order)
        return OrderView(opid=result.order, po=result.po, company=result.company.strip(), sf=sf,
                         steps=steps, planned=[dict(p) for p in result.planned], history=history,
                         error=(result.error or {}).get("message"))

    def sync(self, opid: str) -> SyncOutcome:
        with self._context() as ctx:
            return _outcome(job.sync_order(ctx, opid, wait_seconds=self.wait_seconds))

    def retry(self, opid: str, step: str | None = None) -> SyncOutcome:
        with self._context() as ctx:
            return _outcome(job.retry(ctx, opid, step))

    def explain(self, opid: str) -> list[StepView]:
        with self._context() as ctx:
            try:
                return [_step(row) for row in job.explain(ctx, opid)]
            except GoldheatError as exc:
                raise OrderNotFound(exc.message) from None

    def recent(self, limit: int = 50) -> list[OrderRow]:
        rows = ledger_views.recent(self.engine, limit)
        unnamed = [r.opid for r in rows if not r.po]
        if not unnamed:
            return rows
        # An order that failed before its facts were read has no PO in the ledger: ask GoldMine once.
        with self._context() as ctx:
            po_field = ctx.process.order_fields.po_number
            named = {o.opid: o for o in ctx.goldmine.find_opportunities(opids=unnamed)}
        return [replace(r, po=named[r.opid].fields.get(po_field, "").strip(), company=named[r.opid].company.strip())
                if r.opid in named else r for r in rows]

    def letter_path(self, opid: str) -> Path | None:
        rows = {r.step: r for r in ledger.steps_of(self.engine, opid)}
        row = rows.get("letter")
        if row is None or row.state != ledger.DONE:
            return None
        name = row.detail.get("file") or Path(row.effect or "").name
        return Path(self.settings.letters.output_dir) / name if name else None

    def upcoming_reminders(self, opid: str) -> list[ReminderView] | None:
        try:
            from jobs.state import reminders
        except ImportError:
            return None
        found = reminders.for_orders(self.engine, [opid]).get(opid, {})
        return sorted((ReminderView(r.kind, r.due, r.state, r.effect, r.error)
                       for r in found.values() if r.state in reminders.OPEN_STATES), key=lambda r: (r.due, r.kind))

    def password_source(self, opid: str) -> PasswordSource:
        rows = {r.step: r for r in ledger.steps_of(self.engine, opid)}
        login, ticket, letter = rows.get("login"), rows.get("ticket"), rows.get("letter")
        detail: dict[str, Any] = login.detail if login else {}
        return PasswordSource(
            login=str(detail.get("login") or (login.effect if login and login.state == ledger.DONE else "") or ""),
            existing_login=bool(detail.get("existing")), sealed=bool(login and login.has_sealed),
            ticket=str(ticket.detail.get("number", "")) if ticket else "",
            note=str(ticket.detail.get("note", "")) if ticket else "",
            letter=bool(letter and letter.state == ledger.DONE and letter.detail.get("kind") == "welcome"))

    def reveal_password(self, opid: str) -> PasswordReveal | None:
        token = ledger.sealed_of(self.engine, opid, "login")
        if not token:
            return None
        source = self.password_source(opid)
        return PasswordReveal(source.login, Sealer.from_settings(self.settings).unseal(token, order=opid))


def _step(row: dict[str, Any]) -> StepView:
    return StepView(row["step"], row["state"], row.get("at"), row.get("effect"), row.get("error"))


def _outcome(result: OrderResult) -> SyncOutcome:
    error = None
    if result.error:
        if result.error.get("field") == "ORDER":
            raise OrderNotFound(result.error.get("message", f"no order {result.order}"))
        error = result.error.get("message")
    return SyncOutcome(opid=result.order, busy=result.busy, error=error,
                       steps=[StepView(s.step, s.state, s.at, s.effect, s.error, s.performed) for s in result.steps])
