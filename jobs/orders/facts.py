"""What an order is about: the opportunity, its account, its user customer, mapped for HEAT.

Read once per order from GoldMine (three reads: opportunity, account, people) and checked here,
so every bad input (no user customer, no or an invalid e-mail, a name missing) stops the order
with a record error that names the order and the field before anything is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from config.errors import RecordError
from connectors.goldmine.records import Account, Opportunity, Person
from connectors.heat.base import CustomerData
from mappings.loader import GoldMineToHeat, load_mapping
from mappings.transforms import strip

if TYPE_CHECKING:
    from jobs.context import JobContext

USER_CUSTOMER_FIELD = "user customer (opportunity contact, OPMGR OC)"
XREF_SEPARATOR = "/"


@dataclass(frozen=True, slots=True)
class OrderFacts:
    opportunity: Opportunity
    account: Account
    person: Person
    organisation: str
    customer: CustomerData
    sf: bool
    sm: str
    po: str

    @property
    def opid(self) -> str:
        return self.opportunity.opid

    @property
    def linkacct(self) -> str:
        """CONTSUPP LINKACCT of goldheat's details: the additional contact's RECID, blank for the primary."""
        return "" if self.person.is_primary else self.person.recid

    @property
    def label(self) -> str:
        return f"order {self.opid} (PO {self.po}, {self.account.company})"


def xref_for(person: Person) -> str:
    """goldheat's key for a HEAT customer: the ACCOUNTNO, plus the contact's RECID when additional."""
    if person.is_primary:
        return person.accountno
    return f"{person.accountno}{XREF_SEPARATOR}{person.recid}"


def find_order(ctx: JobContext, reference: str) -> Opportunity:
    """The opportunity named by an OPID or a PO number; a record error when none or several."""
    reference = reference.strip()
    found = ctx.goldmine.get_opportunity(reference) if reference else None
    if found is None and reference:
        by_po = ctx.goldmine.find_opportunities(po_number=reference)
        if len(by_po) > 1:
            raise RecordError(f"order {reference}: {len(by_po)} opportunities have this PO number "
                              f"({', '.join(o.opid for o in by_po[:5])}); name one by its OPID",
                              key=reference, field=ctx.process.order_fields.po_number)
        found = by_po[0] if by_po else None
    if found is None:
        raise RecordError(f"order {reference}: no opportunity has this OPID or PO number", key=reference,
                          field="ORDER")
    return found


def po_of(ctx: JobContext, opportunity: Opportunity) -> str:
    """The PO number people know the order by; the OPID when there is none."""
    return opportunity.fields.get(ctx.process.order_fields.po_number, "").strip() or opportunity.opid


def is_sf(ctx: JobContext, opportunity: Opportunity) -> bool:
    kind = opportunity.fields.get(ctx.process.order_fields.order_type, "").strip().upper()
    return kind in {t.upper() for t in ctx.process.orders.sf_order_types}


def sm_of(ctx: JobContext, opportunity: Opportunity, account: Account) -> str:
    """The order's SM: the opportunity's user, else the account's SM field (CONTACT1.KEY4 by default)."""
    field = ctx.process.accounts.sm_field.lower()
    return (opportunity.userid or getattr(account, field, "") or "").strip().upper()


def match_person(people: list[Person], name: str) -> Person | None:
    wanted = strip(name).upper()
    return next((p for p in people if strip(p.name).upper() == wanted), None) if wanted else None


def gather(ctx: JobContext, opportunity: Opportunity, mapping: GoldMineToHeat | None = None) -> OrderFacts:
    """Account, user customer and the mapped HEAT records of an order, checked."""
    gm = ctx.goldmine
    label = f"order {opportunity.opid}"
    account = gm.get_account(opportunity.accountno)
    if account is None:
        raise RecordError(f"{label}: account {opportunity.accountno} is not in GoldMine", key=opportunity.opid,
                          field="ACCOUNTNO")
    person = None
    if opportunity.contact_link.strip():
        person = match_person(gm.get_people(account.accountno), opportunity.contact_link)
    if person is None:
        who = f" {opportunity.contact_link.strip()!r}" if opportunity.contact_link.strip() else ""
        raise RecordError(f"{label}: no user customer: the opportunity's contact{who} is neither the account's "
                          "primary contact nor one of its additional contacts", key=opportunity.opid,
                          field=USER_CUSTOMER_FIELD)
    mapping = mapping or load_mapping(ctx.settings.site.mappings_dir)
    source = source_fields(account, person, opportunity, ctx)
    organisation = mapping.map("organisation", source, record=label)["name"]
    fields = mapping.map("customer", source, record=label)
    core = {"first_name", "last_name", "email", "phone", "title", "organisation"}
    customer = CustomerData(
        xref=xref_for(person), first_name=fields.get("first_name", ""), last_name=fields.get("last_name", ""),
        email=fields.get("email", ""), phone=fields.get("phone", ""), title=fields.get("title", ""),
        organisation=fields.get("organisation", organisation),
        extra={k: v for k, v in fields.items() if k not in core})
    return OrderFacts(opportunity=opportunity, account=account, person=person, organisation=organisation,
                      customer=customer, sf=is_sf(ctx, opportunity), sm=sm_of(ctx, opportunity, account),
                      po=po_of(ctx, opportunity))


def source_fields(account: Account, person: Person, opportunity: Opportunity, ctx: JobContext) -> dict[str, str]:
    """The names a mapping file may use as sources (see goldmine_to_heat.toml)."""
    source = {f"account.{name}": str(getattr(account, name) or "") for name in (
        "accountno", "company", "contact", "phone1", "city", "state", "country", "zip", "address1",
        "key1", "key2", "key3", "key4", "key5")}
    source.update({f"person.{name}": str(getattr(person, name) or "") for name in (
        "name", "title", "phone", "email", "recid")})
    of = ctx.process.order_fields
    source.update({"order.opid": opportunity.opid, "order.name": opportunity.name,
                   "order.po_number": opportunity.fields.get(of.po_number, ""),
                   "order.order_type": opportunity.fields.get(of.order_type, "")})
    return source
