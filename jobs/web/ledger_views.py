"""Read-only views of the order ledger that the console lists and the ledger module does not offer.

The recent orders (failures first) and one state per order are queries over the ledger's own
tables (`jobs/state/ledger.py`), read here and never written, so the console cannot disturb a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from jobs.state import ledger
from jobs.web.service import OrderRow

_STATE_ORDER = {"failed": 0, "pending": 1, "new": 2, "done": 3}


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def order_state(states: Iterable[str]) -> str:
    """One word for an order: failed if any step failed, done when every step is finished."""
    states = list(states)
    if not states:
        return "new"
    if ledger.FAILED in states:
        return "failed"
    return "done" if all(s in ledger.FINISHED for s in states) else "pending"


def rows_for(engine: Engine, opids: Iterable[str]) -> dict[str, OrderRow]:
    """The ledger's view of these orders (those it has never seen are left out)."""
    keys = list(dict.fromkeys(opids))
    if not keys:
        return {}
    s, r = ledger.order_steps.c, ledger.order_refs.c
    with engine.connect() as conn:
        steps = conn.execute(select(s.order_key, s.step, s.state, s.updated_at, s.last_error, s.position)
                             .where(s.order_key.in_(keys)).order_by(s.order_key, s.position)).all()
        refs = {row.order_key: row for row in conn.execute(
            select(r.order_key, r.po_number, r.company).where(r.order_key.in_(keys))).all()}
    grouped: dict[str, list[Any]] = {}
    for row in steps:
        grouped.setdefault(row.order_key, []).append(row)
    out = {}
    for key, items in grouped.items():
        failed = next((i for i in items if i.state == ledger.FAILED), None)
        ref = refs.get(key)
        out[key] = OrderRow(
            opid=key, po=(ref.po_number or "") if ref else "", company=(ref.company or "") if ref else "",
            state=order_state(i.state for i in items),
            updated_at=max((_aware(i.updated_at) for i in items if i.updated_at), default=None),
            failed_step=failed.step if failed else "", error=(failed.last_error or "") if failed else "")
    return out


def recent(engine: Engine, limit: int = 50) -> list[OrderRow]:
    """The orders the ledger touched last, failures first, then the newest first (not the rows it
    keeps per customer for their one website login)."""
    s = ledger.order_steps.c
    last = func.max(s.updated_at).label("last")
    with engine.connect() as conn:
        keys = list(conn.execute(select(s.order_key, last).where(~s.order_key.startswith(ledger.SHARED_PREFIX))
                                 .group_by(s.order_key).order_by(last.desc()).limit(limit)).scalars())
    rows = list(rows_for(engine, keys).values())
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda o: (_STATE_ORDER.get(o.state, 9), -(o.updated_at or oldest).timestamp()))
    return rows


def company_matches(engine: Engine, text: str, limit: int = 50) -> list[str]:
    """OPIDs of orders the ledger knows whose company contains the text (any case)."""
    r = ledger.order_refs.c
    with engine.connect() as conn:
        query = select(r.order_key).where(func.lower(r.company).contains(text.lower(), autoescape=True))
        return list(conn.execute(query.order_by(r.order_key).limit(limit)).scalars())


def is_sf(engine: Engine, opid: str) -> bool | None:
    """Whether the ledger recorded the order as SF (None when it never read the order's facts)."""
    r = ledger.order_refs.c
    with engine.connect() as conn:
        found = conn.execute(select(r.sf).where(r.order_key == opid)).scalar()
    return None if found is None else bool(found)
