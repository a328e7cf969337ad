"""Follow-up calls on a sent proposal, and their removal once the opportunity moves on.

While STAGE is `Proposal Sent`, the SM gets a call-back (`FUP`) at each configured offset in working
days (+5, +10) from the day goldheat first saw the stage (kept in the effects table, so a re-run or a
second worker dates them the same). Follow-ups a person scheduled or completed on the opportunity
count against the offsets in order. Once the stage is `Order Received` or `Lost` (or `Cancelled`),
goldheat's own pending ones go; a person's stay.
"""

from __future__ import annotations

import datetime as dt

from config.errors import RecordError
from config.process import Process
from connectors.goldmine.records import Activity, NewActivity, Opportunity
from jobs.calendar import BusinessCalendar
from jobs.rules.actions import Action, Remove, Schedule


def moved_on(opportunity: Opportunity, process: Process) -> bool:
    stages = process.stages
    return opportunity.stage.casefold() in {s.casefold() for s in (stages.order, stages.lost, stages.cancelled)}


def plan_followups(opportunity: Opportunity, since: dt.date, persons_followups: int,
                   calendar: BusinessCalendar, process: Process) -> list[Action]:
    """The FUP calls still owed: one per offset, less those a person already made."""
    if opportunity.stage.casefold() != process.stages.proposal.casefold():
        return []
    if not opportunity.userid:
        raise RecordError(f"opportunity {opportunity.name or opportunity.opid} has no sales manager",
                          system="goldmine", key=opportunity.opid, field="USERID")
    fup = process.proposals
    actions: list[Action] = []
    for n, offset in enumerate(fup.business_days, start=1):
        if n <= persons_followups:
            continue
        actions.append(Schedule(
            key=f"{opportunity.opid}:{n}",
            activity=NewActivity(accountno=opportunity.accountno, userid=opportunity.userid.upper(),
                                 rectype=fup.rectype, actvcode=fup.code,
                                 ondate=calendar.add_business_days(since, offset),
                                 ref=fup.ref.format(n=n, name=opportunity.name),
                                 loprecid=opportunity.opid, company=opportunity.contact),
            why=f"proposal sent (seen {since}), +{offset} working days"))
    return actions


def plan_cleanup(opportunity: Opportunity, pending: list[Activity], process: Process) -> list[Action]:
    """Remove goldheat's pending follow-ups of an opportunity that moved on."""
    if not moved_on(opportunity, process):
        return []
    goldheat, code = process.users.goldheat.upper(), process.proposals.code.upper()
    return [Remove(a.recid, f"stage is now {opportunity.stage}") for a in pending
            if a.createby.upper() == goldheat and a.actvcode.upper() == code]
