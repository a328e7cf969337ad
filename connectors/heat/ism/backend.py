"""HEAT through the Ivanti Service Manager REST API: the `HeatBackend` the jobs use.

Every create is made safe against repetition the same way: look the record up by its natural key
(Employee.CustID, OrganizationalUnit.Name, Incident ProfileLink_RecID + Subject, note
ParentLink_RecID + Subject) before the POST, and again before sending the POST a second time after
a failure, because a create whose answer was lost (timeout, reset, 502) may well have happened.
People already in HEAT are adopted rather than duplicated (see `records.adoptable`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import requests
from pydantic import SecretStr
from requests.adapters import HTTPAdapter

from config.errors import ConfigurationError, RecordError
from config.logs import register_secret
from config.retry import call_with_retry
from config.settings import Settings
from connectors.heat.base import Customer, CustomerData, Note, Ticket, TicketData, require
from connectors.heat.ism import errors, records
from connectors.heat.ism.names import IsmNames, load_names
from connectors.heat.ism.odata import MAX_TOP, RECORD_KEY, Filter, collection_path, eq, query, rec_id, record_path
from connectors.heat.ism.paging import Pager
from connectors.heat.ism.records import RECID, same, text
from connectors.heat.ism.session import IsmSession

Row = dict[str, Any]
SYSTEM = errors.SYSTEM


class FreshTickets:
    """Tickets this backend has just created, with the note subjects it has added to them since.

    A new ticket has no notes but ours, so the lookup before its first note is skipped: a ticket
    with a note costs three calls instead of four. Bounded: the oldest tickets are forgotten.
    """

    def __init__(self, limit: int = 1000) -> None:
        self._notes: dict[str, set[str]] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def remember(self, ticket_id: str) -> None:
        with self._lock:
            self._notes[ticket_id.upper()] = set()
            while len(self._notes) > self._limit:
                del self._notes[next(iter(self._notes))]

    def first_note(self, ticket_id: str, subject: str) -> bool:
        """True once per (fresh ticket, subject): the caller may create without a lookup."""
        with self._lock:
            subjects = self._notes.get(ticket_id.upper())
            if subjects is None or subject in subjects:
                return False
            subjects.add(subject)
            return True


class IsmBackend:
    """HeatBackend over ISM REST. Thread-safe; `http_calls` counts every HTTP request it made."""

    def __init__(self, session: IsmSession, names: IsmNames | None = None, *,
                 page_size: int = MAX_TOP) -> None:
        self.session = session
        self.names = names or load_names()
        self.page_size = page_size
        self._role = ""
        self._fresh = FreshTickets()

    @classmethod
    def from_settings(cls, settings: Settings, *, http: requests.Session | None = None,
                      sleep: Callable[[float], None] | None = None) -> IsmBackend:
        heat = settings.heat
        owns = http is None
        if http is None:
            http = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=heat.max_concurrency)
            http.mount("http://", adapter)
            http.mount("https://", adapter)
        session = IsmSession(
            http, heat.effective_base_url(),
            api_key=heat.api_key if heat.api_key.get_secret_value() else None,
            username=heat.username, password=heat.password, tenant=heat.tenant, role=heat.role,
            timeout_seconds=heat.timeout_seconds, connect_timeout_seconds=heat.connect_timeout_seconds,
            max_concurrency=heat.max_concurrency, retry=settings.retry, sleep=sleep, owns_http=owns)
        return cls(session, load_names(settings.site.mappings_dir), page_size=heat.page_size)

    @property
    def http_calls(self) -> int:
        return self.session.calls

    def close(self) -> None:
        self.session.close()

    # -- plumbing ---------------------------------------------------------------------------

    def _rows(self, entity_set: str, where: Filter, select: Iterable[str], operation: str,
              key: str | None) -> list[Row]:
        path, fields = collection_path(entity_set), [RECORD_KEY, *select]

        def fetch(skip: int, top: int) -> list[Row]:
            params = query(filter=where, select=fields, top=top, skip=skip)
            reply = self.session.request("GET", path, params=params, operation=operation, key=key)
            return errors.rows(reply.status, reply.text, operation=operation, key=key)

        return list(Pager(fetch, page_size=self.page_size, operation=operation))

    def _write(self, method: str, path: str, body: Row | None, operation: str, key: str | None) -> Row:
        reply = self.session.request(method, path, body=body, operation=operation, key=key)
        return errors.record(reply.status, reply.text, operation=operation, key=key)

    def _create(self, entity_set: str, body: Row, lookup: Callable[[], Row | None], operation: str,
                key: str) -> tuple[Row, bool]:
        """POST once; after a failure, send it again only if the lookup proves it did not happen.
        Returns the record and whether this call's POST is known to have made it."""
        sent = False

        def attempt() -> tuple[Row, bool]:
            nonlocal sent
            with self.session.single_attempt():  # this loop is the retry: no retries nested in it
                if sent:
                    found = lookup()
                    if found is not None:
                        return found, False
                sent = True
                created = self._write("POST", collection_path(entity_set), body, operation, key)
                return (created, True) if created.get(RECORD_KEY) else (lookup() or created, False)

        return call_with_retry(self.session.retry, attempt, sleep=self.session.sleep)

    def _update(self, entity_set: str, row: Row, wanted: Row, operation: str, key: str) -> Row:
        """PATCH only the fields that differ; nothing at all when the record is already right."""
        changed = records.changes(row, wanted)
        if not changed:
            return row
        updated = self._write("PATCH", record_path(entity_set, row[RECORD_KEY]), changed, operation, key)
        return {**row, **changed, **updated}

    # -- customers, organisations, logins -------------------------------------------------------

    def _by_xref(self, xref: str, operation: str, extra: Iterable[str] = ()) -> Row | None:
        e = self.names.employee
        rows = self._rows(self.names.sets.employee, eq(e.xref, xref),
                          records.employee_fields(self.names, extra), operation, xref)
        return self._own(rows, xref, operation)

    def _own(self, rows: list[Row], xref: str, operation: str) -> Row | None:
        field = self.names.employee.xref
        own = [r for r in rows if text(r.get(field)) == xref]
        if len(own) > 1:
            raise RecordError(f"{len(own)} HEAT employees carry this {field}: merge them in HEAT",
                              system=SYSTEM, operation=operation, key=xref, field=field)
        return own[0] if own else None

    def find_customer(self, xref: str) -> Customer | None:
        row = self._by_xref(require(xref, self.names.employee.xref, "find_customer"), "find_customer")
        return records.customer(row, self.names) if row else None

    def find_customer_by_email(self, email: str) -> list[Customer]:
        field = self.names.employee.email
        email = require(email, field, "find_customer_by_email")
        rows = self._rows(self.names.sets.employee, eq(field, email), records.employee_fields(self.names),
                          "find_customer_by_email", email)
        return [records.customer(r, self.names) for r in rows if same(r.get(field), email)]

    def find_login(self, login: str) -> Customer | None:
        field = self.names.employee.login
        login = require(login, field, "find_login")
        rows = [r for r in self._rows(self.names.sets.employee, eq(field, login),
                                      records.employee_fields(self.names), "find_login", login)
                if same(r.get(field), login)]
        return records.customer(rows[0], self.names) if rows else None

    def upsert_organisation(self, name: str) -> str:
        field, op = self.names.organisation.name, "upsert_organisation"
        name = require(name, field, op)

        def lookup() -> Row | None:
            rows = self._rows(self.names.sets.organisation, eq(field, name), [field], op, name)
            matches = sorted((r for r in rows if same(r.get(field), name)), key=lambda r: text(r.get(RECORD_KEY)))
            return matches[0] if matches else None

        row = lookup() or self._create(self.names.sets.organisation, {field: name}, lookup, op, name)[0]
        return text(row.get(RECORD_KEY))

    def upsert_customer(self, data: CustomerData, organisation_id: str = "") -> Customer:
        """Find by CustID, else adopt the person already in HEAT, else create; one GET decides."""
        op, e, employees = "upsert_customer", self.names.employee, self.names.sets.employee
        xref = require(data.xref, e.xref, op)
        require(data.first_name + data.last_name, e.last_name, op, xref)
        body = records.employee_body(data, organisation_id, self.names)
        select = records.employee_fields(self.names, data.extra)
        candidates = self._rows(employees, records.candidates_filter(data, self.names), select, op, xref)
        own = self._own(candidates, xref, op)
        if own is not None:
            return records.customer(self._update(employees, own, body, op, xref), self.names, data.extra)
        adopt = records.adoptable(data, candidates, self.names)
        if len(adopt) > 1:
            raise RecordError(f"{len(adopt)} HEAT employees without a {e.xref} match this person: "
                              f"stamp the right one's {e.xref} in HEAT", system=SYSTEM, operation=op,
                              key=xref, field=e.email if data.email else e.last_name)
        if adopt:
            return records.customer(self._update(employees, adopt[0], body, op, xref), self.names, data.extra)
        row, _ = self._create(employees, body, lambda: self._by_xref(xref, op, data.extra), op, xref)
        return records.customer(row, self.names, data.extra)

    def set_login(self, customer_id: str, login: str, password: SecretStr) -> None:
        """Self-service login: internal auth with a password HEAT hashes on save, active, enabled."""
        e, op = self.names.employee, "set_login"
        secret = password.get_secret_value()
        register_secret(secret)
        login = require(login, e.login, op, customer_id)
        require(secret, e.password, op, customer_id)
        body = {e.login: login, e.internal_auth: True, e.password: secret, e.status: e.active_status,
                e.disabled: False}
        path = record_path(self.names.sets.employee, customer_id)
        self._write("PATCH", path, body, op, customer_id)
        if e.role_relationship and e.login_role:
            self._write("PATCH", f"{path}/{e.role_relationship}('{self._role_id()}')/$Ref", None, op, customer_id)

    def _role_id(self) -> str:
        """The self-service role's RecId, looked up once per backend."""
        e = self.names.employee
        if not self._role:
            rows = [r for r in self._rows(e.role_set, eq(e.role_name, e.login_role), [e.role_name],
                                          "set_login", e.login_role) if same(r.get(e.role_name), e.login_role)]
            if not rows:
                raise ConfigurationError(f"HEAT has no role {e.login_role!r} in {e.role_set}: fix login_role "
                                         "in heat_ism.toml", setting="GOLDHEAT_SITE__MAPPINGS_DIR",
                                         system=SYSTEM, operation="set_login")
            self._role = rec_id(text(rows[0].get(RECORD_KEY)))
        return self._role

    # -- tickets and notes ----------------------------------------------------------------------

    def _ticket_row(self, customer_id: str, subject: str, operation: str) -> Row | None:
        i = self.names.incident
        where = eq(i.customer_link + RECID, rec_id(customer_id)) & eq(i.subject, subject)
        rows = self._rows(self.names.sets.incident, where, records.ticket_fields(self.names), operation, subject)
        return records.first_exact(rows, i.subject, subject)

    def find_ticket(self, customer_id: str, subject: str) -> Ticket | None:
        subject = require(subject, self.names.incident.subject, "find_ticket")
        row = self._ticket_row(customer_id, subject, "find_ticket")
        return records.ticket(row, self.names) if row else None

    def open_ticket(self, data: TicketData) -> Ticket:
        """An Incident for the team, linked to the customer; an existing one with the subject is reused."""
        i, op = self.names.incident, "open_ticket"
        subject = require(data.subject, i.subject, op)
        body = records.ticket_body(data, subject, require(data.team, i.team, op, subject), self.names)

        def lookup() -> Row | None:
            return self._ticket_row(data.customer_id, subject, op)

        found = lookup()
        if found is not None:
            return records.ticket(found, self.names)
        row, created = self._create(self.names.sets.incident, body, lookup, op, subject)
        ticket = records.ticket(row, self.names)
        if created:
            self._fresh.remember(ticket.id)
        return ticket

    def get_ticket(self, ticket_id: str) -> Ticket:
        op = "get_ticket"
        path = record_path(self.names.sets.incident, ticket_id)
        try:
            reply = self.session.request("GET", path, operation=op, key=ticket_id)
            row = errors.record(reply.status, reply.text, operation=op, key=ticket_id)
        except ConfigurationError as exc:
            if exc.status != 404:  # a record path's 404 means no such record, not a wrong set
                raise
            row = {}
        if not row.get(RECORD_KEY):
            raise RecordError("no such HEAT ticket", system=SYSTEM, operation=op, key=ticket_id)
        return records.ticket(row, self.names)

    def _note_row(self, ticket_id: str, subject: str, operation: str) -> Row | None:
        n = self.names.note
        where = eq(n.parent_link + RECID, rec_id(ticket_id)) & eq(n.subject, subject)
        rows = self._rows(self.names.sets.note, where, records.note_fields(self.names), operation, subject)
        return records.first_exact(rows, n.subject, subject)

    def find_note(self, ticket_id: str, subject: str) -> Note | None:
        subject = require(subject, self.names.note.subject, "find_note")
        row = self._note_row(ticket_id, subject, "find_note")
        return records.note(row, self.names) if row else None

    def add_note(self, ticket_id: str, subject: str, body: str, *, publish_to_web: bool = False) -> Note:
        """A journal note on the ticket, hidden from the customer unless asked; reused by subject."""
        op = "add_note"
        subject = require(subject, self.names.note.subject, op)
        payload = records.note_body(ticket_id, subject, body, publish_to_web, self.names)

        def lookup() -> Row | None:
            return self._note_row(ticket_id, subject, op)

        found = None if self._fresh.first_note(ticket_id, subject) else lookup()
        row = found or self._create(self.names.sets.note, payload, lookup, op, subject)[0]
        return records.note(row, self.names)
