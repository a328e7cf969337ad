"""A small real world for order onboarding tests: a GoldMine database (SQLite or PostgreSQL through
pyodbc, H1's schema), the ISM simulator on loopback, a state store, a letters folder, a clock.

`World.context()` builds a fresh JobContext over them (one per thread, as the connectors want);
`World.counts(...)` counts each effect where it lands, for the exactly-once assertions.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyodbc
from sqlalchemy.engine import Engine

from config.process import load_process
from config.settings import Dialect, Settings
from connectors.goldmine import writes
from connectors.goldmine.connector import GoldMineConnector
from connectors.goldmine.dialect import sql_dialect
from connectors.goldmine.schema import TABLES
from connectors.heat.ism.backend import IsmBackend
from jobs.context import JobContext
from tests.support import FrozenClock

NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
SM, SM_NAME = "ASHAW", "Alan Shaw"


class Clock(FrozenClock):
    def __init__(self, now: dt.datetime = NOW) -> None:
        super().__init__(now)


def png(path: Path, width: int = 40, height: int = 12) -> Path:
    """A tiny real PNG (a signature stand-in) without an imaging library."""
    raw = b"".join(b"\x00" + bytes([0, 0, 0] * width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def pdf_text(path: Path) -> str:
    """The text drawn in a PDF (reportlab's Flate streams, inflated) for content assertions."""
    import base64

    data = path.read_bytes()
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        body = match.group(1).strip()
        try:
            if body.endswith(b"~>"):
                body = base64.a85decode(body[:-2])
            body = zlib.decompress(body)
        except (ValueError, zlib.error):
            continue
        out.append(body.decode("latin-1"))
    return "\n".join(out)


@dataclass
class World:
    dialect: str
    dsn: str
    simulator: Any
    api_key: str
    state: Engine
    tmp: Path
    clock: Clock = field(default_factory=Clock)
    overrides: dict[str, Any] = field(default_factory=dict)
    _ids: int = 0

    # --- the system under test -----------------------------------------------------------------
    def settings(self) -> Settings:
        base: dict[str, Any] = {
            "heat": {"base_url": self.simulator.base_url, "api_key": self.api_key},
            "letters": {"output_dir": str(self.tmp / "letters"),
                        "signatures": {SM: str(png(self.tmp / "ashaw.png"))},
                        "sm_phones": {SM: "+44 20 7946 0100"}, "sm_emails": {SM: "alan.shaw@example.com"}},
            "retry": {"attempts": 2, "initial_wait_seconds": 0, "max_wait_seconds": 0},
            "var_dir": str(self.tmp / "var"),
        }
        for section, values in self.overrides.items():
            base[section] = {**base.get(section, {}), **values} if isinstance(values, dict) else values
        return Settings(**base)

    def cli_env(self) -> dict[str, str]:
        """The same world as environment variables, for `goldheat` commands run in-process."""
        import json

        self.settings()  # writes the signature image
        return {
            "GOLDHEAT_GOLDMINE__DSN": self.dsn, "GOLDHEAT_GOLDMINE__DIALECT": self.dialect,
            "GOLDHEAT_HEAT__BASE_URL": self.simulator.base_url, "GOLDHEAT_HEAT__API_KEY": self.api_key,
            "GOLDHEAT_STATE__URL": self.state.url.render_as_string(hide_password=False),
            "GOLDHEAT_LETTERS__OUTPUT_DIR": str(self.tmp / "letters"),
            "GOLDHEAT_LETTERS__SIGNATURES": json.dumps({SM: str(self.tmp / "ashaw.png")}),
            "GOLDHEAT_VAR_DIR": str(self.tmp / "var"), "GOLDHEAT_LOG__LEVEL": "DEBUG",
            "GOLDHEAT_LOG__FORMAT": "json", "GOLDHEAT_RETRY__ATTEMPTS": "2",
            "GOLDHEAT_RETRY__INITIAL_WAIT_SECONDS": "0",
        }

    def connector(self, settings: Settings | None = None) -> GoldMineConnector:
        settings = settings or self.settings()
        return GoldMineConnector(settings.goldmine, lambda: pyodbc.connect(self.dsn), Dialect(self.dialect),
                                 clock=self.clock, retry=settings.retry)

    def context(self, *, dry_run: bool = False) -> JobContext:
        settings = self.settings()
        return JobContext(settings=settings, process=load_process(), dry_run=dry_run, clock=self.clock,
                          goldmine_factory=lambda: self.connector(settings),
                          heat_factory=lambda: IsmBackend.from_settings(settings), state_engine=self.state)

    # --- GoldMine rows ---------------------------------------------------------------------------
    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        conn = pyodbc.connect(self.dsn)
        try:
            cursor = conn.execute(sql, params or [])
            names = [c[0].upper() for c in cursor.description]
            return [dict(zip(names, r)) for r in cursor.fetchall()]
        finally:
            conn.close()

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        conn = pyodbc.connect(self.dsn)
        try:
            conn.execute(sql, params or [])
            conn.commit()
        finally:
            conn.close()

    def insert(self, table: str, **values: Any) -> None:
        spec = TABLES[table]
        row = {c.name: ("" if c.type.value == "varchar" else None) for c in spec.columns}
        row.update({k.upper(): v for k, v in values.items()})
        for column in (c.name for c in spec.columns if c.name.startswith("U_")):
            if column[2:] in row and column not in {k.upper() for k in values}:
                row[column] = str(row[column[2:]] or "").upper()
        sql, params = writes.insert(sql_dialect(self.dialect), table, row)
        self.execute(sql, params)

    def recid(self, prefix: str = "R") -> str:
        self._ids += 1
        return f"{prefix}{self._ids:05d}#X&@ {self._ids:03d}"[:15]

    def user(self, username: str = SM, name: str = SM_NAME) -> None:
        self.insert("USERS", USERNAME=username, NAME=name, USERGROUP="SALES", RECID=self.recid("U"))

    def account(self, accountno: str, *, company: str, contact: str, email: str | None = None,
                country: str = "United Kingdom", phone1: str = "020 7946 0018", sm: str = SM) -> str:
        recid = self.recid("C")
        self.insert("CONTACT1", ACCOUNTNO=accountno, RECID=recid, COMPANY=company, CONTACT=contact,
                    LASTNAME=contact.split()[-1][:15], PHONE1=phone1, COUNTRY=country, KEY1="Customer", KEY4=sm,
                    STATUS="U0", CREATEBY="MASTER", CREATEON=dt.date(2020, 1, 6), CREATEAT="09:00",
                    LASTUSER="MASTER", LASTDATE=dt.date(2020, 1, 6), LASTTIME="09:00")
        if email is not None:
            self.email(accountno, email)
        return recid

    def email(self, accountno: str, address: str, *, linkacct: str = "") -> None:
        self.insert("CONTSUPP", ACCOUNTNO=accountno, RECTYPE="P", CONTACT="E-mail Address",
                    CONTSUPREF=address[:35], ADDRESS1=address[35:] or " ", ZIP="011" if not linkacct else "001",
                    LINKACCT=linkacct, STATUS="00", RECID=self.recid("E"))

    def contact(self, accountno: str, name: str, *, email: str | None = None, phone: str = "") -> str:
        recid = self.recid("K")
        self.insert("CONTSUPP", ACCOUNTNO=accountno, RECTYPE="C", CONTACT=name, PHONE=phone, STATUS="00",
                    RECID=recid)
        if email is not None:
            self.email(accountno, email, linkacct=recid)
        return recid

    def order(self, opid: str, accountno: str, *, contact: str | None, po: str, order_type: str = "SF",
              stage: str = "Order Received", closed: dt.date | None = None, sm: str = SM,
              company: str = "") -> str:
        self.insert("OPMGR", OPID=opid, RECID=opid, RECTYPE="O", ACCOUNTNO=accountno, USERID=sm, COMPANY=company,
                    CONTACT=contact or "", NAME=f"System for {po}", STAGE=stage, FORAMT=12000.0,
                    CLOSEDDATE=closed or TODAY - dt.timedelta(days=3))
        if contact is not None:
            self.insert("OPMGR", OPID=opid, RECID=self.recid("L"), RECTYPE="OC", ACCOUNTNO=accountno,
                        COMPANY=company, CONTACT=contact)
        for name, value in (("Order Type", order_type), ("PO Number", po), ("Ship Date", ""),
                            ("Non-standard", "N")):
            self.insert("OPMGRFLD", LOPID=opid, RECTYPE="O", FNAME=name, FVALUE=value, RECID=self.recid("F"))
        return opid

    # --- where the effects land -------------------------------------------------------------------
    def counts(self, opid: str, accountno: str, *, xref: str | None = None) -> dict[str, int]:
        xref = xref or accountno
        employees = [e for e in self.simulator.records("employees") if e.get("CustID") == xref]
        ids = {e["RecId"] for e in employees}
        incidents = [i for i in self.simulator.records("incidents") if i.get("ProfileLink_RecID") in ids]
        tickets = {i["RecId"] for i in incidents}
        notes = [n for n in self.simulator.records("journal__notess") if n.get("ParentLink_RecID") in tickets]
        letters = list((self.tmp / "letters").glob("*.pdf")) if (self.tmp / "letters").is_dir() else []
        return {
            "customers": len(employees),
            "logins": sum(1 for e in employees if e.get("LoginID")),
            "tickets": len(incidents),
            "notes": len(notes),
            "letters": len([p for p in letters if opid_tag(opid) in p.name]),
            "heat_detail": self._count_detail(accountno, "HEAT CUSTOMER"),
            "login_detail": self._count_detail(accountno, "WEBSITE LOGIN"),
            "history": len(self.rows("SELECT RECID FROM CONTHIST WHERE ACCOUNTNO = ? AND ACTVCODE = ?",
                                     [accountno, "GH"])),
        }

    def _count_detail(self, accountno: str, name: str) -> int:
        return len(self.rows("SELECT RECID FROM CONTSUPP WHERE ACCOUNTNO = ? AND RECTYPE = ? AND U_CONTACT = ?",
                             [accountno, "P", name]))

    def notes_of(self, xref: str) -> list[dict[str, Any]]:
        ids = {e["RecId"] for e in self.simulator.records("employees") if e.get("CustID") == xref}
        tickets = {i["RecId"] for i in self.simulator.records("incidents") if i.get("ProfileLink_RecID") in ids}
        return [n for n in self.simulator.records("journal__notess") if n.get("ParentLink_RecID") in tickets]


def opid_tag(opid: str) -> str:
    from jobs.orders.letters import letter_path

    return letter_path(Path("."), opid, "x").name.removesuffix("-x.pdf")


def issued_password(world: World, xref: str) -> str:
    """The password as the journal note hands it over (the one place it may be read back)."""
    bodies = [n.get("NotesBody") or "" for n in world.notes_of(xref)]
    found = [m.group(1) for b in bodies for m in re.finditer(r"Initial password: (\S+)", b)]
    assert len(found) == 1, bodies
    return found[0]
