"""CONTACT2's summary fields, recomputed after every CAL or CONTHIST change (reference §4.8).

GoldMine's exact rules are unpublished; these emulate Castell's `UpdateSummary`, with the two
corrections the reference recommends: the failure flag is read from char 3 of RECTYPE (not
`LIKE '%U'`, which misses private rows) and last-contact times are written in the 12-hour form.
The computations are pure; `refresh_*` issue the reads and the one write through a Tx.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from connectors.goldmine import writes
from connectors.goldmine.dialect import SqlDialect
from connectors.goldmine.rows import history_successful, history_type, s
from connectors.goldmine.stamps import twelve_hour
from connectors.goldmine.text import TextPolicy, subject_of

Row = Mapping[str, Any]
CAL_FIELDS = ("NEXTACTION", "ACTIONON", "CLOSEDATE", "MEETDATEON", "MEETTIMEAT", "CALLBACKON",
              "CALLBACKAT")
HISTORY_FIELDS = ("PREVRESULT", "LASTCONTON", "LASTCONTAT", "LASTATMPON", "LASTATMPAT")
SUMMARY_FIELDS = CAL_FIELDS + HISTORY_FIELDS


def cal_summary(cal_rows: Iterable[Row]) -> dict[str, Any]:
    """NEXTACTION and the next `T`/`S`/`A`/`C` dates from the account's pending CAL rows."""
    def order(row: Row) -> tuple[Any, ...]:
        ondate = SqlDialect.read_date(row.get("ONDATE")) or dt.date.min
        return (s(row, "RECTYPE"), ondate, s(row, "ONTIME"), s(row, "USERID"), s(row, "RECID"))

    rows = sorted(cal_rows, key=order)
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(s(row, "RECTYPE"), row)

    def on(kind: str) -> dt.date | None:
        return SqlDialect.read_date(first[kind].get("ONDATE")) if kind in first else None

    def at(kind: str) -> str:
        return twelve_hour(s(first[kind], "ONTIME")) if kind in first else ""

    return {
        "NEXTACTION": s(rows[0], "REF") if rows else "",
        "ACTIONON": on("T"), "CLOSEDATE": on("S"),
        "MEETDATEON": on("A"), "MEETTIMEAT": at("A"),
        "CALLBACKON": on("C"), "CALLBACKAT": at("C"),
    }


def history_summary(latest: Row | None) -> dict[str, Any]:
    """PREVRESULT from the latest CONTHIST row; LASTCONT/LASTATMP only when it is a call or
    appointment (those two are never cleared, so they are absent otherwise)."""
    if latest is None:
        return {"PREVRESULT": ""}
    values: dict[str, Any] = {"PREVRESULT": subject_of(s(latest, "REF"))}
    rectype = s(latest, "RECTYPE")
    if history_type(rectype)[:1] in ("C", "A"):
        prefix = "LASTCONT" if history_successful(rectype) else "LASTATMP"
        values[f"{prefix}ON"] = SqlDialect.read_date(latest.get("ONDATE"))
        values[f"{prefix}AT"] = twelve_hour(s(latest, "ONTIME"))
    return values


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, dt.date) or isinstance(old, (dt.date, dt.datetime)):
        return SqlDialect.read_date(old) == SqlDialect.read_date(new)
    return (old or "").rstrip() == (new or "").rstrip() if isinstance(new, str) else old == new


def changed(current: Row, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The summary columns whose stored value differs from the wanted one."""
    return {column: value for column, value in wanted.items() if not _same(current.get(column), value)}


class SummaryWriter:
    """Reads what a summary needs and writes CONTACT2, creating the row when it is missing."""

    def __init__(self, policy: TextPolicy, new_recid: Callable[[Any, str], str],
                 on_new: Callable[[Any, str], None],
                 on_update: Callable[[Any, str, Iterable[str]], None]) -> None:
        """`new_recid(tx, accountno)` names a missing CONTACT2 row; keyed by the account, two
        writers creating it at once meet on the RECID index instead of making two rows."""
        self._policy = policy
        self._new_recid = new_recid
        self._on_new = on_new
        self._on_update = on_update

    def refresh_cal(self, tx: Any, accountno: str) -> None:
        if not accountno.strip():
            return
        rows = tx.query("SELECT RECTYPE, ONDATE, ONTIME, USERID, RECID, REF FROM CAL WHERE ACCOUNTNO = ?",
                        [accountno])
        self._store(tx, accountno, cal_summary(rows))

    def refresh_history(self, tx: Any, accountno: str) -> None:
        if not accountno.strip():
            return
        sql = tx.dialect.limit("SELECT RECTYPE, ONDATE, ONTIME, REF, RECID FROM CONTHIST WHERE ACCOUNTNO = ? "
                               "ORDER BY ONDATE DESC, RECID DESC", 1)
        rows = tx.query(sql, [accountno])
        self._store(tx, accountno, history_summary(rows[0] if rows else None))

    def _store(self, tx: Any, accountno: str, wanted: dict[str, Any]) -> None:
        wanted = writes.fit_row("CONTACT2", wanted, self._policy, key=accountno)
        current = tx.query(f"SELECT RECID, {', '.join(SUMMARY_FIELDS)} FROM CONTACT2 WHERE ACCOUNTNO = ?",
                           [accountno])
        if not current:
            recid = self._new_recid(tx, accountno)
            sql, params = writes.insert(tx.dialect, "CONTACT2", {"ACCOUNTNO": accountno, **wanted, "RECID": recid})
            tx.execute(sql, params)
            self._on_new(tx, recid)
            return
        diff = changed(current[0], wanted)
        if diff:
            recid = s(current[0], "RECID")
            sql, params = writes.update(tx.dialect, "CONTACT2", diff, {"RECID": recid})
            tx.execute(sql, params)
            self._on_update(tx, recid, list(diff))
