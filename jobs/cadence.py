"""`goldheat run cadence`: status-check calls and distributor visits, one pending per account and code.

Reads GoldMine a page of accounts at a time (keyset pages of `goldmine.batch_size`): one query for
the page's pending STC/VIS activities and, only for the accounts whose next date depends on it,
one query per code for the last completed one. A run with nothing to do therefore costs two
queries per page, whatever the number of accounts; the rules (`jobs/rules/cadence.py`) decide.
"""

from __future__ import annotations

import datetime as dt

from config.errors import AuthenticationError, FatalError, RecordError
from connectors.goldmine.records import Account, Activity
from jobs.apply import Applier, account_name
from jobs.calendar import BusinessCalendar
from jobs.context import JobContext
from jobs.rules import cadence as rules
from jobs.summary import RunSummary

JOB = "cadence"


def run(ctx: JobContext) -> RunSummary:
    summary = RunSummary(JOB, dry_run=ctx.dry_run)
    calendar = BusinessCalendar.from_site(ctx.settings.site)
    applier = Applier(ctx, summary, JOB, guard=False)
    today = ctx.today()
    codes = list(rules.codes(ctx.process))
    for page in ctx.goldmine.iter_accounts():
        run_page(ctx, applier, page, codes, today, calendar, summary)
    return summary


def run_page(ctx: JobContext, applier: Applier, page: list[Account], codes: list[str], today: dt.date,
             calendar: BusinessCalendar, summary: RunSummary) -> None:
    gm, process = ctx.goldmine, ctx.process
    summary.count("accounts", len(page))
    pending: dict[str, list[Activity]] = {}
    for activity in gm.pending_activities(accountnos=[a.accountno for a in page], actvcodes=codes):
        pending.setdefault(activity.accountno, []).append(activity)
    wanted: dict[str, list[str]] = {}
    for account in page:
        for code in rules.history_needed(account, pending.get(account.accountno, []), process):
            wanted.setdefault(code, []).append(account.accountno)
    last: dict[str, dict[str, dt.date]] = {}
    for code, accountnos in wanted.items():
        for accountno, day in gm.last_completed(accountnos, code).items():
            last.setdefault(accountno, {})[code] = day
    for account in page:
        name = account_name(account.company, account.accountno)
        try:
            actions = rules.plan_account(account, pending.get(account.accountno, []),
                                         last.get(account.accountno, {}), today, calendar, process)
            for action in actions:
                applier.apply(action, name)
        except AuthenticationError:
            raise
        except (RecordError, FatalError) as exc:
            summary.fail(name, exc)
