"""Which status-check calls and distributor visits an account should have pending, and when.

One pending activity per account and cadence code, for the account's SM. Its date is the last
completed one (CONTHIST with that code) plus the tier's interval, or today when there is none,
never in the past, moved to the next working day. A pending one with the code that a person
scheduled counts. goldheat's own pending one follows the account: a new SM gets it (moved), a new
interval re-dates it, an account that no longer has the cadence loses it. To tell a changed
interval from a person's deliberate re-dating, goldheat ends its activity's REF with the interval
it used (`Status check call (every 7 days)`) and re-dates only when that differs; a REF a person
rewrote has no interval, so their date stands.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from config.errors import RecordError
from config.process import Process
from connectors.goldmine.records import Account, Activity, NewActivity
from jobs.calendar import BusinessCalendar
from jobs.rules.actions import Action, Move, Remove, Schedule

_MARK = re.compile(r"\(every (\d+) days\)\s*$")


@dataclass(frozen=True, slots=True)
class Cadence:
    code: str
    rectype: str
    days: int
    ref: str
    tier: str


def codes(process: Process) -> tuple[str, str]:
    return process.cadence.status_check_code, process.cadence.visit_code


def _field(account: Account, name: str) -> str:
    return getattr(account, name.lower(), "") or ""


def cadences_for(account: Account, process: Process) -> dict[str, Cadence]:
    """The cadences this account's type and tier call for, by ACTVCODE.

    Customers have status checks only as `Selected`; distributors by `Large`/`Small` tier have both
    status checks and visits. Every other account has none.
    """
    acc, cad = process.accounts, process.cadence
    kind = _field(account, acc.type_field).casefold()
    tier = _field(account, acc.tier_field).casefold()
    tiers: tuple[str, ...]
    if kind == acc.customer.casefold():
        tiers = (acc.selected,)
    elif kind == acc.distributor.casefold():
        tiers = (acc.large, acc.small)
    else:
        return {}
    name = next((t for t in tiers if t.casefold() == tier), None)
    if name is None:
        return {}
    found: dict[str, Cadence] = {}
    if name in cad.status_check_days:
        found[cad.status_check_code] = Cadence(cad.status_check_code, cad.status_check_rectype,
                                               cad.status_check_days[name], cad.status_check_ref, name)
    if kind == acc.distributor.casefold() and name in cad.visit_days:
        found[cad.visit_code] = Cadence(cad.visit_code, cad.visit_rectype, cad.visit_days[name],
                                        cad.visit_ref, name)
    return found


def due_date(last_done: dt.date | None, days: int, today: dt.date, calendar: BusinessCalendar) -> dt.date:
    """Last completed + interval, or today; never before today; on a working day."""
    start = today if last_done is None else max(last_done + dt.timedelta(days=days), today)
    return calendar.next_business_day(start)


def ref(cadence: Cadence) -> str:
    return f"{cadence.ref} (every {cadence.days} days)"


def marked_days(activity_ref: str) -> int | None:
    """The interval goldheat wrote in its activity's REF, or None when a person rewrote it."""
    match = _MARK.search(activity_ref or "")
    return int(match.group(1)) if match else None


def history_needed(account: Account, pending: list[Activity], process: Process) -> set[str]:
    """The codes whose next date for this account depends on the last completed one, so a run
    reads CONTHIST only for accounts that need a new or re-dated activity."""
    goldheat = process.users.goldheat.upper()
    needed = set()
    for code, cadence in cadences_for(account, process).items():
        rows = [a for a in pending if a.actvcode.upper() == code]
        if any(a.createby.upper() != goldheat for a in rows):
            continue
        ours = sorted(rows, key=lambda a: (a.ondate or dt.date.max, a.recid))
        if not ours or marked_days(ours[0].ref) not in (None, cadence.days):
            needed.add(code)
    return needed


def plan_account(account: Account, pending: Iterable[Activity], last_done: dict[str, dt.date | None],
                 today: dt.date, calendar: BusinessCalendar, process: Process) -> list[Action]:
    """The actions that leave this account with exactly the pending cadence activities it needs.

    `pending` is every pending CAL row of the account with a cadence code, whoever created it;
    `last_done` maps a code to the date of its latest CONTHIST row.
    """
    goldheat = process.users.goldheat.upper()
    wanted = cadences_for(account, process)
    by_code: dict[str, list[Activity]] = {code: [] for code in codes(process)}
    for activity in pending:
        if activity.actvcode.upper() in by_code:
            by_code[activity.actvcode.upper()].append(activity)
    actions: list[Action] = []
    for code, rows in by_code.items():
        ours = sorted((a for a in rows if a.createby.upper() == goldheat),
                      key=lambda a: (a.ondate or dt.date.max, a.recid))
        persons = [a for a in rows if a.createby.upper() != goldheat]
        cadence = wanted.get(code)
        if cadence is None:
            actions += [Remove(a.recid, f"{code}: account no longer has this cadence") for a in ours]
            continue
        if persons:
            actions += [Remove(a.recid, f"{code}: a person's pending {code} counts") for a in ours]
            continue
        sm = _field(account, process.accounts.sm_field).upper()
        if not sm:
            raise RecordError(f"account {account.company or account.accountno} has no sales manager",
                              system="goldmine", key=account.accountno, field=process.accounts.sm_field)
        due = due_date(last_done.get(code), cadence.days, today, calendar)
        if not ours:
            actions.append(Schedule(
                key=f"{account.accountno}:{code}:{due.isoformat()}",
                activity=NewActivity(accountno=account.accountno, userid=sm, rectype=cadence.rectype,
                                     actvcode=code, ondate=due, ref=ref(cadence),
                                     company=account.contact),
                why=f"{code} every {cadence.days} days, last done {last_done.get(code) or 'never'}"))
            continue
        keep, extra = ours[0], ours[1:]
        actions += [Remove(a.recid, f"{code}: a second pending {code}") for a in extra]
        interval_changed = marked_days(keep.ref) not in (None, cadence.days)
        ondate = due if interval_changed else (keep.ondate or due)
        if interval_changed or keep.userid.upper() != sm:
            actions.append(Move(keep.recid, ondate, sm, _move_reason(keep, sm, interval_changed, cadence),
                                ref=ref(cadence) if interval_changed else ""))
    return actions


def _move_reason(activity: Activity, sm: str, interval_changed: bool, cadence: Cadence) -> str:
    reasons = []
    if activity.userid.upper() != sm:
        reasons.append(f"SM {activity.userid or '-'} -> {sm}")
    if interval_changed:
        reasons.append(f"interval now {cadence.days} days ({cadence.tier})")
    return f"{cadence.code}: " + ", ".join(reasons)
