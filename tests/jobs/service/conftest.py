"""Fixtures for the service tests: a PostgreSQL database for state and effects, service processes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import create_database, drop_database
from tests.jobs.service.keyed_job import create_tables
from tests.jobs.service.procs import Processes, base_env

REDIS_URL = "redis://127.0.0.1:6379/0"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
KEYED = "tests.jobs.service.keyed_job:keyed"
QUICK = "tests.jobs.service.keyed_job:quick"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database (SQLAlchemy URL) for the state store and the test effects."""
    name, _dsn = create_database("postgresql", "svc")
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    create_tables(url)
    yield url
    drop_database("postgresql", name)


@pytest.fixture
def clean_effects(pg_url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE svc_effects, svc_runs"))
        if _has_leases(conn):
            conn.execute(text("DELETE FROM leases"))
    engine.dispose()
    return pg_url


def _has_leases(conn) -> bool:  # noqa: ANN001
    from sqlalchemy import inspect

    return "leases" in inspect(conn).get_table_names()


@pytest.fixture
def procs(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Processes]:
    running = Processes(tmp_path)
    yield running
    running.stop_all()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(running.logs())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def service_env(tmp_path: Path, broker: str, state_url: str, *, queue: str | None = None,
                jobs: dict[str, str] | None = None, name: str = "var", **settings: str) -> dict[str, str]:
    """The environment of one service process (its own var dir, shared broker queue and state)."""
    env = {
        "GOLDHEAT_VAR_DIR": str(tmp_path / name),
        "GOLDHEAT_BROKER__URL": broker,
        "GOLDHEAT_BROKER__QUEUE": queue or "t" + uuid.uuid4().hex[:10],
        "GOLDHEAT_STATE__URL": state_url,
        "GOLDHEAT_SERVICE__LOCK_LEASE_SECONDS": "2",
        **{f"GOLDHEAT_{k.upper()}": v for k, v in settings.items()},
    }
    return base_env(env, jobs)


def client_app(env: dict[str, str]):  # noqa: ANN201
    """A Celery app with the same settings as the processes, for sending tasks from the test."""
    import os
    from unittest import mock

    from config.settings import load_settings
    from jobs.service.celery_app import create_app

    with mock.patch.dict(os.environ, {k: v for k, v in env.items() if k.startswith("GOLDHEAT_")}):
        return create_app(load_settings())
