"""The state store's tables are created once even when several workers start at the same moment."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pyodbc
import pytest
from sqlalchemy import inspect

from jobs.state.db import make_engine, metadata
from tests.conftest import pg_dsn

RACE = ("import sys; from jobs.state.db import make_engine, create_all; "
        "create_all(make_engine(sys.argv[1])); print('created')")


@pytest.fixture
def fresh_state_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.sqlite'}"
        return
    name = "ghstate_" + uuid.uuid4().hex[:10]
    admin = pyodbc.connect(pg_dsn("postgres"), autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.mark.parametrize("fresh_state_url", ["sqlite", "postgresql"], indirect=True)
def test_four_processes_creating_the_tables_at_once_all_succeed(fresh_state_url: str) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", RACE, fresh_state_url], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    from jobs.state import tables  # noqa: F401  (registers every table on metadata)

    assert set(metadata.tables) <= set(inspect(make_engine(fresh_state_url)).get_table_names())
