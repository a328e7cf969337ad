"""An in-memory `OrderService`: orders as dicts, every effect counted, so page tests are exact."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from jobs.web.service import (
    STEPS, OrderNotFound, OrderRow, OrderView, PasswordReveal, PasswordSource, ReminderView, StepView, SyncOutcome,
)

FAKE_PASSWORD = "Zq7!fake-Initial-9"


@dataclass
class FakeOrder:
    opid: str
    po: str
    company: str
    sf: bool = True
    states: dict[str, str] = field(default_factory=lambda: {s: "pending" for s in STEPS})
    errors: dict[str, str] = field(default_factory=dict)
    fail_once: set[str] = field(default_factory=set)
    sealed: bool = False
    letter: Path | None = None


class FakeOrderService:
    def __init__(self, letters_dir: Path, *, sync_delay: float = 0.0) -> None:
        self.orders: dict[str, FakeOrder] = {}
        self.effects: list[tuple[str, str]] = []  # (opid, step) each time a step's effect is made
        self.letters_dir = letters_dir
        self.sync_delay = sync_delay
        self.started = threading.Event()
        self._lock = threading.Lock()

    def add(self, order: FakeOrder) -> FakeOrder:
        self.orders[order.opid] = order
        return order

    def _get(self, opid: str) -> FakeOrder:
        if opid not in self.orders:
            raise OrderNotFound(f"No order has the PO number, OPID or company {opid!r}.")
        return self.orders[opid]

    def _row(self, o: FakeOrder) -> OrderRow:
        states = set(o.states.values())
        state = "failed" if "failed" in states else "done" if states <= {"done", "skipped"} else "pending"
        failed = next((s for s in STEPS if o.states[s] == "failed"), "")
        return OrderRow(o.opid, o.po, o.company, "Order Received", state, dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
                        failed, o.errors.get(failed, ""))

    def find(self, query: str) -> list[OrderRow]:
        q = query.strip().casefold()
        hits = [self._row(o) for o in self.orders.values()
                if q in (o.opid.casefold(), o.po.casefold()) or q in o.company.casefold()]
        if not hits:
            raise OrderNotFound(f"No order has the PO number, OPID or company {query.strip()!r}.")
        return hits

    def explain(self, opid: str) -> list[StepView]:
        o = self._get(opid)
        return [StepView(s, o.states[s], "2026-11-30T09:00:00+00:00" if o.states[s] != "pending" else None,
                         f"effect-{s}" if o.states[s] == "done" else None, o.errors.get(s)) for s in STEPS]

    def preview(self, opid: str) -> OrderView:
        o = self._get(opid)
        planned = [{"action": f"do {s}", "order": opid, "detail": f"{s} of {o.po}"}
                   for s in STEPS if o.states[s] not in ("done", "skipped")]
        return OrderView(o.opid, o.po, o.company, o.sf, self.explain(opid), planned,
                         [{"date": "2026-11-30", "user": "GOLDHEAT", "code": "GH", "ref": "earlier"}])

    def sync(self, opid: str) -> SyncOutcome:
        o = self._get(opid)
        self.started.set()
        if self.sync_delay:
            threading.Event().wait(self.sync_delay)
        out = []
        for step in STEPS:
            if o.states[step] in ("done", "skipped"):
                out.append(StepView(step, o.states[step]))
                continue
            if step in o.fail_once:
                o.fail_once.discard(step)
                o.states[step], o.errors[step] = "failed", f"order {opid}: step {step}: HEAT said no"
                out.append(StepView(step, "failed", error=o.errors[step], performed=True))
                break
            with self._lock:
                self.effects.append((opid, step))
            o.states[step] = "done"
            o.errors.pop(step, None)
            if step == "login":
                o.sealed = True
            if step == "letter":
                o.letter = self.letters_dir / f"order-{opid}-welcome.pdf"
                o.letter.write_bytes(b"%PDF-1.4 fake letter\n%%EOF\n")
            out.append(StepView(step, "done", performed=True))
        if all(o.states[s] == "done" for s in ("ticket", "letter")):
            o.sealed = False
        return SyncOutcome(opid, out)

    def retry(self, opid: str, step: str | None = None) -> SyncOutcome:
        o = self._get(opid)
        for s in STEPS:
            if (step is None and o.states[s] == "failed") or s == step:
                o.states[s] = "pending"
        return self.sync(opid)

    def recent(self, limit: int = 50) -> list[OrderRow]:
        rows = [self._row(o) for o in self.orders.values()]
        return sorted(rows, key=lambda r: r.state != "failed")[:limit]

    def letter_path(self, opid: str) -> Path | None:
        return self._get(opid).letter

    def upcoming_reminders(self, opid: str) -> list[ReminderView] | None:
        self._get(opid)
        return [ReminderView("distributor_email", dt.date(2026, 12, 14), "pending")]

    def password_source(self, opid: str) -> PasswordSource:
        o = self._get(opid)
        done = o.states["login"] == "done"
        return PasswordSource(login="ann.other" if done else "", sealed=o.sealed,
                              ticket="10042" if o.states["ticket"] == "done" else "", letter=o.letter is not None)

    def reveal_password(self, opid: str) -> PasswordReveal | None:
        o = self._get(opid)
        return PasswordReveal("ann.other", SecretStr(FAKE_PASSWORD)) if o.sealed else None
