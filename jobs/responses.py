"""`goldheat run responses`: each logged customer response gets the SM a message and a follow-up.

Reads the responses of the look-back window in one query, then per account what follow-ups are
already pending or done. Keys: `<history RECID>:message` and `<history RECID>:followup`, guarded
by the effects table, so a message the SM already read and deleted is never sent again.
"""

from __future__ import annotations

import datetime as dt

from config.errors import AuthenticationError, FatalError, RecordError
from connectors.goldmine.records import Account, Activity, HistoryRecord
from jobs.apply import Applier, account_name
from jobs.calendar import BusinessCalendar
from jobs.context import JobContext
from jobs.rules import responses as rules
from jobs.state import effects
from jobs.summary import RunSummary

JOB = "responses"


def run(ctx: JobContext) -> RunSummary:
    summary = RunSummary(JOB, dry_run=ctx.dry_run)
    gm, process = ctx.goldmine, ctx.process
    calendar = BusinessCalendar.from_site(ctx.settings.site)
    applier = Applier(ctx, summary, JOB)
    today = ctx.today()
    since = today - dt.timedelta(days=process.responses.lookback_days)
    found = gm.history(actvcodes=[c.upper() for c in process.responses.codes], since=since)
    summary.count("responses", len(found))
    keys = [f"{r.recid}:{kind}" for r in found for kind in ("message", "followup")]
    done = set(effects.get_many(ctx.state, JOB, keys))
    accounts: dict[str, Account | None] = {}
    covered: set[str] = set()  # accounts that got a follow-up in this run
    for response in found:
        if {f"{response.recid}:message", f"{response.recid}:followup"} <= done:
            continue
        name = f"response {response.actvcode} {response.recid} of " + response.accountno
        try:
            if response.accountno not in accounts:
                accounts[response.accountno] = gm.get_account(response.accountno)
            account = accounts[response.accountno]
            if account is None:
                raise RecordError(f"no GoldMine account {response.accountno!r}", system="goldmine",
                                  key=response.accountno, field="ACCOUNTNO")
            name = f"response {response.actvcode} {response.recid} of " + account_name(account.company,
                                                                                       account.accountno)
            exists = (f"{response.recid}:followup" in done or response.accountno in covered
                      or _has_followup(ctx, response))
            for action in rules.plan_response(response, account, exists, today, calendar, process):
                applier.apply(action, name)
                if action.key.endswith(":followup"):
                    covered.add(response.accountno)
        except AuthenticationError:
            raise
        except (RecordError, FatalError) as exc:
            summary.fail(name, exc)
    return summary


def _has_followup(ctx: JobContext, response: HistoryRecord) -> bool:
    code = ctx.process.responses.followup_code.upper()
    pending: list[Activity] = ctx.goldmine.pending_activities(accountnos=[response.accountno], actvcodes=[code])
    completed = ctx.goldmine.history(accountno=response.accountno, actvcodes=[code], since=response.ondate)
    return rules.has_followup(response, pending, completed, ctx.process)
