"""Pure conversions between ISM rows and goldheat's HEAT records, driven by the tenant's names.

Also the adoption rule: which Employees already in HEAT are the person goldheat is about to
create. An Employee without a CustID is adopted when its PrimaryEmail matches, or else its
FirstName + LastName (never DisplayName, which the server builds with the middle name) and it
has no other email. Several candidates are for a person to settle, not for a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from config.errors import ConfigurationError
from connectors.heat.base import Customer, CustomerData, Note, Ticket, TicketData
from connectors.heat.ism.errors import SYSTEM
from connectors.heat.ism.names import IsmNames
from connectors.heat.ism.odata import RECORD_KEY, Filter, any_of, eq, field_name, rec_id

Row = dict[str, Any]
RECID = "_RecID"
CATEGORY = "_Category"


def text(value: Any) -> str:
    return "" if value is None else str(value)


def same(a: Any, b: Any) -> bool:
    """ISM compares strings case-insensitively; so do we when matching its answers."""
    return text(a).strip().casefold() == text(b).strip().casefold()


def truthy(value: Any) -> bool:
    return value is True or text(value).strip().lower() in ("true", "1", "yes")


def changes(row: Row, wanted: Row) -> Row:
    """The fields of `wanted` that differ from `row`; a link's _Category goes with its changed _RecID."""
    changed = {f: v for f, v in wanted.items()
               if not f.endswith(CATEGORY) and text(row.get(f)).strip() != text(v).strip()}
    if changed:
        changed |= {f: v for f, v in wanted.items()
                    if f.endswith(CATEGORY) and f[: -len(CATEGORY)] + RECID in changed}
    return changed


def first_exact(rows: Iterable[Row], field: str, value: str) -> Row | None:
    """The row whose field equals value exactly (the server's eq ignores case), lowest RecId first."""
    exact = [r for r in rows if text(r.get(field)).strip() == value.strip()]
    return min(exact, key=lambda r: text(r.get(RECORD_KEY))) if exact else None


# -- customers ---------------------------------------------------------------------------------

def employee_fields(names: IsmNames, extra: Iterable[str] = ()) -> list[str]:
    e = names.employee
    return [e.xref, e.login, e.first_name, e.last_name, e.email, e.phone, e.title,
            e.organisation_link + RECID, e.status, e.disabled, *extra]


def customer(row: Row, names: IsmNames, extra: Iterable[str] = ()) -> Customer:
    e = names.employee
    main = {RECORD_KEY, e.xref, e.first_name, e.last_name, e.email, e.login, e.organisation_link + RECID}
    return Customer(
        id=text(row.get(RECORD_KEY)), xref=text(row.get(e.xref)), first_name=text(row.get(e.first_name)),
        last_name=text(row.get(e.last_name)), email=text(row.get(e.email)), login=text(row.get(e.login)),
        organisation_id=text(row.get(e.organisation_link + RECID)),
        fields={f: text(row.get(f)) for f in employee_fields(names, extra)
                if f not in main and row.get(f) is not None})


def employee_body(data: CustomerData, organisation_id: str, names: IsmNames) -> Row:
    """What goldheat writes on an Employee; blank optional fields are left as HEAT has them."""
    e = names.employee
    body: Row = {e.xref: data.xref.strip(), e.first_name: data.first_name.strip(),
                 e.last_name: data.last_name.strip()}
    optional = {e.email: data.email, e.phone: data.phone, e.title: data.title}
    body |= {f: v.strip() for f, v in optional.items() if v and v.strip()}
    if organisation_id:
        body[e.organisation_link + RECID] = rec_id(organisation_id)
        body[e.organisation_link + CATEGORY] = names.categories.organisation
    for target, value in data.extra.items():
        try:
            body[field_name(target)] = value
        except ValueError:
            raise ConfigurationError(f"the customer mapping targets {target!r}, not an ISM field name",
                                     setting="GOLDHEAT_SITE__MAPPINGS_DIR", system=SYSTEM,
                                     operation="upsert_customer", key=data.xref) from None
    return body


def candidates_filter(data: CustomerData, names: IsmNames) -> Filter:
    """One `$filter` for "ours already?" (CustID) and "already in HEAT?" (email, or first + last name)."""
    e = names.employee
    wanted = [eq(e.xref, data.xref.strip())]
    if data.email.strip():
        wanted.append(eq(e.email, data.email.strip()))
    if data.first_name.strip() and data.last_name.strip():
        wanted.append(eq(e.first_name, data.first_name.strip()) & eq(e.last_name, data.last_name.strip()))
    return any_of(*wanted)


def adoptable(data: CustomerData, candidates: list[Row], names: IsmNames) -> list[Row]:
    """Unclaimed employees that are this person: same email, or same name and no other email."""
    e = names.employee
    free = [r for r in candidates if not text(r.get(e.xref)).strip()]
    named = [r for r in free if same(r.get(e.first_name), data.first_name) and same(r.get(e.last_name), data.last_name)]
    if data.email.strip():
        by_email = [r for r in free if same(r.get(e.email), data.email)]
        if len(by_email) > 1:
            by_email = [r for r in by_email if r in named] or by_email
        if by_email:
            return by_email
    return [r for r in named if not text(r.get(e.email)).strip() or not data.email.strip()
            or same(r.get(e.email), data.email)]


# -- tickets and notes -----------------------------------------------------------------------------

def ticket_fields(names: IsmNames) -> list[str]:
    i = names.incident
    return [i.number, i.customer_link + RECID, i.team, i.subject, i.status]


def ticket(row: Row, names: IsmNames) -> Ticket:
    i = names.incident
    return Ticket(id=text(row.get(RECORD_KEY)), number=text(row.get(i.number)),
                  customer_id=text(row.get(i.customer_link + RECID)), team=text(row.get(i.team)),
                  subject=text(row.get(i.subject)), status=text(row.get(i.status)))


def ticket_body(data: TicketData, subject: str, team: str, names: IsmNames) -> Row:
    """An Incident at its initial status (Logged needs no Category or Owner), queued for the team."""
    i = names.incident
    body: Row = {i.subject: subject, i.description: data.description,
                 i.customer_link + RECID: rec_id(data.customer_id),
                 i.customer_link + CATEGORY: names.categories.customer,
                 i.team: team, i.status: data.status or i.initial_status}
    for name, value in ((i.category, data.category or i.default_category),
                        (i.source, data.source or i.default_source)):
        if value:
            body[name] = value
    return body


def note_fields(names: IsmNames) -> list[str]:
    n = names.note
    return [n.parent_link + RECID, n.subject, n.publish]


def note(row: Row, names: IsmNames) -> Note:
    n = names.note
    return Note(id=text(row.get(RECORD_KEY)), ticket_id=text(row.get(n.parent_link + RECID)),
                subject=text(row.get(n.subject)), publish_to_web=truthy(row.get(n.publish)))


def note_body(ticket_id: str, subject: str, body: str, publish_to_web: bool, names: IsmNames) -> Row:
    """A Journal#Notes row; ParentLink_Category is written with its '#' (plain 'Incident' is refused)."""
    n = names.note
    payload: Row = {n.subject: subject, n.body: body, n.publish: bool(publish_to_web),
                    n.parent_link + RECID: rec_id(ticket_id), n.parent_link + CATEGORY: names.categories.ticket}
    for name, value in ((n.category, n.default_category), (n.source, n.default_source)):
        if value:
            payload[name] = value
    return payload
