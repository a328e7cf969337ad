"""Leases that keep two workers from running the same job at the same time.

A lease is one row per name, held by one holder until it expires. The holder renews it while it
works (see `jobs.service.guard`), so a holder that dies (SIGKILL, lost machine) frees it within one
lease period. Times are epoch seconds from the holder's clock: hosts sharing a state store must
keep their clocks in sync (NTP) to well within a lease.

Acquiring is two single statements, each atomic on SQLite and PostgreSQL: take over an expired
(or our own) row with a conditional UPDATE, else INSERT and let the primary key refuse a second
holder. No SELECT ... FOR UPDATE, no dialect branches.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Column, Float, String, Table, delete, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from jobs.state.db import metadata

leases = Table(
    "leases", metadata,
    Column("name", String(120), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("acquired", Float, nullable=False),
    Column("expires", Float, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Lease:
    name: str
    holder: str
    expires: float

    def remaining(self, now: float | None = None) -> float:
        return max(0.0, self.expires - (time.time() if now is None else now))


def acquire(engine: Engine, name: str, holder: str, seconds: float) -> bool:
    """Take the lease for `seconds` if it is free, expired, or already ours."""
    now = time.time()
    with engine.begin() as conn:
        taken = conn.execute(
            update(leases)
            .where(leases.c.name == name, or_(leases.c.expires < now, leases.c.holder == holder))
            .values(holder=holder, acquired=now, expires=now + seconds)
        ).rowcount
    if taken:
        return True
    try:
        with engine.begin() as conn:
            conn.execute(insert(leases).values(name=name, holder=holder, acquired=now, expires=now + seconds))
    except IntegrityError:
        return False
    return True


def renew(engine: Engine, name: str, holder: str, seconds: float) -> bool:
    """Extend our lease; False when it is no longer ours (it expired and someone took it)."""
    with engine.begin() as conn:
        return bool(conn.execute(
            update(leases).where(leases.c.name == name, leases.c.holder == holder)
            .values(expires=time.time() + seconds)
        ).rowcount)


def release(engine: Engine, name: str, holder: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(leases).where(leases.c.name == name, leases.c.holder == holder))


def current(engine: Engine, name: str) -> Lease | None:
    """The lease on `name` if one is held and not expired."""
    with engine.connect() as conn:
        row = conn.execute(select(leases).where(leases.c.name == name)).mappings().first()
    if row is None or row["expires"] < time.time():
        return None
    return Lease(row["name"], row["holder"], row["expires"])
