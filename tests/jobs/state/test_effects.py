"""The keyed-effect table: first writer wins, on SQLite and PostgreSQL state stores."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from jobs.state import effects
from jobs.state.db import create_all, make_engine
from tests.conftest import create_database, drop_database


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # noqa: ANN001
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'state.sqlite'}")
        name = None
    else:
        name, _ = create_database("postgresql", "ghstate")
        made = make_engine(f"postgresql://postgres@127.0.0.1:5432/{name}")
    create_all(made)
    yield made
    made.dispose()
    if name:
        drop_database("postgresql", name)


def test_first_writer_wins(engine: Engine) -> None:
    assert effects.record(engine, "proposals", "OP1:since", "2026-11-30").effect == "2026-11-30"
    assert effects.record(engine, "proposals", "OP1:since", "2026-12-01").effect == "2026-11-30"
    assert effects.get(engine, "proposals", "OP1:since").effect == "2026-11-30"
    assert effects.get(engine, "referrals", "OP1:since") is None


def test_get_many_in_chunks(engine: Engine) -> None:
    for n in range(0, 1200, 2):
        effects.record(engine, "responses", f"H{n}:message", f"R{n}")
    found = effects.get_many(engine, "responses", [f"H{n}:message" for n in range(1200)])
    assert len(found) == 600 and found["H10:message"].effect == "R10"


def test_forget_lets_it_happen_again(engine: Engine) -> None:
    effects.record(engine, "reminders", "OP1:email", "<id1>")
    effects.forget(engine, "reminders", "OP1:email")
    assert effects.record(engine, "reminders", "OP1:email", "<id2>").effect == "<id2>"
    assert [e.key for e in effects.for_job(engine, "reminders", prefix="OP1:")] == ["OP1:email"]


def test_concurrent_writers_agree_on_one_effect(engine: Engine) -> None:
    results: list[str] = []

    def write(value: str) -> None:
        results.append(effects.record(engine, "referrals", "OPX", value).effect)

    threads = [threading.Thread(target=write, args=(f"R{n}",)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 8
