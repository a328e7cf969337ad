"""Helpers shared by the connector and job suites: a clock moved by hand, GoldMine test databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pyodbc

from config.settings import Dialect
from connectors.goldmine.schema import TABLES, create_schema


class FrozenClock:
    """The injected clock: a UTC instant moved by hand (time travel without sleeping)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)

    travel = advance

    def to(self, day: dt.date, hour: int = 9) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def goldmine_database(database_factory: Callable[[str, str], str], dialect: str, prefix: str) -> str:
    """A new database on the real server (or a SQLite file) holding GoldMine's empty tables."""
    dsn = database_factory(dialect, prefix)
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect(dialect))
    conn.close()
    return dsn


def clear_goldmine(connect: Callable[[], Any]) -> None:
    """Empty every GoldMine table, so each test starts from nothing on a session's database."""
    conn = connect()
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")
    conn.commit()
    conn.close()
