"""HEAT classic over ODBC: goldheat's `HeatBackend` written straight into HEAT's own tables.

Choices where the reference is silent (each one [inferred], to confirm with `goldheat check`):
- Customers are Profile rows keyed by CustID (goldheat's xref) and one fixed CustType. An existing
  row with that key is adopted: goldheat updates the columns it owns, and never blanks a value
  HEAT holds with an empty one from GoldMine.
- Organisations have no table in classic: `upsert_organisation` does no I/O and returns the
  company name, which `upsert_customer` writes to Profile.Company.
- Self-service logins are HEATCAI rows, one per customer, LoginID unique across customers;
  Password as `passwords.py` explains (a salted hash unless `plain` is chosen explicitly).
- A ticket is CallLog + Subset + Detail + Asgnmnt (HEATSeq 1, GroupName = the team, no named
  assignee: the call waits in the team's queue) + a Journal row recording the assignment, all in
  one transaction under the CallID lock, which first looks for the same open call again.
- Notes are Journal rows, HEATSeq max+1 per call. Journal has no subject column, so the subject is
  EntryText's first line; PublishToWeb becomes JournalType (`journal_types` = (internal, web)).
- Dates `YYYY-MM-DD` and times `HH:MM:SS` in the site's time zone; DTLastMod/DTCreated in epoch
  seconds.

One backend holds one connection: use one per thread. `round_trips` counts statements and
commits sent to the database, the figure the benchmark compares between operations; `collisions`
counts transactions re-run because another writer took the key first (zero while the lock works).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import pyodbc
from pydantic import SecretStr

from config.errors import ConfigurationError, RecordError, RetriableError
from config.logs import register_secret
from config.process import load_process
from config.retry import call_with_retry
from config.settings import Dialect, HeatSettings, RetrySettings, Settings
from connectors.heat.base import Customer, CustomerData, Note, Ticket, TicketData, require
from connectors.heat.classic import rows as r
from connectors.heat.classic.callid import CallIdAllocator, Execute, KeyCollision, MaxPlusOne
from connectors.heat.classic.dialect import classic_dialect
from connectors.heat.classic.passwords import PasswordEncoder, encoder
from connectors.heat.classic.schema import CALLLOG, HEATCAI, JOURNAL, PROFILE
from connectors.odbc import (
    ConnectionFactory, DBConnection, IntegrityViolation, classify_odbc_error, detect_dialect, odbc_factory,
)

T = TypeVar("T")
SYSTEM = "heat"
# A key taken between our read and our insert (another writer) is re-read and re-tried this often.
COLLISION_ATTEMPTS = 5
_WHERE_CUSTOMER = " WHERE p.CustID = ? AND p.CustType = ?"


class ClassicBackend:
    """HeatBackend on HEAT classic's tables; see the module docstring for the policies."""

    def __init__(self, settings: HeatSettings, connect: ConnectionFactory, dialect: Dialect | str, *,
                 customer_type: str | None = None, call_type: str | None = None, analyst: str = "GOLDHEAT",
                 timezone: str = "Europe/London", retry: RetrySettings | None = None,
                 allocator: CallIdAllocator | None = None, password_encoder: PasswordEncoder | None = None,
                 journal_types: tuple[str, str] = ("Memo", "Web"),
                 clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        self._connect = connect
        self._dialect = classic_dialect(dialect)
        self.customer_type = customer_type or settings.classic_cust_type
        self.call_type = call_type or settings.classic_call_type
        self.analyst = analyst
        self._timezone = timezone
        self._retry = retry or RetrySettings()
        self._allocator = allocator or MaxPlusOne(self._dialect,
                                                  lock_timeout_seconds=int(settings.timeout_seconds))
        self._encode = password_encoder or encoder(settings.classic_password_encoding)
        self._internal_type, self._web_type = journal_types
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sleep = sleep
        self._conn: DBConnection | None = None
        self.round_trips = 0
        self.collisions = 0  # keys taken by another writer between our read and our insert

    @classmethod
    def from_settings(cls, settings: Settings, *, connect: ConnectionFactory | None = None) -> ClassicBackend:
        dsn = settings.heat.dsn.get_secret_value()
        if not dsn and connect is None:
            raise ConfigurationError("the HEAT classic backend needs GOLDHEAT_HEAT__DSN", setting="GOLDHEAT_HEAT__DSN")
        dialect = settings.heat.dialect or detect_dialect(dsn, "GOLDHEAT_HEAT__DIALECT")
        process = load_process(settings.site.process_file)
        return cls(settings.heat, connect or odbc_factory(dsn, timeout=int(settings.heat.connect_timeout_seconds)),
                   dialect, analyst=settings.heat.username or process.users.goldheat,
                   timezone=settings.site.timezone, retry=settings.retry)

    # --- customers -----------------------------------------------------------------------------

    def find_customer(self, xref: str) -> Customer | None:
        found = self._read("find_customer", xref, r.PROFILE_SELECT + _WHERE_CUSTOMER, (xref, self.customer_type))
        return r.customer_from_row(found[0]) if found else None

    def find_customer_by_email(self, email: str) -> list[Customer]:
        require(email, "Profile.EMailID", "find_customer_by_email")  # '' would match every blank EMailID
        sql = r.PROFILE_SELECT + " WHERE LOWER(p.EMailID) = LOWER(?) AND p.CustType = ? ORDER BY p.CustID"
        return [r.customer_from_row(row) for row in self._read("find_customer_by_email", None, sql,
                                                                (email, self.customer_type))]

    def upsert_organisation(self, name: str) -> str:
        r.check_row(PROFILE, {"Company": name}, key=name)
        return name

    def upsert_customer(self, data: CustomerData, organisation_id: str = "") -> Customer:
        require(data.xref, "Profile.CustID", "upsert_customer")
        require(data.first_name + data.last_name, "Profile.LastName", "upsert_customer", data.xref)
        values = r.profile_values(data, organisation_id)
        key = {"CustID": data.xref, "CustType": self.customer_type}
        r.check_row(PROFILE, {**key, **values}, key=data.xref)

        def work(execute: Execute) -> Customer:
            columns = list(values)
            sql = (f"SELECT {', '.join('p.' + c for c in columns)}, (SELECT MIN(h.LoginID) FROM HEATCAI h "
                   "WHERE h.CustID = p.CustID AND h.CustType = p.CustType) FROM Profile p" + _WHERE_CUSTOMER)
            found = execute(sql, (data.xref, self.customer_type))
            stamp = self._stamp()
            mod = {"ModBy": self.analyst, "ModDate": stamp.date, "ModTime": stamp.time, "DTLastMod": stamp.epoch}
            merged, login = dict(values), ""
            if not found:
                execute(*r.insert_sql(PROFILE, {**key, **values, **mod}))
            else:
                current = dict(zip(columns, found[0][:-1], strict=True))
                login = found[0][-1] or ""
                changes = {c: v for c, v in values.items() if v and v != (current[c] or "")}
                merged = {c: changes.get(c, current[c] or "") for c in columns}
                if changes:
                    execute(*r.update_sql(PROFILE, {**changes, **mod}, key))
            return r.customer_from_row((data.xref, self.customer_type, merged["FirstName"], merged["LastName"],
                                        merged["EMailID"], merged["Title"], merged["Phone"], merged["Company"],
                                        login))

        return self._transaction("upsert_customer", data.xref, work)

    # --- self-service logins -------------------------------------------------------------------

    def find_login(self, login: str) -> Customer | None:
        require(login, "HEATCAI.LoginID", "find_login")
        sql = (r.PROFILE_SELECT + " JOIN HEATCAI l ON l.CustID = p.CustID AND l.CustType = p.CustType "
               "WHERE l.LoginID = ?")
        found = self._read("find_login", login, sql, (login,))
        return replace(r.customer_from_row(found[0]), login=login) if found else None

    def set_login(self, customer_id: str, login: str, password: SecretStr) -> None:
        require(login, "HEATCAI.LoginID", "set_login", customer_id)
        require(password.get_secret_value(), "HEATCAI.Password", "set_login", customer_id)
        register_secret(password.get_secret_value())
        encoded = self._encode(password)
        r.check_row(HEATCAI, {"LoginID": login, "Password": encoded}, key=customer_id)

        def work(execute: Execute) -> None:
            stamp = self._stamp()
            self._require_customer(execute, customer_id, "set_login")
            owner = execute("SELECT CustID, CustType FROM HEATCAI WHERE LoginID = ?", (login,))
            if owner and tuple(owner[0]) != (customer_id, self.customer_type):
                raise RecordError(f"HEAT self-service login {login!r} belongs to another customer",
                                  system=SYSTEM, operation="set_login", key=customer_id, field="HEATCAI.LoginID")
            changes = {"Password": encoded, "DTLastMod": stamp.epoch, "LastModBy": self.analyst}
            if owner:
                execute(*r.update_sql(HEATCAI, changes, {"LoginID": login}))
                return
            mine = execute("SELECT LoginID FROM HEATCAI WHERE CustID = ? AND CustType = ? ORDER BY LoginID",
                           (customer_id, self.customer_type))
            if mine:
                execute(*r.update_sql(HEATCAI, {"LoginID": login, **changes}, {"LoginID": mine[0][0]}))
            else:
                execute(*r.insert_sql(HEATCAI, r.heatcai_row(login, customer_id, self.customer_type, encoded,
                                                             stamp, self.analyst)))

        self._transaction("set_login", customer_id, work)

    # --- tickets -------------------------------------------------------------------------------

    def find_ticket(self, customer_id: str, subject: str) -> Ticket | None:
        found = self._read("find_ticket", customer_id, r.TICKET_SELECT + r.OPEN_TICKET_WHERE,
                           (customer_id, self.customer_type, subject, *r.OPEN_STATUSES))
        return r.ticket_from_row(found[0]) if found else None

    def open_ticket(self, data: TicketData) -> Ticket:
        require(data.subject, "CallLog.ShortDesc", "open_ticket", data.customer_id)
        require(data.team, "Asgnmnt.GroupName", "open_ticket", data.customer_id)
        r.check_row(CALLLOG, {"ShortDesc": data.subject, "Category": data.category, "CallSource": data.source,
                              "CallStatus": data.status, "CustID": data.customer_id}, key=data.customer_id)

        def work(execute: Execute) -> Ticket:
            self._allocator.lock(execute)
            again = execute(r.TICKET_SELECT + r.OPEN_TICKET_WHERE,
                            (data.customer_id, self.customer_type, data.subject, *r.OPEN_STATUSES))
            if again:
                return r.ticket_from_row(again[0])
            customer = self._require_customer(execute, data.customer_id, "open_ticket")
            call_id = self._allocator.allocate(execute)
            planned = r.call_rows(call_id, data, customer, cust_type=self.customer_type, call_type=self.call_type,
                                  stamp=self._stamp(), analyst=self.analyst, journal_type=self._internal_type)
            for table, row in planned:
                r.check_row(table, row, key=data.customer_id)
            for table, row in planned:
                execute(*r.insert_sql(table, row))
            return Ticket(id=call_id, number=call_id, customer_id=data.customer_id, team=data.team,
                          subject=data.subject, status=planned[0][1]["CallStatus"])

        return self._transaction("open_ticket", data.customer_id, work, allocating=True)

    def get_ticket(self, ticket_id: str) -> Ticket:
        found = self._read("get_ticket", ticket_id, r.TICKET_SELECT + " WHERE c.CallID = ?", (ticket_id,))
        if not found:
            raise RecordError(f"no HEAT call {ticket_id}", system=SYSTEM, operation="get_ticket", key=ticket_id)
        return r.ticket_from_row(found[0])

    # --- journal notes -------------------------------------------------------------------------

    def find_note(self, ticket_id: str, subject: str) -> Note | None:
        entries = self._read("find_note", ticket_id, _JOURNAL_SELECT, (ticket_id,))
        return self._matching_note(ticket_id, entries, subject)

    def add_note(self, ticket_id: str, subject: str, body: str, *, publish_to_web: bool = False) -> Note:
        require(subject, "Journal.EntryText", "add_note", ticket_id)
        journal_type = self._web_type if publish_to_web else self._internal_type

        def work(execute: Execute) -> Note:
            entries = execute(_JOURNAL_SELECT, (ticket_id,))
            if not entries:
                raise RecordError(f"no HEAT call {ticket_id}", system=SYSTEM, operation="add_note", key=ticket_id)
            entries = [row for row in entries if row[0] is not None]
            existing = self._matching_note(ticket_id, entries, subject)
            if existing is not None:
                return existing
            seq = max((int(row[0]) for row in entries), default=0) + 1
            stamp = self._stamp()
            row = r.journal_row(ticket_id, seq, subject, body, journal_type, stamp, self.analyst)
            r.check_row(JOURNAL, row, key=ticket_id)
            execute(*r.insert_sql(JOURNAL, row))
            execute(*r.update_sql(CALLLOG, {"DTLastMod": stamp.epoch}, {"CallID": ticket_id}))
            return r.note_from_row(ticket_id, seq, row["EntryText"], journal_type, self._web_type)

        return self._transaction("add_note", ticket_id, work)

    def close(self) -> None:
        if self._conn is not None:
            self._discard()

    def _matching_note(self, ticket_id: str, entries: list[tuple[Any, ...]], subject: str) -> Note | None:
        wanted = r.entry_subject(r.entry_text(subject, ""))
        for seq, text, journal_type in entries:
            if seq is not None and r.entry_subject(text) == wanted:
                return r.note_from_row(ticket_id, int(seq), text, journal_type, self._web_type)
        return None

    def _require_customer(self, execute: Execute, customer_id: str, operation: str) -> Customer:
        found = execute(r.PROFILE_SELECT + _WHERE_CUSTOMER, (customer_id, self.customer_type))
        if not found:
            raise RecordError(f"no HEAT customer {customer_id} of type {self.customer_type}",
                              system=SYSTEM, operation=operation, key=customer_id)
        return r.customer_from_row(found[0])

    def _stamp(self) -> r.Stamp:
        return r.Stamp.at(self._clock(), self._timezone)

    # --- the one place that does I/O ------------------------------------------------------------

    def _read(self, operation: str, key: str | None, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return self._transaction(operation, key, lambda execute: execute(sql, params))

    def _transaction(self, operation: str, key: str | None, work: Callable[[Execute], T], *,
                     allocating: bool = False) -> T:
        """Run `work` in one transaction: retried on transient errors, re-run when a key collides."""
        def attempt() -> T:
            for tries in range(1, COLLISION_ATTEMPTS + 1):
                try:
                    return self._attempt(operation, key, work, allocating)
                except KeyCollision:
                    self.collisions += 1
                    # Jitter breaks the lock-step of two writers that keep reading the same max.
                    (self._sleep or time.sleep)(random.uniform(0, 0.02 * tries))
            raise RetriableError(f"another writer kept taking the key {COLLISION_ATTEMPTS} times running",
                                 system=SYSTEM, operation=operation, key=key, code="key_collision")

        return call_with_retry(self._retry, attempt, sleep=self._sleep)

    def _attempt(self, operation: str, key: str | None, work: Callable[[Execute], T], allocating: bool) -> T:
        conn = self._connection(operation)
        execute = self._executor(conn)
        locked = False
        try:
            if allocating:
                self._allocator.before_transaction(execute)
                locked = True
            result = work(execute)
            conn.commit()
            self.round_trips += 1
            return result
        except pyodbc.Error as exc:
            self._rollback(conn)
            error = classify_odbc_error(exc, system=SYSTEM, operation=operation, key=key)
            if isinstance(error, IntegrityViolation):
                raise KeyCollision(operation) from None
            if isinstance(error, RetriableError):
                self._discard()
                locked = False
            raise error from None
        except BaseException:
            self._rollback(conn)
            raise
        finally:
            if locked and self._conn is not None:
                self._release(execute)

    def _release(self, execute: Execute) -> None:
        try:
            self._allocator.after_transaction(execute)
            self._conn.commit()
            self.round_trips += 1
        except pyodbc.Error:
            self._discard()  # closing the session frees its named lock too

    def _executor(self, conn: DBConnection) -> Execute:
        cursor = conn.cursor()

        def execute(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
            self.round_trips += 1
            cursor.execute(sql, *params)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []

        return execute

    def _connection(self, operation: str) -> DBConnection:
        if self._conn is None:
            try:
                conn = self._connect()
                for statement in self._dialect.session_setup:
                    conn.cursor().execute(statement)
                    self.round_trips += 1
            except pyodbc.Error as exc:
                raise classify_odbc_error(exc, system=SYSTEM, operation=operation) from None
            self._conn = conn
        return self._conn

    def _rollback(self, conn: DBConnection) -> None:
        try:
            conn.rollback()
        except pyodbc.Error:
            self._discard()

    def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except pyodbc.Error:
                pass


# The call's journal, or one row of NULLs for a call without one, or nothing for an unknown call.
_JOURNAL_SELECT = ("SELECT j.HEATSeq, j.EntryText, j.JournalType FROM CallLog c "
                   "LEFT JOIN Journal j ON j.CallID = c.CallID WHERE c.CallID = ? ORDER BY j.HEATSeq")
