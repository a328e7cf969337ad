"""After-shipment reminders: which rows an order needs, when each is due, and what a result means.

From the order's ship date (OPMGRFLD `Ship Date`, YYYY-MM-DD): at +14 days the distributor's
e-mail and the SM's call-back (`SHP`); at +60 days, on a working day and still inside the 2-3
month window, the equipment check (`EQC`); then the outcome of that check once the SM completes
it (`OK` / `NOK`). Accounts served by a skipped team (W. Sales) get none. A changed ship date
re-dates the reminders still pending, earlier or later; a done one stays done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from config.errors import RecordError
from config.process import Process
from connectors.goldmine.records import Account, HistoryRecord, Opportunity
from jobs.calendar import BusinessCalendar

EMAIL, SHIPPED_CALL, EQUIPMENT_CHECK, OUTCOME = "email", "shp", "eqc", "outcome"
KINDS = (EMAIL, SHIPPED_CALL, EQUIPMENT_CHECK, OUTCOME)


@dataclass(frozen=True, slots=True)
class Due:
    kind: str
    due: dt.date


@dataclass(frozen=True, slots=True)
class Change:
    """Add a reminder row, or re-date a pending one (`previous` is its old due date)."""

    kind: str
    due: dt.date
    previous: dt.date | None = None


def ship_date(opportunity: Opportunity, process: Process) -> dt.date | None:
    """The order's ship date; None while it is blank; a record error naming the field when malformed."""
    name = process.order_fields.ship_date
    raw = opportunity.fields.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise RecordError(f"order {opportunity.name or opportunity.opid}: {name} {raw!r} is not YYYY-MM-DD",
                          system="goldmine", key=opportunity.opid, field=name) from None


def skipped(account: Account, process: Process) -> bool:
    """Accounts served by a team that handles its own after-sales (W. Sales)."""
    team = (getattr(account, process.accounts.team_field.lower(), "") or "").strip().casefold()
    return team in {t.casefold() for t in process.accounts.skip_teams}


def due_dates(ship: dt.date, calendar: BusinessCalendar, process: Process) -> dict[str, dt.date]:
    """When each reminder falls due for this ship date (working days, EQC inside its window)."""
    rem = process.reminders
    first = calendar.due_after(ship, rem.shipped_email_days)
    check = calendar.due_after(ship, rem.equipment_check_days)
    latest = ship + dt.timedelta(days=rem.equipment_check_latest_days)
    if check > latest:
        check = calendar.previous_business_day(latest)
    return {EMAIL: first, SHIPPED_CALL: first, EQUIPMENT_CHECK: check, OUTCOME: check}


def reconcile(wanted: dict[str, dt.date], existing: dict[str, tuple[dt.date, str]]) -> list[Change]:
    """Changes that bring the order's rows to `wanted`; `existing` maps kind -> (due, state).

    Only rows still `pending` move: what was already sent or scheduled is not undone.
    """
    changes = []
    for kind, due in wanted.items():
        if kind not in existing:
            changes.append(Change(kind, due))
            continue
        old_due, state = existing[kind]
        if state == "pending" and old_due != due:
            changes.append(Change(kind, due, old_due))
    return changes


def check_result(completed: list[HistoryRecord], process: Process) -> str | None:
    """'ok', 'nok' or 'other' from the latest completed equipment check; None while there is none."""
    code = process.reminders.equipment_check_code.upper()
    rows = [h for h in completed if h.actvcode.upper() == code]
    if not rows:
        return None
    latest = max(rows, key=lambda h: (h.ondate or dt.date.min, h.ontime, h.recid))
    result = latest.resultcode.strip().upper()
    if result == process.reminders.nok_result.upper():
        return "nok"
    if result == process.reminders.ok_result.upper():
        return "ok"
    return "other"
