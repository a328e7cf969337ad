"""Shared fixtures of the connector suites: one real database per dialect, rows as GoldMine writes them.

Each dialect's database is created once per session (H1's `create_schema`); every test starts
from empty tables. Fixture rows carry GoldMine-looking ids (punctuation, spaces, quotes) and
the blanks GoldMine leaves, so the connector is tested against what it will really meet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyodbc
import pytest

from config.settings import Dialect, GoldMineSettings, RetrySettings
from connectors.goldmine import writes
from connectors.goldmine.connector import GoldMineConnector
from connectors.goldmine.dialect import sql_dialect
from connectors.goldmine.schema import TABLES
from tests.conftest import DIALECTS
from tests.support import FrozenClock, clear_goldmine, goldmine_database

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=UTC)  # 10:30 in London (BST)
ACC = "B5012647614&:;:!HKat"  # GoldMine's own example: punctuation everywhere
ACC2 = "B2021049163 0JWF 706"
ACC_QUOTE = "C6061512345O'B'%Ltd"


class FakeClock(FrozenClock):
    def __init__(self, now: dt.datetime = NOW) -> None:
        super().__init__(now)


class FakeStamps:
    """A stand-in for GMW_SyncStamp: 7-character stamps in issue order."""

    def __init__(self) -> None:
        self.issued = 0

    def stamp(self) -> str:
        self.issued += 1
        return f"S{self.issued:06d}"


@dataclass
class GoldMineDb:
    dialect: str
    dsn: str
    extra: dict[str, Any] = field(default_factory=dict)

    def connect(self) -> Any:
        return pyodbc.connect(self.dsn)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        conn = self.connect()
        try:
            cursor = conn.execute(sql, params or [])
            names = [c[0].upper() for c in cursor.description]
            return [dict(zip(names, r)) for r in cursor.fetchall()]
        finally:
            conn.close()

    def insert(self, table: str, **values: Any) -> None:
        """Insert a row the way GoldMine would: every NOT NULL column filled, blanks not NULL."""
        spec = TABLES[table]
        row = {c.name: ("" if c.type.value == "varchar" else None) for c in spec.columns}
        row.update({k.upper(): v for k, v in values.items()})
        for column in [c.name for c in spec.columns if c.name.startswith("U_")]:
            source = column[2:]
            if source in row and column.upper() not in {k.upper() for k in values}:
                row[column] = str(row[source] or "").upper()
        sql, params = writes.insert(sql_dialect(self.dialect), table, row)
        conn = self.connect()
        try:
            conn.execute(sql, params)
            conn.commit()
        finally:
            conn.close()

    def account(self, accountno: str = ACC, *, recid: str = "GXZDVN2#SIYUT&@", company: str = "Katherine Ltd",
                contact: str = "Kate Bush", key1: str = "Customer", key4: str = "SMITH", **extra: Any) -> None:
        self.insert("CONTACT1", ACCOUNTNO=accountno, RECID=recid, COMPANY=company, CONTACT=contact,
                    KEY1=key1, KEY4=key4, STATUS="U0", CREATEBY="MASTER", CREATEON=dt.date(2015, 1, 26),
                    CREATEAT="13:13", LASTUSER="MASTER", LASTDATE=dt.date(2015, 1, 26), LASTTIME="13:13",
                    **extra)

    def count(self, table: str, where: str = "", params: list[Any] | None = None) -> int:
        return int(self.rows(f"SELECT COUNT(*) AS N FROM {table} {where}", params)[0]["N"])


@pytest.fixture(scope="session", params=DIALECTS)
def gm_database(request: pytest.FixtureRequest, database_factory: Any) -> GoldMineDb:
    return GoldMineDb(request.param, goldmine_database(database_factory, request.param, "ghgm"))


@pytest.fixture
def gm_db(gm_database: GoldMineDb) -> GoldMineDb:
    clear_goldmine(gm_database.connect)
    return gm_database


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_connector(db: GoldMineDb, clock: FakeClock, **settings: Any) -> GoldMineConnector:
    stamp_source = settings.pop("stamp_source", None)
    return GoldMineConnector(GoldMineSettings(**settings), db.connect, Dialect(db.dialect), clock=clock,
                             stamp_source=stamp_source,
                             retry=RetrySettings(initial_wait_seconds=0, max_wait_seconds=0))


@pytest.fixture
def gm(gm_db: GoldMineDb, clock: FakeClock) -> Any:
    connector = make_connector(gm_db, clock)
    yield connector
    connector.close()
