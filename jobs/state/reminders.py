"""After-shipment reminders as rows: one per (order, kind), with a due date and a state.

A periodic sweep (`jobs.reminders.run`) finds the rows that are due; nothing waits inside the
broker, whose long countdowns are redelivered and duplicated past the visibility timeout. A row
moves `pending` -> `claimed` -> `done` (or `failed`, `skipped`, `cancelled`). Claiming is one
conditional UPDATE, so of two sweeps at once only one acts on a row; a claim older than the
lease (a worker that died mid-way) may be taken over, and the effect's own key (keyed RECID,
ticket subject, Message-ID) makes the take-over adopt what the dead worker already did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (Column, Date, DateTime, Index, Integer, String, Table, Text, UniqueConstraint, and_,
                        insert, or_, select, update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from jobs.state.db import metadata

PENDING, CLAIMED, DONE, FAILED, SKIPPED, CANCELLED = "pending", "claimed", "done", "failed", "skipped", "cancelled"
OPEN_STATES = (PENDING, CLAIMED, FAILED)
_CHUNK = 500

reminders = Table(
    "reminders", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(15), nullable=False),  # OPMGR.OPID
    Column("kind", String(20), nullable=False),
    Column("accountno", String(20), nullable=False),
    Column("ship_date", Date, nullable=False),
    Column("due", Date, nullable=False),
    Column("state", String(12), nullable=False),
    Column("effect", String(200), nullable=False, default=""),
    Column("error", Text, nullable=False, default=""),
    Column("attempts", Integer, nullable=False, default=0),
    Column("claimed_at", DateTime(timezone=True)),
    Column("updated", DateTime(timezone=True), nullable=False),
    UniqueConstraint("order_id", "kind", name="uq_reminders_order_kind"),
    Index("ix_reminders_state_due", "state", "due"),
)


@dataclass(frozen=True, slots=True)
class Reminder:
    order_id: str
    kind: str
    accountno: str
    ship_date: dt.date
    due: dt.date
    state: str
    effect: str = ""
    error: str = ""
    attempts: int = 0
    claimed_at: dt.datetime | None = None


def _reminder(row: Any) -> Reminder:
    return Reminder(row["order_id"], row["kind"], row["accountno"], row["ship_date"], row["due"], row["state"],
                    row["effect"], row["error"], row["attempts"], row["claimed_at"])


def _key(order_id: str, kind: str):  # noqa: ANN202 - a SQLAlchemy clause
    return and_(reminders.c.order_id == order_id, reminders.c.kind == kind)


def for_orders(engine: Engine, order_ids: Iterable[str]) -> dict[str, dict[str, Reminder]]:
    """The rows of these orders: order -> kind -> row."""
    wanted = list(dict.fromkeys(order_ids))
    found: dict[str, dict[str, Reminder]] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            query = select(reminders).where(reminders.c.order_id.in_(wanted[start:start + _CHUNK]))
            for row in conn.execute(query).mappings():
                found.setdefault(row["order_id"], {})[row["kind"]] = _reminder(row)
    return found


def add(engine: Engine, order_id: str, kind: str, accountno: str, ship_date: dt.date, due: dt.date,
        now: dt.datetime, *, state: str = PENDING, error: str = "") -> bool:
    """Create the row unless it exists (a concurrent sweep may have); True when this call created it."""
    try:
        with engine.begin() as conn:
            conn.execute(insert(reminders).values(
                order_id=order_id, kind=kind, accountno=accountno, ship_date=ship_date, due=due,
                state=state, effect="", error=error, attempts=0, updated=now))
        return True
    except IntegrityError:
        return False


def redate(engine: Engine, order_id: str, kind: str, ship_date: dt.date, due: dt.date, now: dt.datetime, *,
           states: tuple[str, ...] = (PENDING,)) -> bool:
    """Move a row that has not happened yet to a new due date (the ship date changed)."""
    with engine.begin() as conn:
        result = conn.execute(update(reminders).where(_key(order_id, kind), reminders.c.state.in_(states))
                              .values(ship_date=ship_date, due=due, updated=now))
    return result.rowcount == 1


def due(engine: Engine, today: dt.date, now: dt.datetime, lease: dt.timedelta) -> list[Reminder]:
    """Rows to act on now: pending and due, or claimed by a worker whose lease ran out."""
    query = select(reminders).where(or_(
        and_(reminders.c.state == PENDING, reminders.c.due <= today),
        and_(reminders.c.state == CLAIMED, reminders.c.claimed_at < now - lease),
    )).order_by(reminders.c.due, reminders.c.order_id, reminders.c.kind)
    with engine.connect() as conn:
        return [_reminder(r) for r in conn.execute(query).mappings()]


def claim(engine: Engine, order_id: str, kind: str, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Take the row for this worker; False when another worker holds it or it is finished."""
    with engine.begin() as conn:
        result = conn.execute(update(reminders).where(_key(order_id, kind), or_(
            reminders.c.state == PENDING,
            and_(reminders.c.state == CLAIMED, reminders.c.claimed_at < now - lease),
        )).values(state=CLAIMED, claimed_at=now, attempts=reminders.c.attempts + 1, updated=now))
    return result.rowcount == 1


def finish(engine: Engine, order_id: str, kind: str, state: str, now: dt.datetime, *, effect: str = "",
           error: str = "") -> None:
    with engine.begin() as conn:
        conn.execute(update(reminders).where(_key(order_id, kind))
                     .values(state=state, effect=effect, error=error, updated=now))


def release(engine: Engine, order_id: str, kind: str, now: dt.datetime, error: str) -> None:
    """Give a claimed row back after a failure the next sweep may get past."""
    with engine.begin() as conn:
        conn.execute(update(reminders).where(_key(order_id, kind), reminders.c.state == CLAIMED)
                     .values(state=PENDING, claimed_at=None, error=error, updated=now))


def cancel(engine: Engine, order_id: str, now: dt.datetime) -> int:
    """The order was cancelled: every reminder not yet happened is off."""
    with engine.begin() as conn:
        result = conn.execute(update(reminders).where(reminders.c.order_id == order_id,
                                                      reminders.c.state.in_((PENDING, FAILED)))
                              .values(state=CANCELLED, updated=now))
    return result.rowcount


def open_orders(engine: Engine) -> list[str]:
    """Orders that still have a reminder to come."""
    query = select(reminders.c.order_id).where(reminders.c.state.in_(OPEN_STATES)).distinct()
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(query)]


def status_rows(engine: Engine, limit: int = 50) -> tuple[str, list[dict[str, Any]]]:
    """`goldheat status`: reminders still to come, soonest first, with any error."""
    query = (select(reminders).where(reminders.c.state.in_(OPEN_STATES))
             .order_by(reminders.c.due, reminders.c.order_id, reminders.c.kind).limit(limit))
    with engine.connect() as conn:
        rows = [_reminder(r) for r in conn.execute(query).mappings()]
    return "reminders due", [
        {"order": r.order_id, "kind": r.kind, "due": r.due.isoformat(), "state": r.state,
         "attempts": r.attempts, "error": r.error} for r in rows
    ]
