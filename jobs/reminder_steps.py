"""What each due reminder does: the distributor's e-mail, the SM's call-backs, the check's outcome.

Every step claims its row first (`jobs.state.reminders.claim`), performs an effect whose id comes
from the row's key, and finishes the row. The e-mail is the one effect no target can de-duplicate
for us, so it is bracketed:

    claim row (state `claimed`, lease 15 min)
    -> effects has `<order>:email`?  yes: skip sending (it went out before a crash)
    -> SMTP send, Message-ID = hash of `<order>:email`
    -> record `<order>:email` = Message-ID in the effects table      (commit)
    -> GoldMine history (keyed RECID), finish row `done`

A crash after the server's 250 reply to DATA and before that commit is the only way to send
twice: the lease runs out, the next sweep re-claims the row and sends again with the same
Message-ID, which receivers that de-duplicate by Message-ID fold into one. That window is
milliseconds wide; a crash anywhere else re-sends nothing.
"""

from __future__ import annotations

import datetime as dt
import functools

from config.errors import RecordError
from connectors.goldmine.records import NewActivity, NewHistory, Opportunity
from connectors.heat.base import TicketData
from jobs import mail
from jobs.apply import Applier
from jobs.calendar import BusinessCalendar
from jobs.context import JobContext
from jobs.rules import reminders as rules
from jobs.rules.actions import Log, Schedule
from jobs.state import effects, ledger
from jobs.state import reminders as rows
from jobs.summary import RunSummary

JOB = "reminders"
LEASE = dt.timedelta(minutes=15)


class Steps:
    def __init__(self, ctx: JobContext, applier: Applier, calendar: BusinessCalendar, summary: RunSummary) -> None:
        self.ctx = ctx
        self.applier = applier
        self.calendar = calendar
        self.summary = summary
        self.process = ctx.process
        self.goldheat = ctx.process.users.goldheat.upper()

    def perform(self, row: rows.Reminder, order: Opportunity, name: str) -> None:
        if row.kind == rules.EMAIL:
            self.email(row, order, name)
        elif row.kind in (rules.SHIPPED_CALL, rules.EQUIPMENT_CHECK):
            self.call_back(row, order, name)
        elif row.kind == rules.OUTCOME:
            self.outcome(row, order, name)

    # --- shared ---------------------------------------------------------------------------------
    def _claim(self, row: rows.Reminder) -> bool:
        if rows.claim(self.ctx.state, row.order_id, row.kind, self.ctx.clock(), LEASE):
            return True
        self.summary.count("claimed by another run")
        return False

    def _finish(self, row: rows.Reminder, state: str, effect: str = "", error: str = "") -> None:
        rows.finish(self.ctx.state, row.order_id, row.kind, state, self.ctx.clock(), effect=effect, error=error)

    def _texts(self, order: Opportunity, **extra: str) -> dict[str, str]:
        po = order.fields.get(self.process.order_fields.po_number, "")
        return {"order": po or order.name or order.opid, "po": po or order.name, "company": order.company, **extra}

    def _history(self, order: Opportunity, key: str, ref: str, why: str, notes: str = "") -> str | None:
        now = self.ctx.now()
        entry = NewHistory(accountno=order.accountno, userid=self.goldheat,
                           rectype=self.process.orders.history_rectype, actvcode=self.process.orders.history_actvcode,
                           ref=ref, ondate=now.date(), ontime=f"{now:%H:%M}", notes=notes, loprecid=order.opid)
        return self.applier.apply(Log(key, entry, why), f"order {order.opid}")

    # --- the distributor's e-mail ---------------------------------------------------------------
    def email(self, row: rows.Reminder, order: Opportunity, name: str) -> None:
        distributor = order.fields.get(self.process.order_fields.distributor, "").strip()
        if not distributor:
            if not self.ctx.dry_run:
                self._finish(row, rows.SKIPPED, error="no distributor on the order")
            self.summary.count("e-mails without distributor")
            return
        key = f"{order.opid}:email"
        if self.ctx.dry_run:
            message = self.compose(order, distributor, key, row)
            self.summary.plan("send e-mail", record=name, to=message.to, subject=message.subject)
            return
        if not self._claim(row):
            return
        sent = effects.get(self.ctx.state, JOB, key)
        if sent is None:
            message = self.compose(order, distributor, key, row)
            smtp = self.ctx.settings.smtp
            mail.send(mail.build(message, smtp, self.ctx.clock()), smtp)
            sent = effects.record(self.ctx.state, JOB, key, mail.message_id(key, smtp.sender),
                                  detail=f"to {message.to}")
            self.summary.count("e-mails sent")
        texts = self._texts(order)
        self._history(order, f"{key}:history", self.process.reminders.email_history_ref.format(**texts),
                      f"e-mail {sent.detail}", notes=f"{sent.detail}\nMessage-ID: {sent.effect}")
        self._finish(row, rows.DONE, effect=sent.effect)

    def compose(self, order: Opportunity, distributor: str, key: str, row: rows.Reminder) -> mail.Mail:
        gm, field = self.ctx.goldmine, self.process.order_fields.distributor
        account = gm.get_account(distributor)
        if account is None:
            raise RecordError(f"{field} {distributor!r} is not a GoldMine account", system="goldmine",
                              key=order.opid, field=field)
        primary = next((p for p in gm.get_people(distributor) if p.is_primary), None)
        if primary is None or not primary.email:
            raise RecordError(f"distributor {account.company or distributor} has no primary e-mail address",
                              system="goldmine", key=distributor, field="E-mail Address")
        sm = (order.userid or "").upper()
        user = gm.get_user(sm) if sm else None
        template_name, template = self._email_template
        fields = self._texts(order, distributor=account.company or primary.name, contact=primary.name,
                             ship_date=row.ship_date.strftime("%d %B %Y"),
                             sm_name=str((user or {}).get("NAME", "") or sm).strip(),
                             sender_company=self.ctx.settings.letters.company_name)
        return mail.Mail(to=primary.email, key=key,
                         subject=mail.render(self.process.reminders.email_subject, fields, name="email_subject"),
                         body=mail.render(template, fields, name=template_name))

    @functools.cached_property
    def _email_template(self) -> tuple[str, str]:
        """The e-mail template's name and text, read once per run rather than once per e-mail."""
        site = self.ctx.settings.site.process_file
        path = mail.template_path(self.process.reminders.email_template, site.parent if site else None)
        return path.name, path.read_text(encoding="utf-8")

    # --- the SM's call-backs --------------------------------------------------------------------
    def call_back(self, row: rows.Reminder, order: Opportunity, name: str) -> None:
        rem = self.process.reminders
        code, ref = ((rem.shipped_callback_code, rem.shipped_callback_ref) if row.kind == rules.SHIPPED_CALL
                     else (rem.equipment_check_code, rem.equipment_check_ref))
        code = code.upper()
        gm = self.ctx.goldmine
        persons = [r.recid for r in [*gm.pending_activities(loprecid=order.opid, actvcodes=[code]),
                                     *gm.history(loprecid=order.opid, actvcodes=[code])]
                   if r.createby.upper() != self.goldheat]
        sm = (order.userid or "").upper()
        if not sm:
            raise RecordError(f"order {order.name or order.opid} has no sales manager", system="goldmine",
                              key=order.opid, field="USERID")
        ondate = max(row.due, self.calendar.next_business_day(self.ctx.today()))
        action = Schedule(f"{order.opid}:{row.kind}", NewActivity(
            accountno=order.accountno, userid=sm, rectype=rem.callback_rectype, actvcode=code, ondate=ondate,
            ref=ref.format(**self._texts(order)), loprecid=order.opid, company=order.contact),
            f"shipped {row.ship_date}")
        if self.ctx.dry_run:
            self.applier.apply(action, name)
            return
        if not self._claim(row):
            return
        if persons:
            self._finish(row, rows.DONE, effect=persons[0], error="a person already scheduled it")
            self.summary.count("call-backs by a person")
            return
        self._finish(row, rows.DONE, effect=self.applier.apply(action, name) or "")

    # --- the equipment check's outcome ----------------------------------------------------------
    def outcome(self, row: rows.Reminder, order: Opportunity, name: str) -> None:
        check = rows.for_orders(self.ctx.state, [order.opid]).get(order.opid, {}).get(rules.EQUIPMENT_CHECK)
        if check is None or check.state != rows.DONE:
            return
        code = self.process.reminders.equipment_check_code.upper()
        result = rules.check_result(self.ctx.goldmine.history(loprecid=order.opid, actvcodes=[code]), self.process)
        if result is None:
            self.summary.count("waiting for the equipment check")
            return
        if self.ctx.dry_run:
            self.summary.plan("act on equipment check", record=name, result=result)
            return
        if not self._claim(row):
            return
        rem = self.process.reminders
        if result == "other":
            self._finish(row, rows.SKIPPED, error=f"completed without result {rem.ok_result} or {rem.nok_result}")
            self.summary.count("checks without result")
            return
        if result == "ok":
            recid = self._history(order, f"{order.opid}:ok", rem.ok_history_ref.format(**self._texts(order)),
                                  "equipment operating OK")
            self._finish(row, rows.DONE, effect=recid or "")
            self.summary.count("pleased to be of service")
            return
        ticket = self.corrective_ticket(order)
        self._history(order, f"{order.opid}:nok",
                      rem.nok_history_ref.format(**self._texts(order, ticket=ticket)), "equipment not OK")
        self._finish(row, rows.DONE, effect=ticket)
        self.summary.count("corrective actions")

    def corrective_ticket(self, order: Opportunity) -> str:
        """The HEAT ticket for Customer Support, opened once: effects table, then HEAT by subject."""
        key = f"{order.opid}:ticket"
        known = effects.get(self.ctx.state, JOB, key)
        if known is not None:
            return known.effect
        heat = self.ctx.heat
        customer_id = self._onboarded_customer(order.opid)
        if customer_id is None:
            customer = heat.find_customer(order.accountno)
            if customer is None:
                raise RecordError(f"no HEAT customer for account {order.company or order.accountno}",
                                  system="heat", key=order.accountno,
                                  field=self.process.orders.heat_customer_detail)
            customer_id = customer.id
        texts = self._texts(order)
        subject = self.process.reminders.corrective_ticket_subject.format(**texts)
        ticket = heat.find_ticket(customer_id, subject) or heat.open_ticket(TicketData(
            customer_id=customer_id, team=self.process.orders.support_team, subject=subject,
            description=self.process.reminders.corrective_ticket_description.format(**texts)))
        return effects.record(self.ctx.state, JOB, key, ticket.number or ticket.id, detail=ticket.id).effect

    def _onboarded_customer(self, opid: str) -> str | None:
        """The HEAT customer the order was onboarded for (its user customer, who may be an additional
        contact rather than the account's primary); None when goldheat did not onboard the order."""
        row = next((r for r in ledger.steps_of(self.ctx.state, opid) if r.step == "customer"), None)
        return row.effect if row is not None and row.state == ledger.DONE and row.effect else None
