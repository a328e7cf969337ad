"""The rows goldheat writes, built the way GoldMine writes them (reference §4). Pure functions.

Each builder returns a dict of column -> value for one row, complete with the NOT NULL and `U_`
columns, STATUS flags and audit stamps; `insert`/`update` turn such a dict into a bound
statement for the columns the site's table really has (§7: newer columns may be missing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from config.errors import RecordError
from connectors.goldmine import schema
from connectors.goldmine.dialect import SqlDialect
from connectors.goldmine.records import NewActivity, NewHistory
from connectors.goldmine.rows import U_EMAIL_DETAIL, s
from connectors.goldmine.stamps import Stamp, minutes_before, twelve_hour
from connectors.goldmine.text import TextPolicy, cut_ref, upper

Row = dict[str, Any]
ALARM_MINUTES = 10  # GoldMine's default lead time
EMAIL_REF_LENGTH = 35  # CONTSUPREF holds the first 35 characters of an address, ADDRESS1 the rest
_HHMM = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


def status_flags(notes: str) -> str:
    """CAL/CONTHIST STATUS: char 2 is '1' when the row has notes."""
    return " 1" if notes.strip() else " 0"


def clock_time(value: str, *, table: str, key: str | None) -> str:
    """An ONTIME as GoldMine stores it, 24-hour 'HH:MM' or blank; anything else is refused, because
    a time such as '9:30' or '2pm' would sort and summarise wrongly."""
    text = (value or "").strip()
    if text and not _HHMM.fullmatch(text):
        raise RecordError(f"{table}.ONTIME must be a 24-hour 'HH:MM' time or blank, got {text!r}",
                          system="goldmine", operation="write", key=key, field="ONTIME")
    return text


def history_rectype(kind: str, successful: bool) -> str:
    """Composite CONTHIST RECTYPE: the type padded to 2, then ' ' (success) or 'U' (failure)."""
    kind = kind.strip().upper()
    if not 1 <= len(kind) <= 2:
        raise ValueError(f"a history type is 1 or 2 characters, got {kind!r}")
    return f"{kind:<2}{' ' if successful else 'U'}"


def cal_row(a: NewActivity, *, recid: str, stamp: Stamp, company: str) -> Row:
    """A CAL row per §4.4 (Castell `WriteSchedule`): ENDDATE = ONDATE, RSVP 'N', blanks not NULL."""
    ontime = clock_time(a.ontime, table="CAL", key=a.accountno or recid)
    return {
        "USERID": a.userid.strip().upper(), "ACCOUNTNO": a.accountno, "ONDATE": a.ondate,
        "ONTIME": ontime, "ENDDATE": a.ondate,
        "ALARMFLAG": "Y" if a.alarm else "N",
        "ALARMTIME": minutes_before(ontime, ALARM_MINUTES) if a.alarm else "",
        "ALARMDATE": a.ondate if a.alarm else None,
        "ACTVCODE": a.actvcode.strip().upper(), "RSVP": "N", "DURATION": int(a.duration),
        "RECTYPE": a.rectype.strip().upper(), "ACONFIRM": "", "APPTUSER": "",
        "STATUS": status_flags(a.notes), "DIRCODE": None, "NUMBER1": 0, "NUMBER2": 0,
        "COMPANY": a.company or company, "REF": a.ref, "NOTES": a.notes,
        "LINKRECID": "", "LDOCRECID": "", "LOPRECID": a.loprecid,
        **stamp.created(), **stamp.last(), "RECID": recid,
        "CALDEF_ID": "", "CALDEFEX_ID": "", "GLOBALID": "", "ORIG_TIME": stamp.time,
    }


def history_row(h: NewHistory, *, recid: str, stamp: Stamp, contact: str, ref_length: int) -> Row:
    """A CONTHIST row per §4.5: composite RECTYPE, REF with `(oc: name)`, DURATION as text."""
    rectype = history_rectype(h.rectype, h.successful)
    return {
        "USERID": h.userid.strip().upper(), "ACCOUNTNO": h.accountno, "SRECTYPE": rectype[0],
        "RECTYPE": rectype, "ONDATE": h.ondate,
        "ONTIME": clock_time(h.ontime, table="CONTHIST", key=h.accountno or recid),
        "ACTVCODE": h.actvcode.strip().upper(), "RESULTCODE": h.resultcode.strip().upper(),
        "STATUS": status_flags(h.notes), "DURATION": "", "UNITS": "",
        "REF": cut_ref(h.ref, h.contact or contact, ref_length), "NOTES": h.notes,
        "LINKRECID": h.linkrecid, "LOPRECID": h.loprecid,
        **stamp.created(), **stamp.last(), "RECID": recid, "EXT": "", "COMPLETEDID": "",
        "NUMBER1": 0, "NUMBER2": 0,
    }


def _number_text(value: Any) -> str:
    if value in (None, ""):
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def completion_row(cal: Mapping[str, Any], *, recid: str, stamp: Stamp, resultcode: str,
                   notes: str, successful: bool, ref_length: int, ondate: dt.date | None = None) -> Row:
    """The CONTHIST row completing a CAL row (§4.6): CAL's CREATE* kept, LAST* now.

    A forecast sale (`S`) keeps its value in DURATION; otherwise DURATION is the minutes.
    """
    cal_notes = s(cal, "NOTES")
    all_notes = "\r\n".join(n for n in (cal_notes, notes.strip()) if n)
    kind = s(cal, "RECTYPE") or "O"
    rectype = history_rectype(kind, successful)
    duration = cal.get("NUMBER1") if kind == "S" else cal.get("DURATION")
    return {
        "USERID": s(cal, "USERID"), "ACCOUNTNO": s(cal, "ACCOUNTNO"), "SRECTYPE": rectype[0],
        "RECTYPE": rectype, "ONDATE": ondate or SqlDialect.read_date(cal.get("ONDATE")),
        "ONTIME": s(cal, "ONTIME"), "ACTVCODE": s(cal, "ACTVCODE"),
        "RESULTCODE": resultcode.strip().upper(), "STATUS": status_flags(all_notes),
        "DURATION": _number_text(duration), "UNITS": _number_text(cal.get("NUMBER2")),
        "REF": cut_ref(s(cal, "REF"), s(cal, "COMPANY"), ref_length), "NOTES": all_notes,
        "LINKRECID": s(cal, "LINKRECID"), "LOPRECID": s(cal, "LOPRECID"),
        "CREATEBY": s(cal, "CREATEBY") or stamp.user,
        "CREATEON": SqlDialect.read_date(cal.get("CREATEON")) or stamp.date,
        "CREATEAT": s(cal, "CREATEAT") or stamp.time, **stamp.last(), "RECID": recid,
        "EXT": "", "COMPLETEDID": "", "NUMBER1": 0, "NUMBER2": 0,
    }


def rsvp_message_row(cal: Mapping[str, Any], *, recid: str, stamp: Stamp) -> Row:
    """The CAL `M` message GoldMine leaves the creator when an RSVP activity is completed."""
    message = NewActivity(accountno=s(cal, "ACCOUNTNO"), userid=s(cal, "CREATEBY") or stamp.user,
                          rectype="M", actvcode="Cmp", ondate=stamp.date, ontime=stamp.time,
                          ref="RSVP Re:" + s(cal, "REF"))
    row = cal_row(message, recid=recid, stamp=stamp, company=s(cal, "COMPANY"))
    row["ACTVCODE"] = "Cmp"
    return row


def creation_stamp(stamp: Stamp) -> str:
    """CONTSUPP detail CITY: user padded to 8 + YYYYMMDD + space + 12-hour time."""
    return f"{stamp.user:<8}{stamp.date:%Y%m%d} {twelve_hour(stamp.time).strip()}"


def detail_values(name: str, ref: str, notes: str, *, key: str) -> Row:
    """The CONTSUPP columns that hold a detail's reference (an e-mail address spans two)."""
    if upper(name.strip()) == U_EMAIL_DETAIL:
        limit = EMAIL_REF_LENGTH + (schema.column_length("CONTSUPP", "ADDRESS1") or 40)
        if len(ref) > limit:
            raise RecordError(f"CONTSUPP.CONTSUPREF+ADDRESS1 hold an address of at most {limit} "
                              f"characters, got {len(ref)}", system="goldmine", operation="write",
                              key=key, field="CONTSUPREF")
        head, rest = ref[:EMAIL_REF_LENGTH], ref[EMAIL_REF_LENGTH:]
    else:
        head, rest = ref, ""
    return {"CONTSUPREF": head, "U_CONTSUPREF": upper(head), "ADDRESS1": rest,
            "U_ADDRESS1": upper(rest), "NOTES": notes, "STATUS": "0" + ("1" if notes.strip() else "0")}


def detail_row(accountno: str, name: str, ref: str, *, linkacct: str, notes: str, recid: str,
               stamp: Stamp, phone: str, main_contact: bool, key: str) -> Row:
    """A new CONTSUPP `P` detail (§2, Castell `WriteDetail`; e-mail per TruSoft)."""
    email = upper(name.strip()) == U_EMAIL_DETAIL
    return {
        "ACCOUNTNO": accountno, "RECTYPE": "P", "CONTACT": name.strip(), "U_CONTACT": upper(name.strip()),
        "TITLE": "", "DEAR": "0100" if email else "", "PHONE": phone, "EXT": "", "FAX": "",
        "LINKACCT": linkacct, "ADDRESS2": "", "ADDRESS3": "", "CITY": creation_stamp(stamp),
        "STATE": "", "ZIP": ("011" if main_contact else "001") if email else "", "COUNTRY": "",
        "MERGECODES": "", **detail_values(name, ref, notes, key=key), **stamp.last(), "RECID": recid,
    }


def fit_row(table: str, row: Row, policy: TextPolicy, *, key: str | None,
            lengths: Mapping[str, int] | None = None) -> Row:
    """Every string of `row` through the code-page policy and the column's length."""
    spec = schema.TABLES[table]
    fitted: Row = {}
    for column, value in row.items():
        if isinstance(value, str):
            col = spec.column(column)
            length = (lengths or {}).get(column, col.length if col else None)
            value = policy.fit(value, table=table, column=column, length=length, key=key)
        fitted[column] = value
    return fitted


def _param(dialect: SqlDialect, value: Any) -> Any:
    return dialect.date_param(value) if isinstance(value, dt.date) else value


def insert(dialect: SqlDialect, table: str, row: Mapping[str, Any],
           existing: Collection[str] | None = None) -> tuple[str, list[Any]]:
    """INSERT of `row`'s columns that the table has (all of them when `existing` is None)."""
    columns = [c for c in row if existing is None or c in existing]
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' * len(columns))})")
    return sql, [_param(dialect, row[c]) for c in columns]


def update(dialect: SqlDialect, table: str, values: Mapping[str, Any], where: Mapping[str, Any],
           existing: Collection[str] | None = None) -> tuple[str, list[Any]]:
    columns = [c for c in values if existing is None or c in existing]
    if not columns:
        raise ValueError("an UPDATE needs at least one column")
    sets = ", ".join(f"{c} = ?" for c in columns)
    conditions = " AND ".join(f"{c} = ?" for c in where)
    return (f"UPDATE {table} SET {sets} WHERE {conditions}",
            [_param(dialect, values[c]) for c in columns] + [_param(dialect, v) for v in where.values()])


def delete(table: str, where: Mapping[str, Any]) -> tuple[str, list[Any]]:
    conditions = " AND ".join(f"{c} = ?" for c in where)
    return f"DELETE FROM {table} WHERE {conditions}", list(where.values())
