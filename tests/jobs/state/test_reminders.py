"""Reminder rows: unique (order, kind), due sweeps, claims with a lease, status rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from jobs.state import reminders as rows
from jobs.state.db import create_all, make_engine

NOW = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=15)
D = dt.date


@pytest.fixture
def engine(tmp_path) -> Engine:  # noqa: ANN001
    made = make_engine(f"sqlite:///{tmp_path / 'state.sqlite'}")
    create_all(made)
    return made


def test_one_row_per_order_and_kind(engine: Engine) -> None:
    assert rows.add(engine, "OP1", "email", "A1", D(2026, 11, 2), D(2026, 11, 16), NOW)
    assert not rows.add(engine, "OP1", "email", "A1", D(2026, 11, 2), D(2026, 11, 20), NOW)
    assert rows.for_orders(engine, ["OP1"])["OP1"]["email"].due == D(2026, 11, 16)


def test_due_claim_and_lease(engine: Engine) -> None:
    rows.add(engine, "OP1", "email", "A1", D(2026, 11, 2), D(2026, 11, 16), NOW)
    rows.add(engine, "OP1", "eqc", "A1", D(2026, 11, 2), D(2027, 1, 4), NOW)
    assert [r.kind for r in rows.due(engine, D(2026, 11, 16), NOW, LEASE)] == ["email"]
    assert rows.claim(engine, "OP1", "email", NOW, LEASE)
    assert not rows.claim(engine, "OP1", "email", NOW + dt.timedelta(minutes=5), LEASE)   # held
    assert rows.due(engine, D(2026, 11, 16), NOW + dt.timedelta(minutes=5), LEASE) == []
    later = NOW + dt.timedelta(minutes=16)                                               # the holder died
    assert [r.state for r in rows.due(engine, D(2026, 11, 16), later, LEASE)] == ["claimed"]
    assert rows.claim(engine, "OP1", "email", later, LEASE)
    rows.finish(engine, "OP1", "email", rows.DONE, later, effect="<id>")
    assert not rows.claim(engine, "OP1", "email", later + dt.timedelta(hours=1), LEASE)
    assert rows.for_orders(engine, ["OP1"])["OP1"]["email"].attempts == 2


def test_release_redate_and_cancel(engine: Engine) -> None:
    rows.add(engine, "OP1", "email", "A1", D(2026, 11, 2), D(2026, 11, 16), NOW)
    rows.add(engine, "OP1", "eqc", "A1", D(2026, 11, 2), D(2027, 1, 4), NOW)
    rows.claim(engine, "OP1", "email", NOW, LEASE)
    rows.release(engine, "OP1", "email", NOW, "550 no such user")
    email = rows.for_orders(engine, ["OP1"])["OP1"]["email"]
    assert (email.state, email.error) == ("pending", "550 no such user")
    assert rows.redate(engine, "OP1", "eqc", D(2026, 11, 9), D(2027, 1, 8), NOW)
    rows.finish(engine, "OP1", "eqc", rows.DONE, NOW)
    assert not rows.redate(engine, "OP1", "eqc", D(2026, 11, 2), D(2027, 1, 4), NOW)     # done stays
    assert rows.open_orders(engine) == ["OP1"]
    assert rows.cancel(engine, "OP1", NOW) == 1
    assert rows.open_orders(engine) == []


def test_status_rows_list_what_is_to_come(engine: Engine) -> None:
    rows.add(engine, "OP2", "eqc", "A2", D(2026, 11, 2), D(2027, 1, 4), NOW)
    rows.add(engine, "OP1", "email", "A1", D(2026, 11, 2), D(2026, 11, 16), NOW)
    rows.add(engine, "OP3", "email", "A3", D(2026, 11, 2), D(2026, 11, 16), NOW, state=rows.SKIPPED)
    title, listed = rows.status_rows(engine)
    assert title == "reminders due"
    assert [(r["order"], r["kind"], r["due"]) for r in listed] == [("OP1", "email", "2026-11-16"),
                                                                   ("OP2", "eqc", "2027-01-04")]
