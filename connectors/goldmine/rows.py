"""Rows (dicts keyed by upper-case column) to goldheat's typed GoldMine records. Pure functions.

GoldMine writes blanks as NULL, '' or ' ' and SQL Server pads nothing but compares ignoring
trailing spaces, so every string is right-trimmed and NULL reads as ''.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from connectors.goldmine.dialect import SqlDialect
from connectors.goldmine.records import (
    Account,
    Activity,
    Detail,
    HistoryRecord,
    Opportunity,
    Person,
)

Row = Mapping[str, Any]
EMAIL_DETAIL = "E-mail Address"
U_EMAIL_DETAIL = "E-MAIL ADDRESS"


def s(row: Row, column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("cp1252", errors="replace")
    return str(value).rstrip()


def d(row: Row, column: str) -> dt.date | None:
    return SqlDialect.read_date(row.get(column))


def f(row: Row, column: str) -> float:
    value = row.get(column)
    try:
        return float(value) if value not in (None, "") else 0.0
    except (TypeError, ValueError):
        return 0.0


def row_hash(row: Row) -> str:
    """A short, stable hash of a row's values (blank-normalised), to tell a changed row apart."""
    parts = []
    for column in sorted(row):
        value = row[column]
        if isinstance(value, str) or value is None:
            value = (value or "").rstrip()
        elif isinstance(value, (dt.datetime, dt.date)):
            value = value.isoformat()[:19].replace("T", " ")
        parts.append(f"{column}={value}")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def account(row: Row) -> Account:
    return Account(
        accountno=s(row, "ACCOUNTNO"), recid=s(row, "RECID"), company=s(row, "COMPANY"),
        contact=s(row, "CONTACT"), phone1=s(row, "PHONE1"), city=s(row, "CITY"),
        state=s(row, "STATE"), country=s(row, "COUNTRY"), zip=s(row, "ZIP"),
        address1=s(row, "ADDRESS1"), key1=s(row, "KEY1"), key2=s(row, "KEY2"), key3=s(row, "KEY3"),
        key4=s(row, "KEY4"), key5=s(row, "KEY5"), owner=s(row, "OWNER"),
        lastdate=d(row, "LASTDATE"), lasttime=s(row, "LASTTIME"),
    )


def email_address(row: Row) -> str:
    """An e-mail detail's address: CONTSUPREF holds the first 35 characters, ADDRESS1 the rest."""
    return s(row, "CONTSUPREF") + s(row, "ADDRESS1")


def is_primary_email(row: Row) -> bool:
    return s(row, "ZIP")[1:2] == "1"


def people(contact1: Row, contsupp: Iterable[Row]) -> list[Person]:
    """The primary contact first, then additional contacts, each with its primary e-mail.

    An e-mail detail belongs to the additional contact whose `C` RECID is its LINKACCT; a blank
    LINKACCT or CONTACT1's RECID (Castell's form) means the primary contact. A person's flagged
    primary address wins, else their first one.
    """
    rows = list(contsupp)
    emails: dict[str, str] = {}
    for row in sorted((r for r in rows if s(r, "RECTYPE") == "P" and s(r, "U_CONTACT") == U_EMAIL_DETAIL),
                      key=lambda r: (not is_primary_email(r), s(r, "RECID"))):
        owner = s(row, "LINKACCT")
        owner = "" if owner == s(contact1, "RECID") else owner
        emails.setdefault(owner, email_address(row))
    accountno = s(contact1, "ACCOUNTNO")
    found = [Person(accountno=accountno, recid=s(contact1, "RECID"), name=s(contact1, "CONTACT"),
                    is_primary=True, title=s(contact1, "TITLE"), phone=s(contact1, "PHONE1"),
                    email=emails.get("", ""))]
    for row in sorted((r for r in rows if s(r, "RECTYPE") == "C"), key=lambda r: s(r, "RECID")):
        found.append(Person(accountno=accountno, recid=s(row, "RECID"), name=s(row, "CONTACT"),
                            is_primary=False, title=s(row, "TITLE"), phone=s(row, "PHONE"),
                            email=emails.get(s(row, "RECID"), "")))
    return found


def opportunity(header: Row, fields: Iterable[Row] = (), links: Iterable[Row] = ()) -> Opportunity:
    """An OPMGR header with its OPMGRFLD values by FNAME and the CONTACT of its first `OC` row."""
    values = {s(r, "FNAME"): s(r, "FVALUE") for r in sorted(fields, key=lambda r: s(r, "RECID"))}
    contact_links = sorted((r for r in links if s(r, "RECTYPE") == "OC"), key=lambda r: s(r, "RECID"))
    return Opportunity(
        opid=s(header, "OPID"), accountno=s(header, "ACCOUNTNO"), userid=s(header, "USERID"),
        company=s(header, "COMPANY"), contact=s(header, "CONTACT"), name=s(header, "NAME"),
        stage=s(header, "STAGE"), foramt=f(header, "FORAMT"), closeamt=f(header, "CLOSEAMT"),
        closeddate=d(header, "CLOSEDDATE"), fields=values,
        contact_link=s(contact_links[0], "CONTACT") if contact_links else "",
    )


def activity(row: Row) -> Activity:
    return Activity(
        recid=s(row, "RECID"), accountno=s(row, "ACCOUNTNO"), userid=s(row, "USERID"),
        rectype=s(row, "RECTYPE"), actvcode=s(row, "ACTVCODE"), ondate=d(row, "ONDATE"),
        ontime=s(row, "ONTIME"), ref=s(row, "REF"), notes=s(row, "NOTES"),
        loprecid=s(row, "LOPRECID"), createby=s(row, "CREATEBY"), company=s(row, "COMPANY"),
    )


def history(row: Row) -> HistoryRecord:
    return HistoryRecord(
        recid=s(row, "RECID"), accountno=s(row, "ACCOUNTNO"), userid=s(row, "USERID"),
        rectype=s(row, "RECTYPE"), actvcode=s(row, "ACTVCODE"),
        resultcode=s(row, "RESULTCODE"), ondate=d(row, "ONDATE"), ontime=s(row, "ONTIME"),
        ref=s(row, "REF"), notes=s(row, "NOTES"), loprecid=s(row, "LOPRECID"),
        linkrecid=s(row, "LINKRECID"), createby=s(row, "CREATEBY"), lastdate=d(row, "LASTDATE"),
        lasttime=s(row, "LASTTIME"),
    )


def history_type(rectype: str) -> str:
    """The activity type of a composite CONTHIST RECTYPE ('CC U' -> 'CC', 'O' -> 'O')."""
    return (rectype or "")[:2].strip()


def history_successful(rectype: str) -> bool:
    """Char 3 of the composite RECTYPE is 'U' for an unsuccessful activity."""
    return (rectype or "")[2:3] != "U"


def detail(row: Row) -> Detail:
    ref = email_address(row) if s(row, "U_CONTACT") == U_EMAIL_DETAIL else s(row, "CONTSUPREF")
    return Detail(recid=s(row, "RECID"), accountno=s(row, "ACCOUNTNO"), name=s(row, "CONTACT"),
                  ref=ref, linkacct=s(row, "LINKACCT"), notes=s(row, "NOTES"))


def plain(row: Row) -> dict[str, Any]:
    """A row as a plain dict: strings trimmed, dates as dates (for USERS and similar lookups)."""
    out: dict[str, Any] = {}
    for column, value in row.items():
        if isinstance(value, str) or value is None:
            out[column] = s(row, column)
        elif isinstance(value, dt.datetime):
            out[column] = value.date() if value.time() == dt.time(0) else value
        else:
            out[column] = value
    return out
