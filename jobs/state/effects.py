"""Keyed effects: which job already caused which effect, so a re-run or a second worker does not.

One row per (job, key), unique; `effect` is the id of what was done (a GoldMine RECID, a HEAT
ticket id, a Message-ID, a date the job decided once). The first writer wins: `record` returns
the stored row, which is the caller's own or the one a concurrent worker wrote first. A job
checks here before acting, derives the effect's id from the same key where the target allows it
(keyed RECIDs), and records after acting; a crash in between is healed by the target's adoption
of the keyed id on the re-run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (Column, DateTime, Integer, String, Table, Text, UniqueConstraint, delete, insert,
                        select)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from jobs.state.db import metadata

_CHUNK = 500

effects = Table(
    "effects", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job", String(40), nullable=False),
    Column("key", String(200), nullable=False),
    Column("effect", String(200), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("created", DateTime(timezone=True), nullable=False),
    UniqueConstraint("job", "key", name="uq_effects_job_key"),
)


@dataclass(frozen=True, slots=True)
class Effect:
    job: str
    key: str
    effect: str
    detail: str
    created: dt.datetime


def _effect(row) -> Effect:  # noqa: ANN001 - a SQLAlchemy row mapping
    return Effect(row["job"], row["key"], row["effect"], row["detail"], row["created"])


def get(engine: Engine, job: str, key: str) -> Effect | None:
    with engine.connect() as conn:
        row = conn.execute(select(effects).where(effects.c.job == job, effects.c.key == key)).mappings().first()
    return _effect(row) if row else None


def get_many(engine: Engine, job: str, keys: Iterable[str]) -> dict[str, Effect]:
    """The recorded effects among `keys`, in one query per 500 keys."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Effect] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            for row in conn.execute(select(effects).where(effects.c.job == job, effects.c.key.in_(chunk))).mappings():
                found[row["key"]] = _effect(row)
    return found


def record(engine: Engine, job: str, key: str, effect: str, detail: str = "",
           now: dt.datetime | None = None) -> Effect:
    """Store the effect unless one is stored already; returns whichever is stored (first writer wins)."""
    created = now or dt.datetime.now(dt.UTC)
    try:
        with engine.begin() as conn:
            conn.execute(insert(effects).values(job=job, key=key, effect=effect, detail=detail, created=created))
        return Effect(job, key, effect, detail, created)
    except IntegrityError:
        stored = get(engine, job, key)
        if stored is None:  # deleted between the two statements: try once more
            return record(engine, job, key, effect, detail, now)
        return stored


def forget(engine: Engine, job: str, key: str) -> None:
    """Drop a key so the effect may happen again (`goldheat retry`)."""
    with engine.begin() as conn:
        conn.execute(delete(effects).where(effects.c.job == job, effects.c.key == key))


def for_job(engine: Engine, job: str, prefix: str = "", limit: int = 1000) -> list[Effect]:
    """A job's recorded effects, newest first (for `explain` and the tests)."""
    query = select(effects).where(effects.c.job == job)
    if prefix:
        query = query.where(effects.c.key.startswith(prefix, autoescape=True))
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(effects.c.id.desc()).limit(limit)).mappings().all()
    return [_effect(r) for r in rows]
