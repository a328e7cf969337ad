"""`goldheat run referrals`: one engineering review per large or non-standard opportunity.

One read of the opportunities (headers, fields and links in a query each), the rule picks those
needing a review, the effects table drops those already referred (key: the OPID), and only the
rest are checked in GoldMine for a review someone already scheduled or completed.
"""

from __future__ import annotations

from config.errors import AuthenticationError, FatalError, RecordError
from jobs.apply import Applier, order_name
from jobs.calendar import BusinessCalendar
from jobs.context import JobContext
from jobs.rules import referrals as rules
from jobs.state import effects
from jobs.summary import RunSummary

JOB = "referrals"


def run(ctx: JobContext) -> RunSummary:
    summary = RunSummary(JOB, dry_run=ctx.dry_run)
    gm, process = ctx.goldmine, ctx.process
    calendar = BusinessCalendar.from_site(ctx.settings.site)
    applier = Applier(ctx, summary, JOB)
    currency = ctx.settings.site.currency
    today = ctx.today()
    candidates = [o for o in gm.find_opportunities()
                  if rules.is_open(o, process) and rules.review_reason(o, process, currency)]
    summary.count("opportunities to review", len(candidates))
    done = effects.get_many(ctx.state, JOB, [o.opid for o in candidates])
    code = process.referrals.code.upper()
    for opportunity in candidates:
        if opportunity.opid in done:
            continue
        name = order_name(opportunity.name, opportunity.opid)
        try:
            exists = bool(gm.pending_activities(actvcodes=[code], loprecid=opportunity.opid)
                          or gm.history(actvcodes=[code], loprecid=opportunity.opid))
            if exists:
                summary.count("already reviewed")
                continue
            for action in rules.plan_referral(opportunity, exists, today, calendar, process, currency):
                applier.apply(action, name)
        except AuthenticationError:
            raise
        except (RecordError, FatalError) as exc:
            summary.fail(name, exc)
    return summary
