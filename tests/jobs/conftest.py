"""Fixtures of the follow-up job suites: a GoldMine replica per dialect, a state store, a frozen clock.

Rows are written the way GoldMine writes them (every NOT NULL column, blanks, U_ shadows) by
`GoldMineRows`; jobs run through a real `JobContext` over the real connector, so these are
integration tests of the whole path. The clock is injected and moved by hand: no test sleeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyodbc
import pytest

from config.process import load_process
from config.settings import Dialect, GoldMineSettings, Settings
from connectors.goldmine import writes
from connectors.goldmine.connector import GoldMineConnector
from connectors.goldmine.dialect import sql_dialect
from connectors.goldmine.schema import TABLES
from connectors.odbc import odbc_factory
from jobs.context import JobContext
from jobs.state.db import create_all, make_engine
from tests.conftest import DIALECTS
from tests.support import FrozenClock, clear_goldmine, goldmine_database

LONDON = dt.timezone(dt.timedelta(0))


Clock = FrozenClock


@dataclass
class GoldMineRows:
    dialect: str
    dsn: str
    made: list[str] = field(default_factory=list)

    def connect(self) -> Any:
        return pyodbc.connect(self.dsn)

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        conn = self.connect()
        try:
            cursor = conn.execute(sql, params or [])
            names = [c[0].upper() for c in cursor.description]
            return [dict(zip(names, r)) for r in cursor.fetchall()]
        finally:
            conn.close()

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        conn = self.connect()
        try:
            conn.execute(sql, params or [])
            conn.commit()
        finally:
            conn.close()

    def insert(self, table: str, **values: Any) -> None:
        spec = TABLES[table]
        row: dict[str, Any] = {c.name: ("" if c.type.value == "varchar" else None) for c in spec.columns}
        row.update({k.upper(): v for k, v in values.items()})
        for column in (c.name for c in spec.columns if c.name.startswith("U_")):
            if column[2:] in row and column not in {k.upper() for k in values}:
                row[column] = str(row[column[2:]] or "").upper()
        if "RECID" in row and not row["RECID"]:
            row["RECID"] = f"T{len(self.made):014d}"
        self.made.append(str(row.get("RECID")))
        self.execute(*writes.insert(sql_dialect(self.dialect), table, row))

    def account(self, accountno: str, *, company: str = "", kind: str = "Distributor", tier: str = "Large",
                sm: str = "ASHAW", team: str = "", contact: str = "Ann Other") -> str:
        self.insert("CONTACT1", ACCOUNTNO=accountno, RECID=f"R{accountno[:14]}", COMPANY=company or f"Co {accountno}",
                    CONTACT=contact, KEY1=kind, KEY2=tier, KEY3=team, KEY4=sm, STATUS="U0", CREATEBY="MASTER",
                    CREATEON=dt.datetime(2020, 1, 6), CREATEAT="10:00", LASTUSER="MASTER",
                    LASTDATE=dt.datetime(2020, 1, 6), LASTTIME="10:00")
        return accountno

    def email(self, accountno: str, address: str) -> None:
        self.insert("CONTSUPP", ACCOUNTNO=accountno, RECTYPE="P", CONTACT="E-mail Address",
                    CONTSUPREF=address[:35], ADDRESS1=address[35:] or " ", ZIP="011", STATUS="00", RECID="")

    def history(self, accountno: str, code: str, day: dt.date, *, result: str = "", loprecid: str = "",
                rectype: str = "CC", user: str = "ASHAW", recid: str = "", ref: str = "done") -> None:
        self.insert("CONTHIST", ACCOUNTNO=accountno, USERID=user, SRECTYPE=rectype[0], RECTYPE=rectype,
                    ONDATE=dt.datetime(day.year, day.month, day.day), ONTIME="10:00", ACTVCODE=code,
                    RESULTCODE=result, STATUS=" 0", REF=ref, LOPRECID=loprecid, CREATEBY=user,
                    CREATEON=dt.datetime(day.year, day.month, day.day), CREATEAT="10:00", RECID=recid)

    def pending(self, accountno: str, code: str, day: dt.date, *, by: str = "ASHAW", user: str = "ASHAW",
                rectype: str = "C", ref: str = "by hand", recid: str = "", loprecid: str = "") -> None:
        self.insert("CAL", ACCOUNTNO=accountno, USERID=user, RECTYPE=rectype, ACTVCODE=code,
                    ONDATE=dt.datetime(day.year, day.month, day.day), ENDDATE=dt.datetime(day.year, day.month,
                                                                                            day.day),
                    ONTIME="", ALARMFLAG="N", RSVP="N", STATUS=" 0", REF=ref, CREATEBY=by, LOPRECID=loprecid,
                    CREATEON=dt.datetime(2026, 1, 5), CREATEAT="09:00", RECID=recid)

    def opportunity(self, opid: str, accountno: str, *, stage: str, amount: float = 1000.0, sm: str = "ASHAW",
                    name: str = "", fields: dict[str, str] | None = None) -> str:
        self.insert("OPMGR", OPID=opid, RECID=opid, RECTYPE="O", ACCOUNTNO=accountno, USERID=sm,
                    COMPANY=f"Co {accountno}", CONTACT="Ann Other", NAME=name or f"Deal {opid}", STAGE=stage,
                    FORAMT=amount, CLOSEAMT=0.0)
        for number, (fname, value) in enumerate((fields or {}).items()):
            self.insert("OPMGRFLD", LOPID=opid, RECTYPE="O", FNAME=fname, FVALUE=value,
                        RECID=f"F{opid[:10]}{number:03d}")
        return opid

    def set_field(self, opid: str, fname: str, value: str) -> None:
        self.execute("UPDATE OPMGRFLD SET FVALUE = ? WHERE LOPID = ? AND FNAME = ?", [value, opid, fname])

    def cal(self, where: str = "", params: list[Any] | None = None) -> list[dict[str, Any]]:
        return self.query(f"SELECT * FROM CAL {where} ORDER BY ACCOUNTNO, ACTVCODE, ONDATE", params)

    def conthist(self, where: str = "", params: list[Any] | None = None) -> list[dict[str, Any]]:
        return self.query(f"SELECT * FROM CONTHIST {where} ORDER BY ACCOUNTNO, ONDATE, RECID", params)


@pytest.fixture(scope="session", params=DIALECTS)
def goldmine_db(request: pytest.FixtureRequest, database_factory: Any) -> GoldMineRows:
    return GoldMineRows(request.param, goldmine_database(database_factory, request.param, "ghjobs"))


@pytest.fixture
def gm(goldmine_db: GoldMineRows) -> GoldMineRows:
    clear_goldmine(goldmine_db.connect)
    return goldmine_db


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC))  # Monday 30 Nov 2026, 09:00 in London


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state.sqlite'}"


@pytest.fixture
def make_ctx(gm: GoldMineRows, clock: Clock, state_url: str) -> Iterator[Callable[..., JobContext]]:
    """Build contexts over the same GoldMine, state store and clock (one per run, like the CLI)."""
    engine = make_engine(state_url)
    create_all(engine)
    made: list[JobContext] = []

    def make(*, dry_run: bool = False, heat: Any = None, **settings: Any) -> JobContext:
        cfg = Settings(goldmine=GoldMineSettings(dsn=gm.dsn, dialect=Dialect(gm.dialect)), **settings)
        ctx = JobContext(settings=cfg, process=load_process(), dry_run=dry_run, clock=clock,
                         goldmine_factory=lambda: GoldMineConnector(
                             cfg.goldmine, odbc_factory(gm.dsn), Dialect(gm.dialect), clock=clock),
                         heat_factory=(lambda: heat) if heat is not None else None, state_engine=engine)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()
    engine.dispose()
