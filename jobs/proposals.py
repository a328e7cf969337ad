"""`goldheat run proposals`: SM follow-up calls on sent proposals; goldheat's own go when it moves on.

The day goldheat first sees an opportunity at `Proposal Sent` is recorded once in the effects table
(key `<OPID>:since`), so every run and every worker dates the +5/+10 calls from the same day. The
clean-up reads goldheat's own pending FUP calls, then their opportunities in one batch.
"""

from __future__ import annotations

import datetime as dt

from config.errors import AuthenticationError, FatalError, RecordError
from connectors.goldmine.records import Activity, Opportunity
from jobs.apply import Applier, order_name
from jobs.calendar import BusinessCalendar
from jobs.context import JobContext
from jobs.rules import proposals as rules
from jobs.state import effects
from jobs.summary import RunSummary

JOB = "proposals"


def run(ctx: JobContext) -> RunSummary:
    summary = RunSummary(JOB, dry_run=ctx.dry_run)
    calendar = BusinessCalendar.from_site(ctx.settings.site)
    applier = Applier(ctx, summary, JOB)
    schedule_followups(ctx, applier, calendar, summary)
    clean_up(ctx, applier, summary)
    return summary


def schedule_followups(ctx: JobContext, applier: Applier, calendar: BusinessCalendar, summary: RunSummary) -> None:
    gm, process = ctx.goldmine, ctx.process
    today = ctx.today()
    sent = gm.find_opportunities(stage=process.stages.proposal)
    summary.count("proposals", len(sent))
    slots = len(process.proposals.business_days)
    keys = [f"{o.opid}:{k}" for o in sent for k in ["since", *range(1, slots + 1)]]
    done = effects.get_many(ctx.state, JOB, keys)
    code, goldheat = process.proposals.code.upper(), process.users.goldheat.upper()
    for opportunity in sent:
        if all(f"{opportunity.opid}:{n}" in done for n in range(1, slots + 1)):
            continue
        name = order_name(opportunity.name, opportunity.opid)
        try:
            since = _since(ctx, opportunity, done, today)
            rows = [*gm.pending_activities(actvcodes=[code], loprecid=opportunity.opid),
                    *gm.history(actvcodes=[code], loprecid=opportunity.opid)]
            persons = sum(1 for r in rows if r.createby.upper() != goldheat)
            for action in rules.plan_followups(opportunity, since, persons, calendar, process):
                applier.apply(action, name)
        except AuthenticationError:
            raise
        except (RecordError, FatalError) as exc:
            summary.fail(name, exc)


def _since(ctx: JobContext, opportunity: Opportunity, done: dict[str, effects.Effect], today: dt.date) -> dt.date:
    """The day the proposal was first seen; the first worker to record it decides for all."""
    known = done.get(f"{opportunity.opid}:since")
    if known is None and not ctx.dry_run:
        known = effects.record(ctx.state, JOB, f"{opportunity.opid}:since", today.isoformat(),
                               detail=f"first seen at {opportunity.stage}")
    return dt.date.fromisoformat(known.effect) if known is not None else today


def clean_up(ctx: JobContext, applier: Applier, summary: RunSummary) -> None:
    gm, process = ctx.goldmine, ctx.process
    goldheat = process.users.goldheat.upper()
    ours = [a for a in gm.pending_activities(actvcodes=[process.proposals.code.upper()])
            if a.createby.upper() == goldheat and a.loprecid]
    by_opid: dict[str, list[Activity]] = {}
    for activity in ours:
        by_opid.setdefault(activity.loprecid, []).append(activity)
    for opportunity in gm.find_opportunities(opids=list(by_opid)):
        name = order_name(opportunity.name, opportunity.opid)
        try:
            for action in rules.plan_cleanup(opportunity, by_opid[opportunity.opid], process):
                applier.apply(action, name)
        except AuthenticationError:
            raise
        except (RecordError, FatalError) as exc:
            summary.fail(name, exc)
