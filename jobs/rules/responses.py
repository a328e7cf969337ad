"""What a logged customer response calls for: an SM follow-up and a message advising the SM.

A response is a CONTHIST row with one of the response codes (bingo card, e-mail, phone call,
business card). Each gets, once, a GoldMine message (CAL RECTYPE `M`) for the account's SM, and a
follow-up (RECTYPE `T`, `RSP`) due within the configured working days of the response (or the next
working day, when goldheat first sees it later than that). A follow-up a person already has pending
on the account, or completed since the response, counts: no second one.
"""

from __future__ import annotations

import datetime as dt

from config.errors import RecordError
from config.process import Process
from connectors.goldmine.records import Account, Activity, HistoryRecord, NewActivity
from jobs.calendar import BusinessCalendar
from jobs.rules.actions import Action, Schedule


def followup_due(response_day: dt.date | None, today: dt.date, calendar: BusinessCalendar,
                 process: Process) -> dt.date:
    """Within N working days of the response, never in the past."""
    due = calendar.add_business_days(response_day or today, process.responses.followup_business_days)
    return due if due >= today else calendar.next_business_day(today)


def has_followup(response: HistoryRecord, pending: list[Activity], done: list[HistoryRecord],
                 process: Process) -> bool:
    """A pending follow-up on the account (not a message), or one completed since the response."""
    code = process.responses.followup_code.upper()
    message = process.responses.message_rectype.upper()
    if any(a.actvcode.upper() == code and a.rectype.upper() != message for a in pending):
        return True
    since = response.ondate or dt.date.min
    return any(h.actvcode.upper() == code and (h.ondate or dt.date.min) >= since for h in done)


def plan_response(response: HistoryRecord, account: Account, followup_exists: bool, today: dt.date,
                  calendar: BusinessCalendar, process: Process) -> list[Action]:
    rsp = process.responses
    sm = (getattr(account, process.accounts.sm_field.lower(), "") or "").upper()
    if not sm:
        raise RecordError(f"account {account.company or account.accountno} has no sales manager",
                          system="goldmine", key=account.accountno, field=process.accounts.sm_field)
    texts = {"ref": response.ref, "code": response.actvcode, "company": account.company}
    actions: list[Action] = [Schedule(
        key=f"{response.recid}:message",
        activity=NewActivity(accountno=account.accountno, userid=sm, rectype=rsp.message_rectype,
                             actvcode=response.actvcode, ondate=today, ref=rsp.message_ref.format(**texts),
                             notes=response.notes, company=account.contact),
        why=f"response {response.actvcode} logged {response.ondate}")]
    if not followup_exists:
        due = followup_due(response.ondate, today, calendar, process)
        actions.append(Schedule(
            key=f"{response.recid}:followup",
            activity=NewActivity(accountno=account.accountno, userid=sm, rectype=rsp.followup_rectype,
                                 actvcode=rsp.followup_code, ondate=due, ref=rsp.followup_ref.format(**texts),
                                 company=account.contact),
            why=f"follow up within {rsp.followup_business_days} working days of {response.ondate}"))
    return actions
