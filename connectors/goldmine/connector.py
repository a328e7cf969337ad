"""The GoldMine connector: intent-level reads and writes over ODBC, typed records out.

    conn = GoldMineConnector.from_settings(settings.goldmine)
    account = conn.get_account("B5012647614&:;:!HKat")
    recid = conn.schedule_activity(NewActivity(...), recid=conn.keyed_recid("cadence:..."))

Statements are built by pure functions (`reads`, `writes`, `changes`, `summary`, `synclog`),
run by the one I/O place (`executor.Executor`) inside one retried transaction per call, and
converted by `rows`. The write methods live in `writer.WriterMixin`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Literal

from config.errors import ConfigurationError, FatalError
from config.settings import Dialect, GoldMineSettings, RetrySettings
from connectors.goldmine import changes as changefeed
from connectors.goldmine import reads, rows
from connectors.goldmine.catalog import Catalog, SiteReport, site_report
from connectors.goldmine.dialect import sql_dialect
from connectors.goldmine.executor import Executor, Tx
from connectors.goldmine.records import (
    Account,
    Activity,
    ChangeCursor,
    Changes,
    Detail,
    HistoryRecord,
    Opportunity,
    Person,
)
from connectors.goldmine.schema import TABLES
from connectors.goldmine.stamps import Clock, utc_now
from connectors.goldmine.synclog import NoSyncLog, StampSource, SyncLog
from connectors.goldmine.text import TextPolicy, upper
from connectors.goldmine.writer import WriterMixin
from connectors.odbc import ConnectionFactory, detect_dialect, odbc_factory

ChangeKind = Literal["history", "opportunities", "accounts"]
PO_FIELD = "PO Number"


class GoldMineConnector(WriterMixin):
    """One GoldMine database. Not thread-safe: one instance per worker thread."""

    def __init__(self, settings: GoldMineSettings, connect: ConnectionFactory, dialect: Dialect, *,
                 clock: Clock | None = None, stamp_source: StampSource | None = None,
                 retry: RetrySettings | None = None, sleep: Callable[[float], None] | None = None,
                 po_field: str = PO_FIELD) -> None:
        if settings.goldsync_logging and stamp_source is None:
            raise ConfigurationError(
                "GoldSync logging is on but no sync stamp source is configured; goldheat will not "
                "invent SYNCSTAMP values (reference §6): provide one or turn logging off",
                setting="GOLDHEAT_GOLDMINE__GOLDSYNC_LOGGING",
            )
        self.settings = settings
        self.dialect = sql_dialect(dialect)
        self._executor = Executor(connect, self.dialect, retry or RetrySettings(), sleep=sleep)
        self._clock = clock or utc_now
        self._policy = TextPolicy(settings.encoding, settings.unicode_policy)
        self._synclog = SyncLog(stamp_source, settings.user) if settings.goldsync_logging else NoSyncLog()
        self._po_field = po_field
        self._catalog_cache: Catalog | None = None

    @classmethod
    def from_settings(cls, settings: GoldMineSettings, **kwargs: Any) -> GoldMineConnector:
        dsn = settings.dsn.get_secret_value()
        if not dsn:
            raise ConfigurationError("GOLDHEAT_GOLDMINE__DSN is empty", setting="GOLDHEAT_GOLDMINE__DSN")
        dialect = settings.dialect or detect_dialect(dsn)
        return cls(settings, odbc_factory(dsn, timeout=settings.timeout_seconds), dialect, **kwargs)

    @property
    def round_trips(self) -> int:
        """Statements executed so far (benchmarks count them per batch)."""
        return self._executor.round_trips

    def close(self) -> None:
        self._executor.close()

    def __enter__(self) -> GoldMineConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, operation: str, work: Callable[[Tx], Any], *, key: str | None = None) -> Any:
        return self._executor.run(operation, work, key=key)

    # --- reads ----------------------------------------------------------------------------------
    def get_account(self, accountno: str) -> Account | None:
        found = self._run("get_account", lambda tx: tx.query(*reads.account(accountno)), key=accountno)
        return rows.account(found[0]) if found else None

    def iter_accounts(self, *, key1: str | None = None, batch_size: int | None = None) -> Iterator[list[Account]]:
        """Pages of accounts in ACCOUNTNO order; each page is one keyset query, so a page never
        repeats or skips rows and the loop ends when a page comes back short."""
        size = batch_size or self.settings.batch_size
        after = ""
        while True:
            sql, params = reads.accounts_page(self.dialect, after=after, size=size, key1=key1)
            page = self._run("iter_accounts", lambda tx: tx.query(sql, params))
            if page:
                yield [rows.account(r) for r in page]
                last = rows.s(page[-1], "ACCOUNTNO")
                if last == after:  # collation order, not Python's: only "no progress" is checked
                    raise FatalError("ACCOUNTNO keyset did not advance; refusing to loop", system="goldmine",
                                     operation="iter_accounts", key=last)
                after = last
            if len(page) < size:
                return

    def get_people(self, accountno: str) -> list[Person]:
        def work(tx: Tx) -> list[Person]:
            contact1 = tx.query(*reads.account(accountno))
            if not contact1:
                return []
            return rows.people(contact1[0], tx.query(*reads.people_rows(accountno)))

        return self._run("get_people", work, key=accountno)

    def find_person(self, accountno: str, name: str) -> Person | None:
        wanted = upper(name.strip())
        return next((p for p in self.get_people(accountno) if upper(p.name) == wanted), None)

    def get_opportunity(self, opid: str) -> Opportunity | None:
        found = self._opportunities(lambda tx: [r for r in tx.query(*reads.opmgr_by_opids([opid]))
                                                if rows.s(r, "RECTYPE") == "O"], key=opid)
        return found[0] if found else None

    def find_opportunities(self, *, po_number: str | None = None, stage: str | None = None,
                           closed_since: dt.date | None = None,
                           opids: list[str] | None = None) -> list[Opportunity]:
        if opids is not None and not opids:
            return []

        def headers(tx: Tx) -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = []
            for chunk in (reads.chunks(opids, self.dialect.max_in_list) if opids is not None else [None]):
                found += tx.query(*reads.opportunity_headers(
                    self.dialect, po_field=self._po_field, po_number=po_number, stage=stage,
                    closed_since=closed_since, opids=chunk))
            return found

        return self._opportunities(headers)

    def _opportunities(self, headers: Callable[[Tx], list[dict[str, Any]]], *,
                       key: str | None = None) -> list[Opportunity]:
        """Headers, then their link rows and OPMGRFLD fields in one read each per chunk."""
        def work(tx: Tx) -> list[Opportunity]:
            found = headers(tx)
            links: dict[str, list[dict[str, Any]]] = {}
            fields: dict[str, list[dict[str, Any]]] = {}
            opids = [rows.s(h, "OPID") for h in found]
            for chunk in reads.chunks(opids, self.dialect.max_in_list):
                for r in tx.query(*reads.opmgr_by_opids(chunk)):
                    links.setdefault(rows.s(r, "OPID"), []).append(r)
                for r in tx.query(*reads.opmgrfld_by_opids(chunk)):
                    fields.setdefault(rows.s(r, "LOPID"), []).append(r)
            return [rows.opportunity(h, fields.get(rows.s(h, "OPID"), []), links.get(rows.s(h, "OPID"), []))
                    for h in found]

        return self._run("opportunities", work, key=key)

    def pending_activities(self, *, accountnos: list[str] | None = None, actvcodes: list[str] | None = None,
                           loprecid: str | None = None, userid: str | None = None) -> list[Activity]:
        if (accountnos is not None and not accountnos) or (actvcodes is not None and not actvcodes):
            return []

        def work(tx: Tx) -> list[Activity]:
            found = []
            batches = reads.chunks(accountnos, self.dialect.max_in_list) if accountnos is not None else [None]
            for chunk in batches:
                found += tx.query(*reads.activities(self.dialect, accountnos=chunk, actvcodes=actvcodes,
                                                    loprecid=loprecid, userid=userid))
            return [rows.activity(r) for r in found]

        return self._run("pending_activities", work)

    def get_activity(self, recid: str) -> Activity | None:
        found = self._run("get_activity", lambda tx: tx.query(*reads.activities(self.dialect, recid=recid)),
                          key=recid)
        return rows.activity(found[0]) if found else None

    def last_completed(self, accountnos: list[str], actvcode: str) -> dict[str, dt.date]:
        """Latest CONTHIST ONDATE per account for the code, successful or not (one query per
        batch of accounts); accounts without one are absent."""
        def work(tx: Tx) -> dict[str, dt.date]:
            result: dict[str, dt.date] = {}
            for chunk in reads.chunks(accountnos, self.dialect.max_in_list):
                for r in tx.query(*reads.last_completed(chunk, actvcode)):
                    day = rows.d(r, "LASTDONE")
                    if day is not None:
                        result[rows.s(r, "ACCOUNTNO")] = day
            return result

        return self._run("last_completed", work) if accountnos else {}

    def history(self, *, accountno: str | None = None, actvcodes: list[str] | None = None,
                since: dt.date | None = None, loprecid: str | None = None,
                recid: str | None = None) -> list[HistoryRecord]:
        if actvcodes is not None and not actvcodes:
            return []
        found = self._run("history", lambda tx: tx.query(*reads.history(
            self.dialect, accountno=accountno, actvcodes=actvcodes, since=since, loprecid=loprecid,
            recid=recid)), key=accountno or recid)
        return [rows.history(r) for r in found]

    def get_details(self, accountno: str, name: str) -> list[Detail]:
        found = self._run("get_details", lambda tx: tx.query(*reads.details(accountno, name)), key=accountno)
        return [rows.detail(r) for r in found]

    def get_user(self, username: str) -> dict[str, Any] | None:
        found = self._run("get_user", lambda tx: tx.query(*reads.user(username)), key=username)
        return rows.plain(found[0]) if found else None

    # --- incremental reads ----------------------------------------------------------------------
    def changes_since(self, kind: ChangeKind, cursor: ChangeCursor, *, limit: int = 1000) -> Changes:
        """Rows new or changed since `cursor`, at most `limit`, and the cursor to pass next time.

        Loop until a batch comes back with fewer than `limit` rows to catch up."""
        if kind == "opportunities":
            return self._opportunity_changes(cursor, limit)
        table, columns, convert = {
            "history": ("CONTHIST", reads.CONTHIST_COLUMNS, rows.history),
            "accounts": ("CONTACT1", reads.ACCOUNT_COLUMNS, rows.account),
        }[kind]
        overlap = self.settings.change_overlap_minutes
        fetch = changefeed.fetch_size(cursor, limit)
        sql, params = changefeed.query(self.dialect, table, columns,
                                       changefeed.window_start(cursor, overlap), fetch)
        found = self._run("changes_since", lambda tx: tx.query(sql, params), key=kind)
        batch = changefeed.advance(cursor, found, limit=limit, fetch=fetch, overlap_minutes=overlap)
        return Changes(rows=[convert(r) for r in batch.rows], cursor=batch.cursor)

    def _opportunity_changes(self, cursor: ChangeCursor, limit: int) -> Changes:
        """Every opportunity's hash over header, contact link and fields: two reads in all."""
        def work(tx: Tx) -> list[Opportunity]:
            opmgr = tx.query(f"SELECT {reads.cols(reads.OPMGR_COLUMNS)} FROM OPMGR WHERE RECTYPE IN (?, ?)",
                             ["O", "OC"])
            fields: dict[str, list[dict[str, Any]]] = {}
            for r in tx.query(f"SELECT {reads.cols(reads.OPMGRFLD_COLUMNS)} FROM OPMGRFLD"):
                fields.setdefault(rows.s(r, "LOPID"), []).append(r)
            links: dict[str, list[dict[str, Any]]] = {}
            for r in opmgr:
                links.setdefault(rows.s(r, "OPID"), []).append(r)
            return [rows.opportunity(h, fields.get(rows.s(h, "OPID"), []), links.get(rows.s(h, "OPID"), []))
                    for h in opmgr if rows.s(h, "RECTYPE") == "O"]

        everything = self._run("changes_since", work, key="opportunities")
        by_opid = {o.opid: o for o in everything}
        hashes = {o.opid: rows.row_hash({"V": repr(o)}) for o in everything}
        returned, new_cursor = changefeed.advance_by_hash(cursor, hashes, limit=limit)
        return Changes(rows=[by_opid[k] for k in returned], cursor=new_cursor)

    # --- the site's database -------------------------------------------------------------------
    def _catalog(self, tx: Tx) -> Catalog:
        """The columns and lengths the site's tables really have (§7), read once per connector."""
        if self._catalog_cache is None:
            query = self.dialect.columns_query(list(TABLES) + ["MAILBOX"])
            self._catalog_cache = Catalog.from_rows(tx.query(*query))
        return self._catalog_cache

    def site_check(self) -> SiteReport:
        """What `goldheat check` reports about this GoldMine database: missing tables and columns,
        REF narrower than the setting, and foreign rows already using goldheat's RECID prefix."""
        def work(tx: Tx) -> SiteReport:
            self._catalog_cache = None
            catalog = self._catalog(tx)
            foreign = 0
            for table in ("CAL", "CONTHIST"):
                if catalog.has_table(table):
                    found = tx.query(f"SELECT COUNT(*) AS N FROM {table} WHERE RECID LIKE ? AND "
                                     f"{self.dialect.blank('CREATEBY')} <> ?",
                                     [self.settings.recid_prefix + "%", self.settings.user])
                    foreign += int(found[0]["N"])
            return site_report(catalog, goldsync=self.settings.goldsync_logging, foreign_prefix_rows=foreign,
                               ref_length=self.settings.ref_length)

        return self._run("site_check", work)
