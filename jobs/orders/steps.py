"""The five steps of order onboarding (PROCESS.md job 5), each safe to repeat.

    customer  HEAT organisation + user customer (keyed by xref), `HEAT Customer` detail in GoldMine
    login     SF: a unique login name and a sealed initial password, set in HEAT; `Website Login` detail
    ticket    SF: a ticket for Customer Support (keyed by customer + subject), the password in a
              journal note that is not published to the web (keyed by ticket + note subject)
    letter    SF: the welcome letter; others: the packing note (keyed by its file name)
    history   GoldMine history per item, each with a RECID keyed by order and item

Every effect is looked for by its deterministic key before it is made (the HEAT backend's upserts
look up first; GoldMine rows have keyed RECIDs; the letter has a fixed path), so a step that
crashed after its effect and before the ledger knew adopts what it did instead of repeating it.
`after(step, effect)` is called right after each effect: tests inject crashes there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from pydantic import SecretStr

from config.errors import RecordError, RetriableError
from connectors.goldmine.records import NewHistory
from connectors.heat.base import TicketData
from jobs.orders import letters, texts
from jobs.orders.facts import OrderFacts
from jobs.orders.passwords import Sealer, generate_password, login_base, login_candidates
from jobs.state import ledger

if TYPE_CHECKING:
    from jobs.context import JobContext

STEPS = ("customer", "login", "ticket", "letter", "history")
SF_ONLY = frozenset({"login", "ticket"})
Hook = Callable[[str, str], None]
log = structlog.get_logger("goldheat.orders")


@dataclass(frozen=True, slots=True)
class StepDone:
    effect: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    state: str = ledger.DONE


@dataclass
class OrderWork:
    """One order's onboarding in progress: its facts, what earlier steps left, the password in hand."""

    ctx: JobContext
    facts: OrderFacts
    sealer: Sealer
    after: Hook = lambda step, effect: None
    results: dict[str, tuple[str | None, dict[str, Any]]] = field(default_factory=dict)
    claim: ledger.Claim | None = None
    password: SecretStr | None = field(default=None, repr=False)

    def effect(self, step: str) -> str:
        value = self.results.get(step, (None, {}))[0]
        if not value:
            raise RecordError(f"{self.facts.label}: step {step} has no effect recorded; run it first",
                              key=self.facts.opid, field=step)
        return value

    def detail(self, step: str) -> dict[str, Any]:
        return self.results.get(step, (None, {}))[1]

    def now(self) -> dt.datetime:
        return self.ctx.clock()

    def progress(self, **values: Any) -> None:
        assert self.claim is not None
        ledger.record_progress(self.ctx.state, self.claim, now=self.now(), **values)

    def initial_password(self) -> SecretStr | None:
        """The password issued by the login step: in memory, or unsealed from the ledger after a crash."""
        if self.password is None and not self.detail("login").get("existing"):
            token = ledger.sealed_of(self.ctx.state, self.facts.opid, "login")
            if token:
                self.password = self.sealer.unseal(token, order=self.facts.opid)
        return self.password

    def values(self) -> dict[str, str]:
        f = self.facts
        return {"company": f.account.company, "contact": f.person.name, "order": f.opid, "po": f.po,
                "order_name": f.opportunity.name, "team": self.ctx.process.orders.support_team,
                "customer_id": self.results.get("customer", ("", {}))[0] or "",
                "login": self.results.get("login", ("", {}))[0] or self.detail("login").get("login", ""),
                "ticket": self.detail("ticket").get("number", ""),
                "letter": self.detail("letter").get("file", "")}


def customer(w: OrderWork) -> StepDone:
    f, heat, orders = w.facts, w.ctx.heat, w.ctx.process.orders
    organisation_id = heat.upsert_organisation(f.organisation)
    w.after("customer", "organisation")
    found = heat.upsert_customer(f.customer, organisation_id)
    w.after("customer", "customer")
    detail_recid = w.ctx.goldmine.upsert_detail(f.account.accountno, orders.heat_customer_detail, found.id,
                                                linkacct=f.linkacct)
    w.after("customer", "goldmine detail")
    return StepDone(found.id, {"xref": f.customer.xref, "organisation": organisation_id, "login": found.login,
                               "detail": detail_recid})


def _choose_login(w: OrderWork, customer_id: str) -> str:
    """The first candidate login name nobody else has in HEAT (ours already counts as free)."""
    c = w.facts.customer
    for candidate in login_candidates(login_base(c.email, c.first_name, c.last_name)):
        owner = w.ctx.heat.find_login(candidate)
        if owner is None or owner.id == customer_id:
            return candidate
    raise RecordError(f"{w.facts.label}: no free login name near {login_base(c.email)!r}", key=w.facts.opid,
                      field="login")


def customer_key(xref: str) -> str:
    """The ledger key of a HEAT customer's one website login, shared by all of their orders."""
    return ledger.SHARED_PREFIX + hashlib.sha256(xref.encode()).hexdigest()[:24]


def _customer_claim(w: OrderWork, wait_seconds: float) -> ledger.Claim | ledger.StepRow:
    """Claim the customer's login row, so two orders of one person never issue two passwords."""
    engine, key = w.ctx.state, customer_key(w.facts.customer.xref)
    ledger.ensure_steps(engine, key, ("login",), now=w.now())
    deadline = time.monotonic() + wait_seconds
    while True:
        got = ledger.claim(engine, key, "login", now=w.now())
        if isinstance(got, ledger.Claim) or not got.held or time.monotonic() >= deadline:
            return got
        time.sleep(0.05)


def login(w: OrderWork) -> StepDone:
    f, heat = w.facts, w.ctx.heat
    customer_id = w.effect("customer")
    assert w.claim is not None
    name = w.claim.row.detail.get("login", "")
    resuming = bool(name and w.claim.sealed)
    shared = _customer_claim(w, wait_seconds=0 if resuming else 30)
    try:
        if resuming:
            w.password = w.sealer.unseal(w.claim.sealed or "", order=f.opid)
            owner = heat.find_login(name)
            if owner is not None and owner.id != customer_id:
                raise RecordError(f"{f.label}: the login {name!r} chosen for this order was taken by another "
                                  "HEAT customer; `goldheat retry ORDER --step login` picks another", key=f.opid,
                                  field="login")
            needs_set = owner is None
        elif isinstance(shared, ledger.StepRow) and shared.state == ledger.DONE and shared.effect:
            return _existing(w, shared.effect)  # another order of this person issued it
        elif isinstance(shared, ledger.StepRow):
            raise RetriableError(f"{f.label}: another order of this customer is issuing their login now; "
                                 "retry shortly", key=f.opid, field="login")
        elif w.detail("customer").get("login"):
            # The person already had a login in HEAT (a person set it up, or an earlier order did):
            # keep it and issue no new password, so nobody's working password is silently replaced.
            done = _existing(w, w.detail("customer")["login"])
            ledger.complete(w.ctx.state, shared, now=w.now(), effect=done.effect, detail={"order": f.opid})
            return done
        else:
            name = _choose_login(w, customer_id)
            w.password = generate_password(w.ctx.settings.passwords)
            w.progress(detail={"login": name}, sealed=w.sealer.seal(w.password))
            needs_set = True
        if needs_set:
            heat.set_login(customer_id, name, w.password)
            w.after("login", "login")
        _login_detail(w, name)
    except Exception:
        if isinstance(shared, ledger.Claim):
            ledger.release(w.ctx.state, shared, now=w.now())
        raise
    if isinstance(shared, ledger.Claim):
        ledger.complete(w.ctx.state, shared, now=w.now(), effect=name, detail={"order": f.opid})
    return StepDone(name, {"login": name})


def _existing(w: OrderWork, name: str) -> StepDone:
    _login_detail(w, name)
    return StepDone(name, {"login": name, "existing": True})


def _login_detail(w: OrderWork, name: str) -> None:
    f = w.facts
    w.ctx.goldmine.upsert_detail(f.account.accountno, w.ctx.process.orders.website_login_detail, name,
                                 linkacct=f.linkacct)
    w.after("login", "goldmine detail")


def ticket(w: OrderWork) -> StepDone:
    f, heat, orders = w.facts, w.ctx.heat, w.ctx.process.orders
    customer_id = w.effect("customer")
    values = w.values()
    assert w.claim is not None
    # The subject is the ticket's key: fixed at the first attempt, so an edited PO cannot fork it.
    subject = w.claim.row.detail.get("subject") or orders.login_ticket_subject.format(
        company=f.account.company, order=f.po, po=f.po, opid=f.opid)
    if not w.claim.row.detail.get("subject"):
        w.progress(detail={"subject": subject})
    found = heat.open_ticket(TicketData(customer_id=customer_id, team=orders.support_team, subject=subject,
                                        description=texts.render("ticket_description", values)))
    w.after("ticket", "ticket")
    password = w.initial_password()
    if password is None:
        body = texts.render("existing_login_note_body", values)
    else:
        body = texts.render("note_body", {**values, "password": password.get_secret_value()})
    note = heat.add_note(found.id, texts.render("note_subject", values), body, publish_to_web=False)
    w.after("ticket", "note")
    return StepDone(found.id, {"subject": subject, "number": found.number, "note": note.id})


def letter(w: OrderWork) -> StepDone:
    f, settings = w.facts, w.ctx.settings.letters
    kind = letters.WELCOME if f.sf else letters.PACKING
    path = letters.letter_path(settings.output_dir, f.opid, kind)
    if path.is_file():
        return StepDone(str(path), {"file": path.name, "kind": kind})
    template = letters.load_template(kind, settings.template if f.sf else settings.packing_template)
    user = w.ctx.goldmine.get_user(f.sm) if f.sm else None
    if user is None:
        raise RecordError(f"{f.label}: unknown SM {f.sm!r}: no GoldMine user of that name (OPMGR USERID / "
                          f"CONTACT1.{w.ctx.process.accounts.sm_field})", key=f.opid, field="SM")
    values = {**w.values(), "date": w.ctx.today().strftime("%d %B %Y"), "our_company": settings.company_name,
              "website": settings.website_url, "first_name": f.customer.first_name or f.person.name,
              "sm_name": str(user.get("NAME") or f.sm).strip(),
              "sm_phone": settings.sm_phones.get(f.sm, settings.phone),
              "sm_email": settings.sm_emails.get(f.sm, settings.email)}
    signature = settings.signatures.get(f.sm) if template.needs_signature else None
    if f.sf:
        password = w.initial_password()
        values["password"] = (password.get_secret_value() if password is not None
                              else texts.render("existing_login_password", values))
    fields = sorted(f.opportunity.fields.items())
    letters.render(template, values, path, signature=signature, sm=f.sm, fields=fields,
                   title=f"{kind} {f.po}")
    w.after("letter", "file")
    return StepDone(str(path), {"file": path.name, "kind": kind})


def history_items(sf: bool) -> list[str]:
    return ["customer", "login", "ticket", "welcome"] if sf else ["customer", "packing"]


def history(w: OrderWork) -> StepDone:
    f, gm, process = w.facts, w.ctx.goldmine, w.ctx.process
    values = w.values()
    recids = []
    for item in history_items(f.sf):
        recid = gm.keyed_recid(f"order:{f.opid}:history:{item}")
        gm.write_history(NewHistory(
            accountno=f.account.accountno, userid=process.users.goldheat, rectype=process.orders.history_rectype,
            actvcode=process.orders.history_actvcode, ref=texts.render(f"history_{item}", values),
            ondate=w.ctx.today(), notes=f"goldheat onboarded order {f.po} ({f.opid})", loprecid=f.opid,
            contact=f.person.name), recid=recid)
        w.after("history", item)
        recids.append(recid)
    return StepDone(",".join(recids), {"items": history_items(f.sf)})


STEP_FUNCTIONS: dict[str, Callable[[OrderWork], StepDone]] = {
    "customer": customer, "login": login, "ticket": ticket, "letter": letter, "history": history,
}
