"""Shared fixtures: real ODBC connection strings for the local database servers.

The servers are the ones this kind of machine runs (PostgreSQL 127.0.0.1:5432 trust auth,
MariaDB 127.0.0.1:3306 root); `make test` creates the databases. SQLite files live in tmp_path.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures.heat"]

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


@pytest.fixture(autouse=True)
def _reset_logging():
    """A test that configures logging (a CLI run) onto a stream that then closes must not make
    every later log call in the session fail with 'I/O operation on closed file'."""
    yield
    import structlog

    structlog.reset_defaults()


@pytest.fixture
def unique_name() -> str:
    return "t" + uuid.uuid4().hex[:10]


# --- fresh databases on the real servers -----------------------------------------------------------
# Every test session (and every helper process) gets databases of its own, so suites running at
# the same time on one machine never share GoldMine's fixed table names.

def create_database(dialect: str, prefix: str = "gh") -> tuple[str, str]:
    """Create an empty, non-Unicode (Windows-1252) database; returns (name, ODBC DSN)."""
    import pyodbc

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    if dialect == "postgresql":
        conn = pyodbc.connect(pg_dsn("postgres"), autocommit=True)
        conn.execute(f"CREATE DATABASE {name} ENCODING 'WIN1252' LC_COLLATE 'C' LC_CTYPE 'C' "
                     "TEMPLATE template0")
        conn.close()
        return name, pg_dsn(name)
    if dialect == "mariadb":
        conn = pyodbc.connect(maria_dsn(""), autocommit=True)
        conn.execute(f"CREATE DATABASE {name} CHARACTER SET latin1 COLLATE latin1_general_ci")
        conn.close()
        return name, maria_dsn(name)
    raise ValueError(dialect)


def drop_database(dialect: str, name: str) -> None:
    import pyodbc

    if dialect == "postgresql":
        conn = pyodbc.connect(pg_dsn("postgres"), autocommit=True)
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        conn = pyodbc.connect(maria_dsn(""), autocommit=True)
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
    conn.close()


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory):
    """Call with 'sqlite', 'postgresql' or 'mariadb' to get the DSN of a new, empty database."""
    created: list[tuple[str, str]] = []

    def make(dialect: str, prefix: str = "gh") -> str:
        if dialect == "sqlite":
            return sqlite_dsn(tmp_path_factory.mktemp(prefix) / "db.sqlite")
        name, dsn = create_database(dialect, prefix)
        created.append((dialect, name))
        return dsn

    yield make
    for dialect, name in created:
        drop_database(dialect, name)


DIALECTS = ("sqlite", "postgresql", "mariadb")
