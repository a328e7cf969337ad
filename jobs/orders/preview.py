"""The dry run of an order: what each step would do, field by field, changing nothing.

Reads only: GoldMine (the order, account, people, the SM), HEAT lookups by the same keys the steps
use (so it says "adopt" where a run would adopt) and the ledger. Writes nothing anywhere, not even
the ledger, and never generates a password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from config.errors import GoldheatError
from connectors.goldmine.records import Opportunity
from jobs.orders import letters, texts
from jobs.orders.facts import OrderFacts, find_order, gather, po_of
from jobs.orders.passwords import login_base
from jobs.orders.steps import SF_ONLY, STEPS, history_items
from jobs.orders.sync import OrderResult, StepOutcome
from jobs.state import ledger

if TYPE_CHECKING:
    from jobs.context import JobContext


def preview_order(ctx: JobContext, order: str | Opportunity) -> OrderResult:
    reference = order.opid if isinstance(order, Opportunity) else str(order)
    try:
        opportunity = order if isinstance(order, Opportunity) else find_order(ctx, order)
    except GoldheatError as exc:
        return OrderResult(order=reference, error=exc.to_dict())
    opid = opportunity.opid
    result = OrderResult(order=opid, po=po_of(ctx, opportunity), company=opportunity.company)
    rows = {r.step: r for r in ledger.steps_of(ctx.state, opid)}
    if rows and all(r.state in ledger.FINISHED for r in rows.values()):
        result.steps = [StepOutcome(r.step, r.state, r.effect, r.last_error) for r in rows.values()]
        return result
    try:
        facts = gather(ctx, opportunity)
    except GoldheatError as exc:
        result.error = exc.to_dict()
        result.steps.append(StepOutcome("customer", ledger.FAILED, error=str(exc), field=exc.field))
        return result
    result.sf = facts.sf
    for step in STEPS:
        row = rows.get(step)
        if row is not None and row.state in ledger.FINISHED:
            result.steps.append(StepOutcome(step, row.state, row.effect))
            continue
        if step in SF_ONLY and not facts.sf:
            result.planned.append({"action": f"skip {step}", "order": opid, "reason": "not an SF order"})
        else:
            result.planned += PLANNERS[step](ctx, facts)
        result.steps.append(StepOutcome(step, "planned"))
    return result


def _customer(ctx: JobContext, f: OrderFacts) -> list[dict[str, Any]]:
    existing = ctx.heat.find_customer(f.customer.xref)
    c = f.customer
    fields = {"xref": c.xref, "first_name": c.first_name, "last_name": c.last_name, "email": c.email,
              "phone": c.phone, "title": c.title, "organisation": c.organisation, **c.extra}
    return [
        {"action": "upsert HEAT organisation", "order": f.opid, "name": f.organisation},
        {"action": (f"update HEAT customer {existing.id}" if existing else
                    "create HEAT customer (or adopt the person with this e-mail)"), "order": f.opid, **fields},
        {"action": "write GoldMine detail", "order": f.opid, "account": f.account.accountno,
         "name": ctx.process.orders.heat_customer_detail, "ref": existing.id if existing else "(the customer's id)",
         "linkacct": f.linkacct},
    ]


def _login(ctx: JobContext, f: OrderFacts) -> list[dict[str, Any]]:
    existing = ctx.heat.find_customer(f.customer.xref)
    if existing is not None and existing.login:
        return [{"action": "keep the existing website login", "order": f.opid, "login": existing.login}]
    name = login_base(f.customer.email, f.customer.first_name, f.customer.last_name)
    owner = ctx.heat.find_login(name)
    taken = owner is not None and (existing is None or owner.id != existing.id)
    return [
        {"action": "issue website login", "order": f.opid, "login": name + (" (taken: a suffix is added)" if taken
                                                                              else ""),
         "initial_password": f"(generated, {ctx.settings.passwords.length} characters)"},
        {"action": "write GoldMine detail", "order": f.opid, "name": ctx.process.orders.website_login_detail,
         "ref": name},
    ]


def _ticket(ctx: JobContext, f: OrderFacts) -> list[dict[str, Any]]:
    orders = ctx.process.orders
    subject = orders.login_ticket_subject.format(company=f.account.company, order=f.po, po=f.po, opid=f.opid)
    return [
        {"action": "open HEAT ticket", "order": f.opid, "team": orders.support_team, "subject": subject},
        {"action": "add journal note", "order": f.opid, "subject": texts.render("note_subject", {}),
         "publish_to_web": False, "body": "login and initial password"},
    ]


def _letter(ctx: JobContext, f: OrderFacts) -> list[dict[str, Any]]:
    settings = ctx.settings.letters
    kind = letters.WELCOME if f.sf else letters.PACKING
    path = letters.letter_path(settings.output_dir, f.opid, kind)
    if path.is_file():
        return [{"action": f"keep the {kind} file", "order": f.opid, "file": str(path)}]
    user = ctx.goldmine.get_user(f.sm) if f.sm else None
    plan: dict[str, Any] = {"action": f"render {kind} PDF", "order": f.opid, "file": str(path), "sm": f.sm,
                            "sm_name": str(user.get("NAME", "")).strip() if user else "UNKNOWN SM: would fail"}
    if f.sf:
        signature = settings.signatures.get(f.sm)
        plan["signature"] = str(signature) if signature and signature.is_file() else "MISSING: would fail"
    return [plan]


def _history(ctx: JobContext, f: OrderFacts) -> list[dict[str, Any]]:
    values = {"company": f.account.company, "contact": f.person.name, "order": f.opid, "po": f.po,
              "team": ctx.process.orders.support_team, "login": "(login)", "ticket": "(ticket)"}
    return [{"action": "write GoldMine history", "order": f.opid, "account": f.account.accountno,
             "actvcode": ctx.process.orders.history_actvcode, "ref": texts.render(f"history_{item}", values),
             "recid": ctx.goldmine.keyed_recid(f"order:{f.opid}:history:{item}")} for item in history_items(f.sf)]


PLANNERS = {"customer": _customer, "login": _login, "ticket": _ticket, "letter": _letter, "history": _history}
