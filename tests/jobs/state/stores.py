"""State stores for tests: a SQLite file, or a fresh database on the real PostgreSQL server.

Each PostgreSQL store is its own database, so test runs in parallel never share goldheat's
fixed table names; it is dropped when the test ends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from jobs.state.db import create_all, make_engine

PG_SERVER = os.environ.get("GOLDHEAT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
KINDS = ("sqlite", "postgresql")


@contextmanager
def state_store(kind: str, tmp_path: Path) -> Iterator[Engine]:
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'state.sqlite'}")
        create_all(engine)
        yield engine
        engine.dispose()
        return
    name = "ghstate_" + uuid.uuid4().hex[:12]
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine = make_engine(f"{PG_SERVER.replace('+psycopg', '')}/{name}")
    try:
        create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
