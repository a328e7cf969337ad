"""Fixtures for the order onboarding tests: a World on SQLite, or on the real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyodbc
import pytest

from config.settings import Dialect
from connectors.goldmine.schema import TABLES, create_schema
from tests.fixtures.heat import HEAT_API_KEY
from tests.jobs.orders.world import World
from tests.jobs.state.stores import state_store


def _schema(dsn: str, dialect: str) -> None:
    conn = pyodbc.connect(dsn)
    try:
        create_schema(conn, Dialect(dialect))
    finally:
        conn.close()


@pytest.fixture
def world(tmp_path: Path, heat_simulator: Any, database_factory: Any) -> Iterator[World]:
    dsn = database_factory("sqlite", "orders")
    _schema(dsn, "sqlite")
    with state_store("sqlite", tmp_path) as engine:
        yield World("sqlite", dsn, heat_simulator, HEAT_API_KEY, engine, tmp_path)


@pytest.fixture(scope="session")
def pg_goldmine(database_factory: Any) -> str:
    dsn = database_factory("postgresql", "ghorders")
    _schema(dsn, "postgresql")
    return dsn


@pytest.fixture
def pg_world(tmp_path: Path, heat_simulator: Any, pg_goldmine: str) -> Iterator[World]:
    conn = pyodbc.connect(pg_goldmine)
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")
    conn.commit()
    conn.close()
    with state_store("postgresql", tmp_path) as engine:
        yield World("postgresql", pg_goldmine, heat_simulator, HEAT_API_KEY, engine, tmp_path)
