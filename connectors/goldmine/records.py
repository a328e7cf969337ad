"""Typed records the GoldMine connector returns and takes. Never a pyodbc.Row.

Strings are right-trimmed on read and NULL, '' and ' ' all read as '' (GoldMine writes blanks).
Dates are `datetime.date`; GoldMine's separate 'HH:MM' time strings stay strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Account:
    """A CONTACT1 row with its classification (KEY fields as configured in process.toml)."""

    accountno: str
    recid: str
    company: str
    contact: str
    phone1: str = ""
    city: str = ""
    state: str = ""
    country: str = ""
    zip: str = ""
    address1: str = ""
    key1: str = ""  # account type
    key2: str = ""  # tier
    key3: str = ""  # sales team
    key4: str = ""  # SM user name
    key5: str = ""  # AE user name
    owner: str = ""
    lastdate: dt.date | None = None
    lasttime: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    """The account's primary contact (CONTACT1) or an additional contact (CONTSUPP `C`)."""

    accountno: str
    recid: str  # CONTACT1.RECID for the primary contact, the CONTSUPP `C` RECID otherwise
    name: str
    is_primary: bool
    title: str = ""
    phone: str = ""
    email: str = ""  # the person's primary `E-mail Address` detail, '' when none


@dataclass(frozen=True, slots=True)
class Opportunity:
    """An OPMGR header (RECTYPE `O`) with its OPMGRFLD fields by FNAME and its `OC` contact."""

    opid: str
    accountno: str
    userid: str
    company: str
    contact: str
    name: str
    stage: str
    foramt: float = 0.0
    closeamt: float = 0.0
    closeddate: dt.date | None = None
    fields: dict[str, str] = field(default_factory=dict)
    contact_link: str = ""  # CONTACT of the `OC` link row ('' when there is none)


@dataclass(frozen=True, slots=True)
class Activity:
    """A pending CAL row."""

    recid: str
    accountno: str
    userid: str
    rectype: str
    actvcode: str
    ondate: dt.date | None
    ontime: str
    ref: str
    notes: str = ""
    loprecid: str = ""
    createby: str = ""
    company: str = ""


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """A CONTHIST row."""

    recid: str
    accountno: str
    userid: str
    rectype: str
    actvcode: str
    resultcode: str
    ondate: dt.date | None
    ontime: str
    ref: str
    notes: str = ""
    loprecid: str = ""
    linkrecid: str = ""
    createby: str = ""
    lastdate: dt.date | None = None
    lasttime: str = ""


@dataclass(frozen=True, slots=True)
class Detail:
    """A CONTSUPP `P` detail row (e-mail address, web site, generic detail)."""

    recid: str
    accountno: str
    name: str  # CONTACT, e.g. 'E-mail Address', 'HEAT Customer'
    ref: str  # CONTSUPREF (for e-mail: the whole address, CONTSUPREF+ADDRESS1)
    linkacct: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class NewActivity:
    """What a job asks the connector to schedule in CAL."""

    accountno: str
    userid: str
    rectype: str  # A, C, D, M, O, T ...
    actvcode: str
    ondate: dt.date
    ref: str
    ontime: str = ""
    notes: str = ""
    loprecid: str = ""
    company: str = ""  # defaults to the account's contact name
    alarm: bool = False
    duration: int = 0


@dataclass(frozen=True, slots=True)
class NewHistory:
    """What a job asks the connector to write in CONTHIST."""

    accountno: str
    userid: str
    rectype: str  # the type: 'O', 'C', 'CC', 'A'...; the connector builds the composite RECTYPE
    actvcode: str
    ref: str
    ondate: dt.date
    ontime: str = ""
    resultcode: str = ""
    notes: str = ""
    loprecid: str = ""
    linkrecid: str = ""
    successful: bool = True
    contact: str = ""  # the `(oc: name)` in REF; defaults to the account's contact


@dataclass(frozen=True, slots=True)
class ChangeCursor:
    """Where an incremental read stopped: the watermark and the rows already seen at it.

    Re-reads start `overlap` before the watermark; rows whose (RECID, row hash) were already
    seen are not returned again, so nothing written in the same minute is missed or repeated.
    """

    lastdate: dt.date | None = None
    lasttime: str = ""
    seen: frozenset[str] = frozenset()  # "RECID:hash" of rows at or after watermark - overlap


@dataclass(frozen=True, slots=True)
class Changes:
    rows: list[HistoryRecord | Opportunity | Account]
    cursor: ChangeCursor
