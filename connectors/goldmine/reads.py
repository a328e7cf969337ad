"""SELECT statements for the connector's reads. Pure: each builder returns (sql, params).

Filters use GoldMine's indexed columns and `U_` shadows (CONTACC, CALCONT, CONTHIST, OPID,
CONTSUPP) so the same statements seek on SQL Server; every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from connectors.goldmine.dialect import SqlDialect
from connectors.goldmine.rows import U_EMAIL_DETAIL
from connectors.goldmine.text import upper

Query = tuple[str, list[Any]]
T = TypeVar("T")

ACCOUNT_COLUMNS = ("ACCOUNTNO", "RECID", "COMPANY", "CONTACT", "TITLE", "PHONE1", "CITY", "STATE",
                   "COUNTRY", "ZIP", "ADDRESS1", "KEY1", "KEY2", "KEY3", "KEY4", "KEY5", "OWNER",
                   "LASTDATE", "LASTTIME")
CONTSUPP_COLUMNS = ("ACCOUNTNO", "RECID", "RECTYPE", "CONTACT", "U_CONTACT", "TITLE", "CONTSUPREF",
                    "ADDRESS1", "PHONE", "ZIP", "LINKACCT", "STATUS", "NOTES")
OPMGR_COLUMNS = ("OPID", "RECTYPE", "ACCOUNTNO", "USERID", "COMPANY", "CONTACT", "NAME", "STAGE",
                 "FORAMT", "CLOSEAMT", "CLOSEDDATE", "RECID")
OPMGRFLD_COLUMNS = ("LOPID", "FNAME", "FVALUE", "RECID")
CAL_COLUMNS = ("RECID", "ACCOUNTNO", "USERID", "RECTYPE", "ACTVCODE", "ONDATE", "ONTIME", "REF",
               "NOTES", "LOPRECID", "CREATEBY", "COMPANY")
CONTHIST_COLUMNS = ("RECID", "ACCOUNTNO", "USERID", "RECTYPE", "ACTVCODE", "RESULTCODE", "ONDATE",
                    "ONTIME", "REF", "NOTES", "LOPRECID", "LINKRECID", "CREATEBY", "LASTDATE",
                    "LASTTIME")


def cols(columns: Sequence[str]) -> str:
    return ", ".join(columns)


def chunks(values: Sequence[T], size: int) -> Iterator[list[T]]:
    """`values` de-duplicated (order kept) in lists of at most `size`."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start:start + size]


def account(accountno: str) -> Query:
    return f"SELECT {cols(ACCOUNT_COLUMNS)} FROM CONTACT1 WHERE ACCOUNTNO = ?", [accountno]


def accounts_page(dialect: SqlDialect, *, after: str, size: int, key1: str | None = None) -> Query:
    """One keyset page of CONTACT1 by ACCOUNTNO (the CONTACC index), optionally one KEY1 value."""
    where, params = ["ACCOUNTNO > ?"], [after]
    if key1 is not None:
        where.append("U_KEY1 = ?")
        params.append(upper(key1))
    sql = f"SELECT {cols(ACCOUNT_COLUMNS)} FROM CONTACT1 WHERE {' AND '.join(where)} ORDER BY ACCOUNTNO"
    return dialect.limit(sql, size), params


def people_rows(accountno: str) -> Query:
    """The account's additional contacts and e-mail details in one read (the CONTSUPP index)."""
    return (f"SELECT {cols(CONTSUPP_COLUMNS)} FROM CONTSUPP WHERE ACCOUNTNO = ? "
            "AND (RECTYPE = ? OR (RECTYPE = ? AND U_CONTACT = ?))", [accountno, "C", "P", U_EMAIL_DETAIL])


def opmgr_by_opids(opids: Sequence[str]) -> Query:
    """Header and link rows (`O`, `OC`, ...) of the given opportunities (the OPID index)."""
    return (f"SELECT {cols(OPMGR_COLUMNS)} FROM OPMGR WHERE OPID IN {SqlDialect.placeholders(len(opids))}",
            list(opids))


def opmgrfld_by_opids(opids: Sequence[str]) -> Query:
    return (f"SELECT {cols(OPMGRFLD_COLUMNS)} FROM OPMGRFLD "
            f"WHERE LOPID IN {SqlDialect.placeholders(len(opids))}", list(opids))


def opportunity_headers(dialect: SqlDialect, *, po_field: str, po_number: str | None = None,
                        stage: str | None = None, closed_since: dt.date | None = None,
                        opids: Sequence[str] | None = None) -> Query:
    """Headers (RECTYPE `O`) matching every given filter."""
    where, params = ["RECTYPE = ?"], ["O"]
    if stage is not None:
        where.append("U_STAGE = ?")
        params.append(upper(stage.strip()))
    if closed_since is not None:
        where.append("CLOSEDDATE >= ?")
        params.append(dialect.date_param(closed_since))
    if opids is not None:
        where.append(f"OPID IN {dialect.placeholders(len(opids))}")
        params.extend(opids)
    if po_number is not None:
        where.append(f"OPID IN (SELECT LOPID FROM OPMGRFLD WHERE U_FNAME = ? AND {dialect.rtrim('FVALUE')} = ?)")
        params.extend([upper(po_field), po_number.strip()])
    return (f"SELECT {cols(OPMGR_COLUMNS)} FROM OPMGR WHERE {' AND '.join(where)} ORDER BY OPID",
            params)


def activities(dialect: SqlDialect, *, accountnos: Sequence[str] | None = None,
               actvcodes: Sequence[str] | None = None, loprecid: str | None = None,
               userid: str | None = None, recid: str | None = None) -> Query:
    where, params = [], []
    for column, values in (("ACCOUNTNO", accountnos), ("ACTVCODE", actvcodes)):
        if values is not None:
            where.append(f"{column} IN {dialect.placeholders(len(values))}")
            params.extend(values)
    for column, value in (("LOPRECID", loprecid), ("USERID", userid and userid.upper()), ("RECID", recid)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {cols(CAL_COLUMNS)} FROM CAL{clause} ORDER BY ONDATE, ONTIME, RECID", params


def last_completed(accountnos: Sequence[str], actvcode: str) -> Query:
    """The latest CONTHIST ONDATE per account for one activity code (one query per batch)."""
    return ("SELECT ACCOUNTNO, MAX(ONDATE) AS LASTDONE FROM CONTHIST "
            f"WHERE ACCOUNTNO IN {SqlDialect.placeholders(len(accountnos))} AND ACTVCODE = ? "
            "GROUP BY ACCOUNTNO", [*accountnos, actvcode])


def history(dialect: SqlDialect, *, accountno: str | None = None, actvcodes: Sequence[str] | None = None,
            since: dt.date | None = None, loprecid: str | None = None, recid: str | None = None) -> Query:
    where, params = [], []
    for column, value in (("ACCOUNTNO", accountno), ("LOPRECID", loprecid), ("RECID", recid)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if actvcodes is not None:
        where.append(f"ACTVCODE IN {dialect.placeholders(len(actvcodes))}")
        params.extend(actvcodes)
    if since is not None:
        where.append("ONDATE >= ?")
        params.append(dialect.date_param(since))
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {cols(CONTHIST_COLUMNS)} FROM CONTHIST{clause} ORDER BY ONDATE, ONTIME, RECID", params


def details(accountno: str, name: str) -> Query:
    return (f"SELECT {cols(CONTSUPP_COLUMNS)} FROM CONTSUPP WHERE ACCOUNTNO = ? AND RECTYPE = ? "
            "AND U_CONTACT = ? ORDER BY RECID", [accountno, "P", upper(name.strip())])


def user(username: str) -> Query:
    return "SELECT * FROM USERS WHERE USERNAME = ?", [username.strip().upper()]


def exists(table: str, column: str = "RECID") -> str:
    """`SELECT 1 ... WHERE <column> = ?` on an indexed column (RECID, ACCOUNTNO)."""
    return f"SELECT 1 AS HIT FROM {table} WHERE {column} = ?"
