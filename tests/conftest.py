"""Shared fixtures: real ODBC connection strings for the local database servers.

The servers are the ones this kind of machine runs (PostgreSQL 127.0.0.1:5432 trust auth,
MariaDB 127.0.0.1:3306 root); `make test` creates the databases. SQLite files live in tmp_path.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

PG_HOST = os.environ.get("GOLDHEAT_TEST_PG_HOST", "127.0.0.1")
MARIA_HOST = os.environ.get("GOLDHEAT_TEST_MARIA_HOST", "127.0.0.1")


def pg_dsn(database: str) -> str:
    return (f"DRIVER={{PostgreSQL Unicode}};SERVER={PG_HOST};PORT=5432;DATABASE={database};"
            "UID=postgres;PWD=;BoolsAsChar=0")


def maria_dsn(database: str) -> str:
    return f"DRIVER={{MariaDB Unicode}};SERVER={MARIA_HOST};PORT=3306;DATABASE={database};UID=root;PWD="


def sqlite_dsn(path: Path) -> str:
    return f"DRIVER={{SQLite3}};DATABASE={path}"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's GOLDHEAT_* variables; var/ goes to the test's tmp dir."""
    for key in list(os.environ):
        if key.startswith("GOLDHEAT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("GOLDHEAT_VAR_DIR", str(tmp_path / "var"))


@pytest.fixture
def unique_name() -> str:
    return "t" + uuid.uuid4().hex[:10]
