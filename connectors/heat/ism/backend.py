"""HEAT through the Ivanti Service Manager REST API: the `HeatBackend` the jobs use.

Every create is made safe against repetition the same way: look the record up by its natural key
(Employee.CustID, OrganizationalUnit.Name, Incident ProfileLink_RecID + Subject, note ParentLink_RecID +
Subject) before the POST, and again before sending the POST a second time after a failure, because a
create whose answer was lost (timeout, dropped connection, 502) may well have happened.

People already in HEAT are adopted rather than duplicated: an Employee without a CustID whose
PrimaryEmail, or else FirstName + LastName (never DisplayName, which the server builds with the
middle name), matches is stamped with goldheat's CustID. Ambiguous matches are a record error for a
person to settle, not a guess.
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
from connectors.heat.base import Customer, CustomerData, Note, Ticket, TicketData
from connectors.heat.ism import errors
from connectors.heat.ism.names import IsmNames, load_names
from connectors.heat.ism.odata import (
    MAX_TOP, RECORD_KEY, Filter, any_of, collection_path, eq, field_name, query, rec_id, record_path,
)
from connectors.heat.ism.paging import Pager
from connectors.heat.ism.session import IsmSession

Row = dict[str, Any]
SYSTEM = errors.SYSTEM


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _same(a: Any, b: Any) -> bool:
    return _text(a).strip().casefold() == _text(b).strip().casefold()


def _truthy(value: Any) -> bool:
    return value is True or _text(value).strip().lower() in ("true", "1", "yes")


def _require(value: str, field: str, operation: str, key: str | None = None) -> str:
    if not value or not value.strip():
        raise RecordError(f"{field} is empty", system=SYSTEM, operation=operation, key=key, field=field)
    return value.strip()


class FreshTickets:
    """Tickets this backend created moments ago, with the note subjects it has added to them since.

    A new ticket has no notes but ours, so the lookup before a first note is skipped: open ticket
    with note costs three calls instead of four. Bounded: the oldest tickets are forgotten.
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
        if not heat.base_url.strip():
            raise ConfigurationError("GOLDHEAT_HEAT__BASE_URL is not set (e.g. https://host/HEAT)",
                                     setting="GOLDHEAT_HEAT__BASE_URL")
        owns = http is None
        if http is None:
            http = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=heat.max_concurrency)
            http.mount("http://", adapter)
            http.mount("https://", adapter)
        session = IsmSession(
            http, heat.base_url,
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
        path = collection_path(entity_set)
        fields = [RECORD_KEY, *select]

        def fetch(skip: int, top: int) -> list[Row]:
            reply = self.session.request("GET", path, params=query(filter=where, select=fields, top=top,
                                                                   skip=skip),
                                         operation=operation, key=key)
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
        changed = {f: v for f, v in wanted.items()
                   if not f.endswith("_Category") and _text(row.get(f)).strip() != _text(v).strip()}
        if not changed:
            return row
        changed |= {f: v for f, v in wanted.items()
                    if f.endswith("_Category") and f[: -len("_Category")] + "_RecID" in changed}
        updated = self._write("PATCH", record_path(entity_set, row[RECORD_KEY]), changed, operation, key)
        return {**row, **changed, **updated}

    # -- customers and organisations ----------------------------------------------------------

    def _employee_fields(self, extra: Iterable[str] = ()) -> list[str]:
        e = self.names.employee
        return [e.xref, e.login, e.first_name, e.last_name, e.email, e.phone, e.title,
                e.organisation_link + "_RecID", e.status, e.disabled, *extra]

    def _customer(self, row: Row, extra: Iterable[str] = ()) -> Customer:
        e = self.names.employee
        main = {RECORD_KEY, e.xref, e.first_name, e.last_name, e.email, e.login, e.organisation_link + "_RecID"}
        return Customer(
            id=_text(row.get(RECORD_KEY)), xref=_text(row.get(e.xref)), first_name=_text(row.get(e.first_name)),
            last_name=_text(row.get(e.last_name)), email=_text(row.get(e.email)),
            login=_text(row.get(e.login)), organisation_id=_text(row.get(e.organisation_link + "_RecID")),
            fields={f: _text(row.get(f)) for f in self._employee_fields(extra)
                    if f not in main and row.get(f) is not None})

    def _by_xref(self, xref: str, operation: str, extra: Iterable[str] = ()) -> Row | None:
        e = self.names.employee
        own = [r for r in self._rows(self.names.sets.employee, eq(e.xref, xref), self._employee_fields(extra),
                                     operation, xref) if _text(r.get(e.xref)) == xref]
        if len(own) > 1:
            raise RecordError(f"{len(own)} HEAT employees carry this {e.xref}: merge them in HEAT",
                              system=SYSTEM, operation=operation, key=xref, field=e.xref)
        return own[0] if own else None

    def find_customer(self, xref: str) -> Customer | None:
        row = self._by_xref(_require(xref, "xref", "find_customer"), "find_customer")
        return self._customer(row) if row else None

    def find_customer_by_email(self, email: str) -> list[Customer]:
        email = _require(email, self.names.employee.email, "find_customer_by_email")
        rows = self._rows(self.names.sets.employee, eq(self.names.employee.email, email),
                          self._employee_fields(), "find_customer_by_email", email)
        return [self._customer(r) for r in rows if _same(r.get(self.names.employee.email), email)]

    def find_login(self, login: str) -> Customer | None:
        login = _require(login, self.names.employee.login, "find_login")
        rows = [r for r in self._rows(self.names.sets.employee, eq(self.names.employee.login, login),
                                      self._employee_fields(), "find_login", login)
                if _same(r.get(self.names.employee.login), login)]
        return self._customer(rows[0]) if rows else None

    def upsert_organisation(self, name: str) -> str:
        name = _require(name, self.names.organisation.name, "upsert_organisation")
        field = self.names.organisation.name

        def lookup() -> Row | None:
            rows = self._rows(self.names.sets.organisation, eq(field, name), [field], "upsert_organisation", name)
            matches = sorted((r for r in rows if _same(r.get(field), name)), key=lambda r: _text(r.get(RECORD_KEY)))
            return matches[0] if matches else None

        row = lookup() or self._create(self.names.sets.organisation, {field: name}, lookup,
                                       "upsert_organisation", name)[0]
        return _text(row.get(RECORD_KEY))

    def _employee_body(self, data: CustomerData, organisation_id: str) -> Row:
        e = self.names.employee
        body: Row = {e.xref: data.xref, e.first_name: data.first_name.strip(), e.last_name: data.last_name.strip()}
        optional = {e.email: data.email, e.phone: data.phone, e.title: data.title}
        body |= {f: v.strip() for f, v in optional.items() if v and v.strip()}
        if organisation_id:
            body[e.organisation_link + "_RecID"] = rec_id(organisation_id)
            body[e.organisation_link + "_Category"] = self.names.categories.organisation
        for target, value in data.extra.items():
            try:
                body[field_name(target)] = value
            except ValueError:
                raise ConfigurationError(f"the customer mapping targets {target!r}, not an ISM field name",
                                         setting="GOLDHEAT_SITE__MAPPINGS_DIR", system=SYSTEM,
                                         operation="upsert_customer", key=data.xref) from None
        return body

    def _adoptable(self, data: CustomerData, candidates: list[Row]) -> list[Row]:
        """Unclaimed employees that are this person: same email, or same name and no other email."""
        e = self.names.employee
        free = [r for r in candidates if not _text(r.get(e.xref)).strip()]
        if data.email:
            by_email = [r for r in free if _same(r.get(e.email), data.email)]
            if len(by_email) > 1:
                by_email = [r for r in by_email if _same(r.get(e.first_name), data.first_name)
                            and _same(r.get(e.last_name), data.last_name)] or by_email
            if by_email:
                return by_email
        return [r for r in free if _same(r.get(e.first_name), data.first_name)
                and _same(r.get(e.last_name), data.last_name)
                and (not _text(r.get(e.email)).strip() or not data.email or _same(r.get(e.email), data.email))]

    def upsert_customer(self, data: CustomerData, organisation_id: str = "") -> Customer:
        op, e, employees = "upsert_customer", self.names.employee, self.names.sets.employee
        xref = _require(data.xref, e.xref, op)
        _require(data.first_name + data.last_name, e.last_name, op, xref)
        body = self._employee_body(data, organisation_id)
        select = self._employee_fields(data.extra)  # names checked by _employee_body
        # One GET answers "is it ours already?" and "is this person already in HEAT?" at once.
        wanted = [eq(e.xref, xref)]
        if data.email.strip():
            wanted.append(eq(e.email, data.email.strip()))
        if data.first_name.strip() and data.last_name.strip():
            wanted.append(eq(e.first_name, data.first_name.strip()) & eq(e.last_name, data.last_name.strip()))
        candidates = self._rows(employees, any_of(*wanted), select, op, xref)
        own = [r for r in candidates if _text(r.get(e.xref)) == xref]
        if len(own) > 1:
            raise RecordError(f"{len(own)} HEAT employees carry this {e.xref}: merge them in HEAT",
                              system=SYSTEM, operation=op, key=xref, field=e.xref)
        if own:
            return self._customer(self._update(employees, own[0], body, op, xref), data.extra)
        adopt = self._adoptable(data, candidates)
        if len(adopt) > 1:
            raise RecordError(f"{len(adopt)} HEAT employees without a {e.xref} match this person: "
                              f"stamp the right one's {e.xref} in HEAT", system=SYSTEM, operation=op,
                              key=xref, field=e.email if data.email else e.last_name)
        if adopt:
            return self._customer(self._update(employees, adopt[0], body, op, xref), data.extra)
        row, _ = self._create(employees, body, lambda: self._by_xref(xref, op, data.extra), op, xref)
        return self._customer(row, data.extra)

    def set_login(self, customer_id: str, login: str, password: SecretStr) -> None:
        e = self.names.employee
        secret = password.get_secret_value()
        register_secret(secret)
        login = _require(login, e.login, "set_login", customer_id)
        _require(secret, e.password, "set_login", customer_id)
        body = {e.login: login, e.internal_auth: True, e.password: secret, e.status: e.active_status,
                e.disabled: False}
        path = record_path(self.names.sets.employee, customer_id)
        self._write("PATCH", path, body, "set_login", customer_id)
        if e.role_relationship and e.login_role:
            role = f"{path}/{e.role_relationship}('{self._role_id()}')/$Ref"
            self._write("PATCH", role, None, "set_login", customer_id)

    def _role_id(self) -> str:
        """The self-service role's RecId, looked up once per backend."""
        e = self.names.employee
        if not self._role:
            rows = [r for r in self._rows(e.role_set, eq(e.role_name, e.login_role), [e.role_name],
                                          "set_login", e.login_role) if _same(r.get(e.role_name), e.login_role)]
            if not rows:
                raise ConfigurationError(f"HEAT has no role {e.login_role!r} in {e.role_set}: fix login_role in "
                                         "heat_ism.toml", setting="GOLDHEAT_SITE__MAPPINGS_DIR",
                                         system=SYSTEM, operation="set_login")
            self._role = rec_id(_text(rows[0].get(RECORD_KEY)))
        return self._role

    # -- tickets and notes ----------------------------------------------------------------------

    def _ticket(self, row: Row) -> Ticket:
        i = self.names.incident
        return Ticket(id=_text(row.get(RECORD_KEY)), number=_text(row.get(i.number)),
                      customer_id=_text(row.get(i.customer_link + "_RecID")), team=_text(row.get(i.team)),
                      subject=_text(row.get(i.subject)), status=_text(row.get(i.status)))

    def _ticket_row(self, customer_id: str, subject: str, operation: str) -> Row | None:
        i = self.names.incident
        where = eq(i.customer_link + "_RecID", rec_id(customer_id)) & eq(i.subject, subject)
        rows = self._rows(self.names.sets.incident, where,
                          [i.number, i.customer_link + "_RecID", i.team, i.subject, i.status], operation, subject)
        exact = [r for r in rows if _text(r.get(i.subject)).strip() == subject.strip()]
        return min(exact, key=lambda r: _text(r.get(RECORD_KEY))) if exact else None

    def find_ticket(self, customer_id: str, subject: str) -> Ticket | None:
        row = self._ticket_row(customer_id, _require(subject, self.names.incident.subject, "find_ticket"),
                               "find_ticket")
        return self._ticket(row) if row else None

    def open_ticket(self, data: TicketData) -> Ticket:
        """An Incident for the team, linked to the customer; an existing one with the subject is reused."""
        i, op = self.names.incident, "open_ticket"
        subject = _require(data.subject, i.subject, op)
        team = _require(data.team, i.team, op, subject)
        body: Row = {i.subject: subject, i.description: data.description,
                     i.customer_link + "_RecID": rec_id(data.customer_id),
                     i.customer_link + "_Category": self.names.categories.customer,
                     i.team: team, i.status: data.status or i.initial_status}
        for name, value in ((i.category, data.category or i.default_category),
                            (i.source, data.source or i.default_source)):
            if value:
                body[name] = value

        def lookup() -> Row | None:
            return self._ticket_row(data.customer_id, subject, op)

        found = lookup()
        if found is not None:
            return self._ticket(found)
        row, created = self._create(self.names.sets.incident, body, lookup, op, subject)
        ticket = self._ticket(row)
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
            if exc.status != 404:
                raise
            row = {}
        if not row.get(RECORD_KEY):
            raise RecordError("no such HEAT ticket", system=SYSTEM, operation=op, key=ticket_id)
        return self._ticket(row)

    def _note(self, row: Row) -> Note:
        n = self.names.note
        return Note(id=_text(row.get(RECORD_KEY)), ticket_id=_text(row.get(n.parent_link + "_RecID")),
                    subject=_text(row.get(n.subject)), publish_to_web=_truthy(row.get(n.publish)))

    def _note_row(self, ticket_id: str, subject: str, operation: str) -> Row | None:
        n = self.names.note
        where = eq(n.parent_link + "_RecID", rec_id(ticket_id)) & eq(n.subject, subject)
        rows = self._rows(self.names.sets.note, where, [n.parent_link + "_RecID", n.subject, n.publish],
                          operation, subject)
        exact = [r for r in rows if _text(r.get(n.subject)).strip() == subject.strip()]
        return min(exact, key=lambda r: _text(r.get(RECORD_KEY))) if exact else None

    def find_note(self, ticket_id: str, subject: str) -> Note | None:
        row = self._note_row(ticket_id, _require(subject, self.names.note.subject, "find_note"), "find_note")
        return self._note(row) if row else None

    def add_note(self, ticket_id: str, subject: str, body: str, *, publish_to_web: bool = False) -> Note:
        """A journal note on the ticket (not shown to the customer unless asked); reused by subject."""
        n, op = self.names.note, "add_note"
        subject = _require(subject, n.subject, op)
        payload: Row = {n.subject: subject, n.body: body, n.publish: bool(publish_to_web),
                        n.parent_link + "_RecID": rec_id(ticket_id),
                        n.parent_link + "_Category": self.names.categories.ticket}
        for name, value in ((n.category, n.default_category), (n.source, n.default_source)):
            if value:
                payload[name] = value

        def lookup() -> Row | None:
            return self._note_row(ticket_id, subject, op)

        # A ticket this backend has just created holds only the notes it added since: no lookup needed.
        found = None if self._fresh.first_note(ticket_id, subject) else lookup()
        row = found or self._create(self.names.sets.note, payload, lookup, op, subject)[0]
        return self._note(row)
