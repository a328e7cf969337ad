"""Single-run leases in the state store, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from jobs.service.guard import single_run
from jobs.state import locks
from jobs.state.db import create_all, make_engine
from tests.conftest import create_database, drop_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('state') / 'state.sqlite'}")
        create_all(engine)
        yield engine
        engine.dispose()
        return
    name, _ = create_database("postgresql", "lease")
    engine = make_engine(f"postgresql://postgres@127.0.0.1:5432/{name}")
    create_all(engine)
    yield engine
    engine.dispose()
    drop_database("postgresql", name)


def test_a_second_holder_is_refused_while_the_lease_lasts(engine: Engine, unique_name: str) -> None:
    assert locks.acquire(engine, unique_name, "a", 30)
    assert not locks.acquire(engine, unique_name, "b", 30)
    assert locks.current(engine, unique_name).holder == "a"


def test_an_expired_lease_is_taken_over(engine: Engine, unique_name: str) -> None:
    assert locks.acquire(engine, unique_name, "a", 0.2)
    time.sleep(0.3)
    assert locks.current(engine, unique_name) is None
    assert locks.acquire(engine, unique_name, "b", 30)
    assert not locks.renew(engine, unique_name, "a", 30)


def test_the_holder_may_take_its_own_lease_again(engine: Engine, unique_name: str) -> None:
    assert locks.acquire(engine, unique_name, "a", 30)
    assert locks.acquire(engine, unique_name, "a", 30)


def test_release_frees_it_only_for_its_holder(engine: Engine, unique_name: str) -> None:
    locks.acquire(engine, unique_name, "a", 30)
    locks.release(engine, unique_name, "b")
    assert locks.current(engine, unique_name) is not None
    locks.release(engine, unique_name, "a")
    assert locks.acquire(engine, unique_name, "b", 30)


def test_single_run_renews_the_lease_while_the_work_lasts(engine: Engine, unique_name: str) -> None:
    with single_run(engine, unique_name, "a", 0.6) as held:
        assert held
        time.sleep(1.2)  # two lease periods: only the heartbeat keeps it
        assert not locks.acquire(engine, unique_name, "b", 30)
    assert locks.current(engine, unique_name) is None


def test_single_run_yields_false_when_busy(engine: Engine, unique_name: str) -> None:
    locks.acquire(engine, unique_name, "a", 30)
    with single_run(engine, unique_name, "b", 30) as held:
        assert not held
    assert locks.current(engine, unique_name).holder == "a"
