"""What the web console needs of order onboarding, as a small interface of its own.

The pages talk to an `OrderService`, never to the ledger or the connectors directly, so they can
be tested against an in-memory fake and bound to the real jobs (`jobs/web/live.py`) in one place.
The records here are plain, display-ready values: no secret is ever one of their fields, except
`PasswordReveal.password`, which exists only for the one response that shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

STEPS = ("customer", "login", "ticket", "letter", "history")


class OrderNotFound(LookupError):
    """No order answers to that PO number, company or OPID (the message says which)."""


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One order in a list: search hits and the recent orders."""

    opid: str
    po: str = ""
    company: str = ""
    stage: str = ""
    state: str = "new"  # new (not in the ledger), failed, pending, done
    updated_at: dt.datetime | None = None
    failed_step: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class StepView:
    step: str
    state: str  # done, skipped, failed, pending, busy, planned
    at: str | None = None
    effect: str | None = None
    error: str | None = None
    performed: bool = False  # by the run that produced this view


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order with its preview (what a run would do) and its steps as the ledger has them."""

    opid: str
    po: str = ""
    company: str = ""
    sf: bool | None = None
    steps: list[StepView] = field(default_factory=list)
    planned: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)  # GoldMine history linked to the order
    error: str | None = None  # the order cannot be onboarded as it stands (names the field)

    @property
    def complete(self) -> bool:
        return bool(self.steps) and all(s.state in ("done", "skipped") for s in self.steps)

    @property
    def failed(self) -> list[StepView]:
        return [s for s in self.steps if s.state == "failed"]


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """What one sync or retry did."""

    opid: str
    steps: list[StepView] = field(default_factory=list)
    busy: bool = False  # another run holds the order: nothing was done
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.busy and not any(s.state == "failed" for s in self.steps)

    @property
    def performed(self) -> list[str]:
        return [s.step for s in self.steps if s.performed]


@dataclass(frozen=True, slots=True)
class ReminderView:
    kind: str
    due: dt.date
    state: str
    effect: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class PasswordSource:
    """Where an order's initial website password can be read, without the password itself.

    `sealed` means goldheat still holds it encrypted (the hand-over is not finished) and can show it;
    otherwise it lives only in the HEAT ticket's journal note and the welcome letter."""

    login: str = ""
    existing_login: bool = False  # the person already had a login: no password was issued
    sealed: bool = False
    ticket: str = ""  # the HEAT ticket number (IncidentNumber or CallID)
    note: str = ""  # the journal note's id
    letter: bool = False


@dataclass(frozen=True, slots=True)
class PasswordReveal:
    login: str
    password: SecretStr = field(repr=False)


class OrderService(Protocol):
    """Order onboarding as the console sees it. Each method names the order by its OPID, except
    `find`, which takes what a person types (a PO number, a company or an OPID)."""

    def find(self, query: str) -> list[OrderRow]: ...
    def preview(self, opid: str) -> OrderView: ...
    def sync(self, opid: str) -> SyncOutcome: ...
    def retry(self, opid: str, step: str | None = None) -> SyncOutcome: ...
    def explain(self, opid: str) -> list[StepView]: ...
    def recent(self, limit: int = 50) -> list[OrderRow]: ...
    def letter_path(self, opid: str) -> Path | None: ...
    def upcoming_reminders(self, opid: str) -> list[ReminderView] | None: ...  # None: no reminders feature
    def password_source(self, opid: str) -> PasswordSource: ...
    def reveal_password(self, opid: str) -> PasswordReveal | None: ...
