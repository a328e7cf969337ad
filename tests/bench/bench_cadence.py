"""`cadence` over 50,000 accounts on PostgreSQL: statements per run and time, batched vs per account.

Two fresh PostgreSQL databases get the same mix of accounts (one in ten with a cadence: Selected
customers, Large and Small distributors; half of those with a last completed STC/VIS; the rest
prospects, suspects and plain customers), bulk-loaded with COPY. The real job (`jobs.cadence.run`, pages of
`goldmine.batch_size` accounts, one pending read per page, one last-completed read per code for
only the accounts that need it) runs over all of them; a per-account baseline (the same rules and
writes, but a pending read and a last-completed read per code for every account, as a naive loop
would) runs over a smaller set, so per-account figures are compared. Each then runs a second time
with nothing to do, which must cost a small fraction of the first.

Figures: GoldMine statements (`connector.round_trips`) per run, per 1,000 accounts, and seconds.
Bounded: `GOLDHEAT_BENCH_CADENCE_ACCOUNTS` (default 50,000) and `..._BASELINE` (default 2,000).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import time
from typing import Any

import psycopg
import pyodbc

from config.process import load_process
from config.settings import Dialect, GoldMineSettings, Settings
from connectors.goldmine.connector import GoldMineConnector
from connectors.goldmine.schema import TABLES, create_schema
from connectors.odbc import odbc_factory
from jobs import cadence
from jobs.apply import Applier, account_name
from jobs.calendar import BusinessCalendar
from jobs.context import JobContext
from jobs.rules import cadence as rules
from jobs.state.db import create_all, make_engine
from jobs.summary import RunSummary
from tests.conftest import PG_HOST, create_database, drop_database

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
# One account in ten has a cadence (as in a real GoldMine, where most records are prospects and
# plain customers): per 50 accounts, two Selected customers, one Large and two Small distributors.
CADENCED = {0: ("Customer", "Selected"), 10: ("Distributor", "Large"), 20: ("Distributor", "Small"),
            30: ("Customer", "Selected"), 40: ("Distributor", "Small")}
OTHERS = (("Customer", ""), ("Prospect", ""), ("Suspect", ""), ("Prospect", ""), ("Customer", ""))
SMS = ("ASHAW", "BPATEL", "CHARRISN", "DMORGAN", "EWRIGHT")


def _copy(conn: psycopg.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """COPY rows into a GoldMine table, every NOT NULL column filled the way GoldMine fills it."""
    spec = TABLES[table]
    columns = [c.name for c in spec.columns if c.not_null or c.name in rows[0]]
    buffer = io.StringIO()
    for row in rows:
        values = []
        for name in columns:
            value = row.get(name, "")
            if name.startswith("U_") and name not in row:
                value = str(row.get(name[2:], "")).upper()
            values.append("\\N" if value is None else str(value).replace("\t", " "))
        buffer.write("\t".join(values) + "\n")
    with conn.cursor() as cur, cur.copy(f"COPY {table.lower()} ({', '.join(c.lower() for c in columns)}) "
                                        "FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def load(dsn: str, name: str, accounts: int, prefix: str) -> None:
    conn = pyodbc.connect(dsn)
    create_schema(conn, Dialect.POSTGRESQL)
    conn.close()
    contact1, history = [], []
    for i in range(accounts):
        kind, tier = CADENCED.get(i % 50) or OTHERS[i % len(OTHERS)]
        accountno = f"{prefix}{i:08d}"
        contact1.append({"ACCOUNTNO": accountno, "RECID": f"B{prefix}{i:08d}XX"[:15], "COMPANY": f"Company {i}",
                         "CONTACT": f"Person {i}", "KEY1": kind, "KEY2": tier, "KEY4": SMS[i % len(SMS)],
                         "STATUS": "U0", "CREATEBY": "MASTER", "CREATEON": "2020-01-06 00:00:00"})
        if tier and i % 2 == 0:
            for code, days_ago in (("STC", 3 + i % 20), ("VIS", 30 + i % 60)):
                history.append({"ACCOUNTNO": accountno, "RECID": f"H{code[0]}{prefix}{i:08d}X"[:15], "USERID": "ASHAW",
                                "SRECTYPE": "C", "RECTYPE": "CC", "ACTVCODE": code, "RESULTCODE": "",
                                "ONDATE": f"{TODAY - dt.timedelta(days=days_ago)} 00:00:00", "ONTIME": "10:00",
                                "REF": "done", "STATUS": " 0", "CREATEBY": "ASHAW"})
    with psycopg.connect(f"host={PG_HOST} dbname={name} user=postgres", autocommit=False) as conn:
        _copy(conn, "CONTACT1", contact1)
        if history:
            _copy(conn, "CONTHIST", history)
        conn.commit()
        with conn.cursor() as cur:
            cur.execute("ANALYZE")


def context(dsn: str, state_dir: str) -> JobContext:
    settings = Settings(goldmine=GoldMineSettings(dsn=dsn, dialect=Dialect.POSTGRESQL))
    engine = make_engine(f"sqlite:///{state_dir}/state.sqlite")
    create_all(engine)
    return JobContext(settings=settings, process=load_process(), clock=lambda: NOW, state_engine=engine,
                      goldmine_factory=lambda: GoldMineConnector(settings.goldmine, odbc_factory(dsn),
                                                                 Dialect.POSTGRESQL, clock=lambda: NOW))


def per_account_run(ctx: JobContext) -> RunSummary:
    """The naive loop: the same rules and writes, but reads for one account at a time."""
    summary = RunSummary("cadence-per-account")
    calendar = BusinessCalendar.from_site(ctx.settings.site)
    applier = Applier(ctx, summary, "cadence", guard=False)
    codes = list(rules.codes(ctx.process))
    for page in ctx.goldmine.iter_accounts():
        for account in page:
            summary.count("accounts")
            pending = ctx.goldmine.pending_activities(accountnos=[account.accountno], actvcodes=codes)
            last = {code: ctx.goldmine.last_completed([account.accountno], code).get(account.accountno)
                    for code in rules.cadences_for(account, ctx.process)}
            for action in rules.plan_account(account, pending, last, TODAY, calendar, ctx.process):
                applier.apply(action, account_name(account.company, account.accountno))
    return summary


def measure(ctx: JobContext, job: Any) -> tuple[RunSummary, int, float]:
    before = ctx.goldmine.round_trips
    start = time.perf_counter()
    summary = job(ctx)
    return summary, ctx.goldmine.round_trips - before, time.perf_counter() - start


def run(report: Any) -> None:
    accounts = int(os.environ.get("GOLDHEAT_BENCH_CADENCE_ACCOUNTS", "50000"))
    baseline_accounts = int(os.environ.get("GOLDHEAT_BENCH_CADENCE_BASELINE", "2000"))
    made: list[str] = []
    try:
        big, big_dsn = create_database("postgresql", "ghbench")
        made.append(big)
        small, small_dsn = create_database("postgresql", "ghbench")
        made.append(small)
        load(big_dsn, big, accounts, "BA")
        load(small_dsn, small, baseline_accounts, "BB")
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
            batched, naive = context(big_dsn, d1), context(small_dsn, d2)
            first, first_trips, first_s = measure(batched, cadence.run)
            second, second_trips, second_s = measure(batched, cadence.run)
            base_first, base_trips, base_s = measure(naive, per_account_run)
            base_second, base_second_trips, base_second_s = measure(naive, per_account_run)
            batched.close()
            naive.close()
        assert first.ok and not second.counts.get("scheduled") and not base_second.counts.get("scheduled")
        pages = -(-accounts // GoldMineSettings().batch_size)
        per_k = 1000 / accounts
        base_per_k = 1000 / baseline_accounts
        report.count("accounts", accounts, note=f"baseline over {baseline_accounts} accounts")
        report.count("activities scheduled, first run", first.counts.get("scheduled", 0))
        report.count("statements, first run", first_trips)
        report.count("statements, second run (nothing to do)", second_trips, minimum=2 * pages + 1,
                     note="one account page + one pending read per page")
        report.ratio("read statements per 1,000 accounts, nothing to do: batched vs per-account",
                     second_trips * per_k, base_second_trips * base_per_k, "statements")
        report.ratio("ms per account, first run: batched vs per-account", first_s * 1000 / accounts,
                     base_s * 1000 / baseline_accounts, "ms")
        report.ratio("ms per account, nothing to do: batched vs per-account", second_s * 1000 / accounts,
                     base_second_s * 1000 / baseline_accounts, "ms")
        report.ratio("second run vs first run (nothing to do)", second_s, first_s, "s",
                     note=f"{second.counts.get('accounts', 0)} accounts read, nothing written")
        report.count("baseline statements, first run", base_trips,
                     note=f"{base_first.counts.get('scheduled', 0)} scheduled over {baseline_accounts} accounts")
    finally:
        for name in made:
            drop_database("postgresql", name)
