"""The order ledger: one row per (order, step), so each onboarding step happens exactly once.

A row is `pending`, `done`, `failed` or `skipped`, with its attempts, the last error (redacted),
the effect's id and timestamps. A worker must *claim* a row before performing the step: one
conditional UPDATE sets a random token and a lease expiry only where the row is not finished and
no live lease holds it, so of two concurrent runs (threads, processes, hosts; SQLite or
PostgreSQL) exactly one gets the row. Finishing a row checks the token again, so a worker whose
lease ran out and was taken over learns that it lost the row instead of overwriting it.

A crash leaves the row claimed; once the lease expires the next run takes it over and the step,
looking for its own effect by a deterministic key before acting, adopts what the crashed run did.

`sealed` holds the encrypted initial password between the login step and the last step that
hands it over (see `jobs/orders/passwords.py`); it is never a clear password and is wiped after.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Boolean, Column, DateTime, Integer, String, Table, Text, UniqueConstraint, and_, insert, or_, select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from config.logs import redact
from jobs.state.db import metadata

PENDING, DONE, FAILED, SKIPPED = "pending", "done", "failed", "skipped"
FINISHED = (DONE, SKIPPED)
DEFAULT_LEASE_SECONDS = 300
SHARED_PREFIX = "customer:"  # rows keyed by a customer, not an order (one login per person)

order_steps = Table(
    "order_steps", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_key", String(40), nullable=False),
    Column("step", String(20), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("state", String(10), nullable=False, default=PENDING),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("effect", String(500)),
    Column("detail", Text),  # JSON of non-secret facts: login name, ticket number, note id
    Column("sealed", Text),  # the encrypted initial password (login step only), wiped when handed over
    Column("claim_token", String(32)),
    Column("lease_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("order_key", "step", name="uq_order_steps_order_step"),
)

order_refs = Table(
    "order_refs", metadata,
    Column("order_key", String(40), primary_key=True),  # the OPID
    Column("po_number", String(80), index=True),
    Column("accountno", String(20)),
    Column("company", String(80)),
    Column("sf", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

order_cursor = Table(
    "order_cursor", metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class StepRow:
    order_key: str
    step: str
    state: str
    attempts: int
    last_error: str | None
    effect: str | None
    detail: dict[str, Any]
    updated_at: dt.datetime | None
    held: bool = False  # claimed by a run whose lease has not expired
    has_sealed: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """Proof that this run holds (order, step) until `lease_until`."""

    order_key: str
    step: str
    token: str
    lease_until: dt.datetime
    row: StepRow
    sealed: str | None = field(default=None, repr=False)


class LeaseLost(Exception):
    """Another run took the step over after our lease expired; our result was not recorded."""


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands timestamps back naive; they were written in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _to_row(r: Any, now: dt.datetime | None = None) -> StepRow:
    lease = _aware(r.lease_until)
    return StepRow(order_key=r.order_key, step=r.step, state=r.state, attempts=r.attempts,
                   last_error=r.last_error, effect=r.effect, detail=json.loads(r.detail or "{}"),
                   updated_at=_aware(r.updated_at),
                   held=bool(r.claim_token and lease and now and lease > now), has_sealed=bool(r.sealed))


def _utc(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC)


def _insert_ignoring(engine: Engine, table: Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING: concurrent creators of one key agree in one statement."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)


def ensure_steps(engine: Engine, order_key: str, steps: Sequence[str], *, now: dt.datetime) -> None:
    """Create the order's missing step rows as pending (one statement; concurrent callers are fine)."""
    now = _utc(now)
    rows = [{"order_key": order_key, "step": step, "position": position, "state": PENDING, "attempts": 0,
             "created_at": now, "updated_at": now} for position, step in enumerate(steps)]
    with engine.begin() as conn:
        conn.execute(_insert_ignoring(engine, order_steps).on_conflict_do_nothing(
            index_elements=["order_key", "step"]), rows)


def steps_of(engine: Engine, order_key: str, *, now: dt.datetime | None = None) -> list[StepRow]:
    with engine.connect() as conn:
        rows = conn.execute(select(order_steps).where(order_steps.c.order_key == order_key)
                            .order_by(order_steps.c.position, order_steps.c.id)).all()
    return [_to_row(r, _utc(now) if now else None) for r in rows]


def claim(engine: Engine, order_key: str, step: str, *, now: dt.datetime,
          lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Claim | StepRow:
    """Take the step for this run; returns the Claim, or the row as it stands when it is finished
    or another run's lease holds it."""
    now = _utc(now)
    token = secrets.token_hex(16)
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    c = order_steps.c
    with engine.begin() as conn:
        won = conn.execute(
            update(order_steps)
            .where(and_(c.order_key == order_key, c.step == step, c.state.notin_(FINISHED),
                        or_(c.claim_token.is_(None), c.lease_until.is_(None), c.lease_until <= now)))
            .values(claim_token=token, lease_until=lease_until, attempts=c.attempts + 1, updated_at=now)
            .returning(*order_steps.c)).first()
        if won is not None:
            return Claim(order_key, step, token, lease_until, _to_row(won, now), sealed=won.sealed)
        row = conn.execute(select(order_steps).where(and_(c.order_key == order_key, c.step == step))).one()
    return _to_row(row, now)


def _finish(engine: Engine, claim_: Claim, now: dt.datetime, **values: Any) -> None:
    c = order_steps.c
    with engine.begin() as conn:
        result = conn.execute(
            update(order_steps)
            .where(and_(c.order_key == claim_.order_key, c.step == claim_.step, c.claim_token == claim_.token))
            .values(updated_at=_utc(now), **values))
    if result.rowcount != 1:
        raise LeaseLost(f"order {claim_.order_key} step {claim_.step}: the lease ran out and another run took it")


def record_progress(engine: Engine, claim_: Claim, *, now: dt.datetime, detail: dict[str, Any] | None = None,
                    sealed: str | None = None, effect: str | None = None) -> None:
    """Keep facts learnt half-way through a step (before its effect), still holding the claim."""
    values: dict[str, Any] = {}
    if detail is not None:
        values["detail"] = json.dumps(redact(detail), sort_keys=True)
    if sealed is not None:
        values["sealed"] = sealed
    if effect is not None:
        values["effect"] = effect
    _finish(engine, claim_, now, **values)


def complete(engine: Engine, claim_: Claim, *, now: dt.datetime, effect: str | None = None,
             detail: dict[str, Any] | None = None, state: str = DONE) -> None:
    """The step's effect exists (or was not needed: `state=skipped`); release the claim."""
    values: dict[str, Any] = {"state": state, "effect": effect, "last_error": None, "claim_token": None,
                              "lease_until": None}
    if detail is not None:
        values["detail"] = json.dumps(redact(detail), sort_keys=True)
    _finish(engine, claim_, now, **values)


def fail(engine: Engine, claim_: Claim, error: BaseException | str, *, now: dt.datetime,
         retriable: bool = False) -> None:
    """The step failed; keep the (redacted) error for `explain`, `status` and `retry`.

    A retriable failure (an outage) leaves the step pending, so the next poll tries again; any
    other failure (bad data, a refused record) marks it failed: it waits for a person's `retry`.
    """
    text = error if isinstance(error, str) else str(error) or type(error).__name__
    _finish(engine, claim_, now, state=PENDING if retriable else FAILED, last_error=redact(text)[:2000],
            claim_token=None, lease_until=None)


def release(engine: Engine, claim_: Claim, *, now: dt.datetime) -> None:
    """Give the step back untouched (e.g. a dry run, or the run stops before it)."""
    _finish(engine, claim_, now, claim_token=None, lease_until=None)


def wipe_sealed(engine: Engine, order_key: str, *, now: dt.datetime) -> None:
    """Forget the encrypted password once every step that hands it over is finished."""
    with engine.begin() as conn:
        conn.execute(update(order_steps).where(and_(order_steps.c.order_key == order_key,
                                                    order_steps.c.sealed.is_not(None)))
                     .values(sealed=None, updated_at=_utc(now)))


def sealed_of(engine: Engine, order_key: str, step: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(order_steps.c.sealed).where(and_(
            order_steps.c.order_key == order_key, order_steps.c.step == step))).scalar()


def reset(engine: Engine, order_key: str, steps: Iterable[str] | None = None, *, now: dt.datetime,
          failed_only: bool = True) -> int:
    """Make steps pending again for `retry`: the failed ones, or the named ones whatever their state.

    A step someone else holds is left alone. Returns how many rows changed."""
    now = _utc(now)
    c = order_steps.c
    where = [c.order_key == order_key, or_(c.claim_token.is_(None), c.lease_until <= now)]
    if steps is not None:
        where.append(c.step.in_(list(steps)))
    if failed_only:
        where.append(c.state == FAILED)
    with engine.begin() as conn:
        result = conn.execute(update(order_steps).where(and_(*where)).values(
            state=PENDING, claim_token=None, lease_until=None, updated_at=now))
    return result.rowcount


def record_order(engine: Engine, order_key: str, *, po_number: str, accountno: str, company: str, sf: bool,
                 now: dt.datetime) -> None:
    """Remember the order's identity, so `explain` and `retry` find it by PO number too."""
    values = {"po_number": po_number, "accountno": accountno, "company": company[:80], "sf": sf,
              "updated_at": _utc(now)}
    statement = _insert_ignoring(engine, order_refs).values(order_key=order_key, **values)
    with engine.begin() as conn:
        conn.execute(statement.on_conflict_do_update(index_elements=["order_key"], set_=values))


def order_key_for(engine: Engine, reference: str) -> str | None:
    """The OPID for an OPID or a PO number that the ledger knows."""
    with engine.connect() as conn:
        hit = conn.execute(select(order_refs.c.order_key).where(order_refs.c.order_key == reference)).scalar()
        if hit is None:
            hit = conn.execute(select(order_steps.c.order_key).where(
                order_steps.c.order_key == reference).limit(1)).scalar()
        if hit is None:
            hit = conn.execute(select(order_refs.c.order_key).where(
                order_refs.c.po_number == reference).order_by(order_refs.c.order_key).limit(1)).scalar()
    return hit


def finished_orders(engine: Engine, order_keys: Iterable[str]) -> set[str]:
    """Of these orders, those whose every step is done or skipped (already onboarded)."""
    keys = list(order_keys)
    if not keys:
        return set()
    with engine.connect() as conn:
        rows = conn.execute(select(order_steps.c.order_key, order_steps.c.state)
                            .where(order_steps.c.order_key.in_(keys))).all()
    open_ = {r.order_key for r in rows if r.state not in FINISHED}
    return {r.order_key for r in rows} - open_


def unfinished_orders(engine: Engine, *, now: dt.datetime, limit: int = 500) -> list[str]:
    """Orders with a pending step nobody holds: a crashed run or an outage to resume.

    Orders with a failed step are left out: they wait for `goldheat retry` once the data is fixed,
    rather than failing again on every poll.
    """
    c = order_steps.c
    failed = select(c.order_key).where(c.state == FAILED)
    with engine.connect() as conn:
        return list(conn.execute(
            select(c.order_key).where(and_(c.state == PENDING, ~c.order_key.startswith(SHARED_PREFIX),
                                           ~c.order_key.in_(failed),
                                           or_(c.claim_token.is_(None), c.lease_until <= _utc(now))))
            .group_by(c.order_key).order_by(c.order_key).limit(limit)).scalars())


def load_cursor(engine: Engine, name: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        value = conn.execute(select(order_cursor.c.value).where(order_cursor.c.name == name)).scalar()
    return json.loads(value) if value else None


def save_cursor(engine: Engine, name: str, value: dict[str, Any], *, now: dt.datetime) -> None:
    text = json.dumps(value, sort_keys=True, default=str)
    with engine.begin() as conn:
        if conn.execute(update(order_cursor).where(order_cursor.c.name == name)
                        .values(value=text, updated_at=_utc(now))).rowcount:
            return
    try:
        with engine.begin() as conn:
            conn.execute(insert(order_cursor).values(name=name, value=text, updated_at=_utc(now)))
    except IntegrityError:
        save_cursor(engine, name, value, now=now)


def _failures(conn: Connection) -> list[Any]:
    c = order_steps.c
    return conn.execute(select(c.order_key, c.step, c.attempts, c.updated_at, c.last_error,
                               order_refs.c.po_number, order_refs.c.company)
                        .select_from(order_steps.outerjoin(order_refs, order_refs.c.order_key == c.order_key))
                        .where(c.state == FAILED).order_by(c.updated_at.desc()).limit(200)).all()


def status_rows(engine: Engine) -> tuple[str, list[dict[str, Any]]]:
    """For `goldheat status`: order steps that failed and wait for `goldheat retry`."""
    with engine.connect() as conn:
        rows = _failures(conn)
    return "order steps waiting for retry", [
        {"order": r.order_key, "po": r.po_number or "", "company": r.company or "", "step": r.step,
         "attempts": r.attempts, "at": _aware(r.updated_at).isoformat() if r.updated_at else "",
         "error": redact(r.last_error or "")}
        for r in rows
    ]
