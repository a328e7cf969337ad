"""A HEAT classic replica per dialect (built once per module), and backends on it."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pyodbc
import pytest

from config.settings import HeatSettings, Settings
from connectors.heat.classic.backend import ClassicBackend
from connectors.heat.classic.passwords import pbkdf2
from connectors.heat.classic.schema import init_classic
from connectors.odbc import detect_dialect, odbc_factory
from tests.conftest import DIALECTS

# 11:30:05 UTC on 1 July is 12:30:05 in London (BST): proves the site time zone is applied.
FIXED = datetime(2026, 7, 1, 11, 30, 5, tzinfo=UTC)


@pytest.fixture(scope="module", params=DIALECTS)
def classic_dsn(request: pytest.FixtureRequest, database_factory) -> str:
    dsn = database_factory(request.param, prefix="heat")
    init_classic(dsn, Settings())
    return dsn


def make_backend(dsn: str, **kwargs) -> ClassicBackend:
    kwargs.setdefault("clock", lambda: FIXED)
    kwargs.setdefault("password_encoder", partial(pbkdf2, iterations=1_000))  # the default is deliberately slow
    return ClassicBackend(HeatSettings(), odbc_factory(dsn), detect_dialect(dsn), **kwargs)


@pytest.fixture
def backend(classic_dsn: str):
    made = make_backend(classic_dsn)
    yield made
    made.close()


def fetch(dsn: str, sql: str, *params) -> list[tuple]:
    conn = pyodbc.connect(dsn)
    try:
        return [tuple(row) for row in conn.execute(sql, *params).fetchall()]
    finally:
        conn.close()
