"""The HEAT interface the jobs use, whatever the backend (ISM REST or HEAT classic ODBC).

Every create is preceded by a lookup by a deterministic key, so a crash between an effect and the
caller's ledger record never duplicates it:
- customers are keyed by goldheat's cross-reference (the GoldMine ACCOUNTNO, or ACCOUNTNO plus
  the additional contact's RECID), stored in Employee.CustID / Profile.CustID;
- organisations by name;
- tickets by (customer, subject): the subject carries the order's identity;
- journal notes by (ticket, subject).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pydantic import SecretStr

from config.errors import RecordError


@dataclass(frozen=True, slots=True)
class CustomerData:
    """A HEAT customer as goldheat wants it (already mapped from GoldMine, field lengths checked)."""

    xref: str  # goldheat's cross-reference key -> CustID
    first_name: str
    last_name: str
    email: str
    phone: str = ""
    title: str = ""
    organisation: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # further mapped target fields


@dataclass(frozen=True, slots=True)
class Customer:
    id: str  # ISM Employee RecId, or classic CustID
    xref: str
    first_name: str
    last_name: str
    email: str
    login: str = ""
    organisation_id: str = ""
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TicketData:
    customer_id: str
    team: str
    subject: str  # carries the goldheat key (e.g. the order), used to find the ticket again
    description: str
    category: str = ""
    source: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str  # ISM RecId, or classic CallID
    number: str  # IncidentNumber, or CallID
    customer_id: str
    team: str
    subject: str
    status: str


@dataclass(frozen=True, slots=True)
class Note:
    id: str  # ISM RecId, or classic "CallID/HEATSeq"
    ticket_id: str
    subject: str
    publish_to_web: bool


def require(value: str, field: str, operation: str, key: str | None = None) -> str:
    """The value stripped, or a RecordError naming the field: both backends refuse blank keys and
    names before any I/O, rather than writing a record nobody can find again."""
    if not value or not value.strip():
        raise RecordError(f"{field} is empty", system="heat", operation=operation, key=key, field=field)
    return value.strip()


class HeatBackend(Protocol):
    """What jobs need of HEAT. Implementations raise only goldheat's error tree."""

    def find_customer(self, xref: str) -> Customer | None: ...
    def find_customer_by_email(self, email: str) -> list[Customer]: ...
    def upsert_organisation(self, name: str) -> str: ...
    def upsert_customer(self, data: CustomerData, organisation_id: str = "") -> Customer: ...
    def find_login(self, login: str) -> Customer | None: ...
    def set_login(self, customer_id: str, login: str, password: SecretStr) -> None: ...
    def find_ticket(self, customer_id: str, subject: str) -> Ticket | None: ...
    def open_ticket(self, data: TicketData) -> Ticket: ...
    def get_ticket(self, ticket_id: str) -> Ticket: ...
    def find_note(self, ticket_id: str, subject: str) -> Note | None: ...
    def add_note(self, ticket_id: str, subject: str, body: str, *, publish_to_web: bool = False) -> Note: ...
    def close(self) -> None: ...
