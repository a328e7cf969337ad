"""Which opportunities Engineering must review: large ones and non-standard ones, once each.

The threshold is in the site's currency (`settings.site.currency`, GBP by default) and compared with
FORAMT, the forecast amount GoldMine keeps in that currency. An engineering review (`ENG`) that
anyone already has pending or completed on the opportunity counts.
"""

from __future__ import annotations

import datetime as dt

from config.process import Process
from connectors.goldmine.records import NewActivity, Opportunity
from jobs.calendar import BusinessCalendar
from jobs.rules.actions import Action, Schedule

CLOSED = ("order", "lost", "cancelled")


def review_reason(opportunity: Opportunity, process: Process, currency: str = "GBP") -> str | None:
    """Why this opportunity needs a review ('' never), or None when it does not."""
    reasons = []
    if opportunity.foramt > process.referrals.threshold:
        reasons.append(f"over {currency} {process.referrals.threshold:,.0f}")
    flag = opportunity.fields.get(process.order_fields.non_standard, "").strip().upper()
    if flag in ("Y", "YES"):
        reasons.append("non-standard")
    return " and ".join(reasons) or None


def is_open(opportunity: Opportunity, process: Process) -> bool:
    closed = {getattr(process.stages, s).casefold() for s in CLOSED}
    return opportunity.stage.casefold() not in closed


def plan_referral(opportunity: Opportunity, review_exists: bool, today: dt.date,
                  calendar: BusinessCalendar, process: Process, currency: str = "GBP") -> list[Action]:
    reason = review_reason(opportunity, process, currency)
    if reason is None or review_exists or not is_open(opportunity, process):
        return []
    ref = process.referrals
    return [Schedule(
        key=opportunity.opid,
        activity=NewActivity(accountno=opportunity.accountno, userid=process.users.engineering.upper(),
                             rectype=ref.rectype, actvcode=ref.code,
                             ondate=calendar.add_business_days(today, ref.business_days),
                             ref=ref.ref.format(name=opportunity.name, reason=reason),
                             loprecid=opportunity.opid, company=opportunity.contact),
        why=reason)]
