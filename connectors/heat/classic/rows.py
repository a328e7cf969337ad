"""Pure conversions between goldheat's HEAT records and HEAT classic rows, and the SQL to write them.

No I/O here: the backend runs what these functions build. Values are checked against the table
specs before any SQL runs, because MariaDB outside strict mode would silently truncate them and
SQL Server's message names neither the column nor the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from config.errors import ConfigurationError, RecordError
from connectors.heat.base import Customer, CustomerData, Note, Ticket, TicketData
from connectors.heat.classic.schema import (
    ASGNMNT, CALLLOG, DETAIL, JOURNAL, SUBSET, Table,
)

OPEN_STATUSES = ("Open", "Reopened")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
ENCODING = "cp1252"  # HEAT classic's varchar columns on SQL Server


@dataclass(frozen=True, slots=True)
class Stamp:
    """One moment as HEAT writes it: local date and time strings plus epoch seconds."""

    date: str
    time: str
    epoch: int

    @classmethod
    def at(cls, moment: datetime, timezone: str) -> Stamp:
        local = moment.astimezone(ZoneInfo(timezone))
        return cls(local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S"), int(moment.timestamp()))


def check_row(table: Table, row: dict[str, Any], *, key: str | None = None) -> None:
    """A RecordError naming table, column and limit for a value the column cannot hold."""
    for name, value in row.items():
        if not isinstance(value, str):
            continue
        try:
            column = table.column(name)
        except KeyError:
            continue  # a site's own column: the database checks it
        where = f"{table.name}.{column.name}"
        if column.kind == "str" and len(value) > column.length:
            raise RecordError(f"{where} holds at most {column.length} characters, the value has {len(value)}",
                              system="heat", operation=f"write {table.name}", key=key, field=where)
        try:
            value.encode(ENCODING)
        except UnicodeEncodeError:
            raise RecordError(f"{where} cannot hold a character outside Windows-1252",
                              system="heat", operation=f"write {table.name}", key=key, field=where) from None


def insert_sql(table: Table, row: dict[str, Any]) -> tuple[str, list[Any]]:
    names = list(row)
    marks = ", ".join("?" for _ in names)
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", [row[n] for n in names]


def update_sql(table: Table, changes: dict[str, Any], key: dict[str, Any]) -> tuple[str, list[Any]]:
    sets = ", ".join(f"{name} = ?" for name in changes)
    where = " AND ".join(f"{name} = ?" for name in key)
    return f"UPDATE {table.name} SET {sets} WHERE {where}", [*changes.values(), *key.values()]


# --- customers ---------------------------------------------------------------------------------

PROFILE_COLUMNS = ("CustID", "CustType", "FirstName", "LastName", "EMailID", "Title", "Phone", "Company")
PROFILE_SELECT = (f"SELECT {', '.join('p.' + c for c in PROFILE_COLUMNS)}, "
                  "(SELECT MIN(h.LoginID) FROM HEATCAI h WHERE h.CustID = p.CustID AND h.CustType = p.CustType) "
                  "FROM Profile p")


def profile_values(data: CustomerData, organisation: str) -> dict[str, Any]:
    """The Profile columns goldheat owns for a customer (not the key, not the stamps)."""
    values: dict[str, Any] = {
        "FirstName": data.first_name, "LastName": data.last_name, "EMailID": data.email,
        "Title": data.title, "Phone": data.phone, "Company": organisation or data.organisation,
    }
    for name, value in data.extra.items():
        if not _IDENTIFIER.match(name) or name.lower() in ("custid", "custtype"):
            raise ConfigurationError(f"the HEAT classic mapping targets {name!r}, not a usable Profile column",
                                     setting="GOLDHEAT_SITE__MAPPINGS_DIR", system="heat",
                                     operation="upsert_customer", key=data.xref)
        values[name] = value
    return values


def customer_from_row(row: tuple[Any, ...]) -> Customer:
    cust_id, cust_type, first, last, email, title, phone, company, login = (
        "" if value is None else str(value) for value in row)
    return Customer(id=cust_id, xref=cust_id, first_name=first, last_name=last, email=email,
                    login=login, organisation_id=company,
                    fields={"CustType": cust_type, "Title": title, "Phone": phone, "Company": company})


def heatcai_row(login: str, cust_id: str, cust_type: str, password: str, stamp: Stamp,
                analyst: str) -> dict[str, Any]:
    return {"LoginID": login, "CustID": cust_id, "CustType": cust_type, "Password": password, "Flags": 0,
            "DTCreated": stamp.epoch, "DTLastMod": stamp.epoch, "LastModBy": analyst}


# --- calls -------------------------------------------------------------------------------------

TICKET_SELECT = ("SELECT c.CallID, c.CustID, c.ShortDesc, c.CallStatus, a.GroupName FROM CallLog c "
                 "LEFT JOIN Asgnmnt a ON a.CallID = c.CallID "
                 "AND a.HEATSeq = (SELECT MIN(m.HEATSeq) FROM Asgnmnt m WHERE m.CallID = c.CallID)")
OPEN_TICKET_WHERE = (" WHERE c.CustID = ? AND c.CustType = ? AND c.ShortDesc = ? "
                     f"AND c.CallStatus IN ({', '.join('?' for _ in OPEN_STATUSES)}) ORDER BY c.CallID")


def ticket_from_row(row: tuple[Any, ...]) -> Ticket:
    call_id, cust_id, subject, status, team = ("" if value is None else str(value) for value in row)
    return Ticket(id=call_id, number=call_id, customer_id=cust_id, team=team, subject=subject, status=status)


def call_rows(call_id: str, data: TicketData, customer: Customer, *, cust_type: str, call_type: str,
              stamp: Stamp, analyst: str, journal_type: str) -> list[tuple[Table, dict[str, Any]]]:
    """The five rows of a new call, in insert order (CallLog first: its key is the allocated one)."""
    calllog = {
        "CallID": call_id, "CustID": customer.id, "CustType": cust_type, "CallType": call_type,
        "Tracker": analyst, "CallStatus": data.status or OPEN_STATUSES[0], "ShortDesc": data.subject,
        "CallDesc": data.description, "Category": data.category, "CallSource": data.source,
        "RecvdBy": analyst, "RecvdDate": stamp.date, "RecvdTime": stamp.time, "DTLastMod": stamp.epoch,
    }
    subset = {"CallID": call_id, "CustID": customer.id, "CustType": cust_type, "FirstName": customer.first_name,
              "LastName": customer.last_name, "EMailID": customer.email, "LoginID": customer.login}
    detail = {"CallID": call_id, "DTLastMod": stamp.epoch}
    asgnmnt = {"CallID": call_id, "HEATSeq": 1, "AssignedBy": analyst, "DateAssign": stamp.date,
               "TimeAssign": stamp.time, "GroupName": data.team, "Assignee": "", "WhoResolv": "",
               "CallType": call_type, "DTLastMod": stamp.epoch}
    journal = journal_row(call_id, 1, f"Logged by {analyst}, assigned to {data.team}", "",
                          journal_type, stamp, analyst)
    return [(CALLLOG, calllog), (SUBSET, subset), (DETAIL, detail), (ASGNMNT, asgnmnt), (JOURNAL, journal)]


# --- journal notes -----------------------------------------------------------------------------
# Journal has no subject column: the subject is EntryText's first line, the body follows a blank
# line. PublishToWeb becomes JournalType (web vs internal value); see ClassicBackend.

def entry_text(subject: str, body: str) -> str:
    subject = " ".join(subject.split())
    return f"{subject}\n\n{body}" if body else subject


def entry_subject(text: str | None) -> str:
    return (text or "").split("\n", 1)[0].strip()


def journal_row(call_id: str, seq: int, subject: str, body: str, journal_type: str, stamp: Stamp,
                analyst: str) -> dict[str, Any]:
    return {"CallID": call_id, "HEATSeq": seq, "Tracker": analyst, "EntryDate": stamp.date,
            "EntryTime": stamp.time, "EntryText": entry_text(subject, body), "JournalType": journal_type,
            "DTLastMod": stamp.epoch}


def note_from_row(call_id: str, seq: int, text: str | None, journal_type: str | None, web_type: str) -> Note:
    return Note(id=f"{call_id}/{seq}", ticket_id=call_id, subject=entry_subject(text),
                publish_to_web=(journal_type or "") == web_type)


def note_key(note_id: str) -> tuple[str, int]:
    """'CallID/HEATSeq' -> (CallID, HEATSeq)."""
    call_id, _, seq = note_id.rpartition("/")
    return call_id, int(seq)

