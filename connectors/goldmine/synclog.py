"""GoldSync's transaction logs (CONTTLOG/GMTLOG), written only when a site opts in (reference §6).

The rules follow Castell's `UpdateSyncLog`, which mirrors `GMW_UpdateSyncLog`:

* new row:  insert (stamp, stamp, 'N', id, recid, 'zzNew', '~USER') unless (FRECID, TABLEID) is
            already logged;
* update:   per column (never a `U_` shadow) refresh the (FRECID, TABLEID, FIELDNAME) row, else
            refresh the `zzNew` row, else insert 'U' with the column name;
* delete:   drop the `zzNew` row if there is one, else insert 'D' with `zzzDel` (`zzzDelComp`
            when a CAL row is completed).

SYNCSTAMP/LOGSTAMP encoding is unpublished, so goldheat never makes one up: the stamps come from
an injected `StampSource` (the GoldMine DLL or a licensed CLR function behind a small service),
and the connector refuses to start with logging on and no source (ConfigurationError).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

# table -> (log table, TABLEID code)
TABLE_IDS: dict[str, tuple[str, str]] = {
    "CONTACT1": ("CONTTLOG", "&"), "CONTACT2": ("CONTTLOG", "'"), "CONTSUPP": ("CONTTLOG", "("),
    "CONTHIST": ("CONTTLOG", ")"), "CONTGRPS": ("CONTTLOG", "*"), "CONTUDEF": ("CONTTLOG", "0"),
    "CAL": ("GMTLOG", '"'), "LOOKUP": ("GMTLOG", "!"), "MAILBOX": ("GMTLOG", ";"),
    "OPMGR": ("GMTLOG", "B"), "OPMGRFLD": ("GMTLOG", "C"), "NOTES": ("GMTLOG", "W"),
    "CASES": ("GMTLOG", "R"), "USERS": ("GMTLOG", "."),
}
NEW, DELETED, DELETED_COMPLETED = "zzNew", "zzzDel", "zzzDelComp"


class StampSource(Protocol):
    """Issues GoldSync's 7-character SYNCSTAMP/LOGSTAMP for 'now' (GMW_SyncStamp)."""

    def stamp(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Action:
    """One statement on a log: 'insert' (ACTION, FIELDNAME), 'refresh' or 'drop' (FIELDNAME)."""

    kind: str
    fieldname: str
    action: str = ""


def plan_new(logged: Iterable[str]) -> list[Action]:
    return [] if list(logged) else [Action("insert", NEW, "N")]


def plan_update(logged: Iterable[str], columns: Iterable[str]) -> list[Action]:
    """What to do for updated `columns` given the FIELDNAMEs already logged for the row."""
    present = {f.strip() for f in logged}
    actions: list[Action] = []
    refreshed_new = False
    for column in dict.fromkeys(c.upper() for c in columns):
        if column.startswith("U_"):
            continue
        if column in present:
            actions.append(Action("refresh", column))
        elif NEW in present:
            if not refreshed_new:
                actions.append(Action("refresh", NEW))
                refreshed_new = True
        else:
            actions.append(Action("insert", column, "U"))
    return actions


def plan_delete(logged: Iterable[str], *, completion: bool = False) -> list[Action]:
    if NEW in {f.strip() for f in logged}:
        return [Action("drop", NEW)]
    return [Action("insert", DELETED_COMPLETED if completion else DELETED, "D")]


class SyncLog:
    """Applies the plans through a Tx. One stamp per logged change."""

    def __init__(self, stamps: StampSource, user: str) -> None:
        self._stamps = stamps
        self._userid = ("~" + user.upper())[:9]

    def new(self, tx: Any, table: str, recid: str) -> None:
        self._apply(tx, table, recid, lambda logged: plan_new(logged))

    def update(self, tx: Any, table: str, recid: str, columns: Iterable[str]) -> None:
        columns = list(columns)
        self._apply(tx, table, recid, lambda logged: plan_update(logged, columns))

    def delete(self, tx: Any, table: str, recid: str, *, completion: bool = False) -> None:
        self._apply(tx, table, recid, lambda logged: plan_delete(logged, completion=completion))

    def _apply(self, tx: Any, table: str, recid: str, plan: Any) -> None:
        log_table, table_id = TABLE_IDS[table]
        rows = tx.query(f"SELECT FIELDNAME FROM {log_table} WHERE TABLEID = ? AND FRECID = ?",
                        [table_id, recid])
        actions = plan([str(r["FIELDNAME"] or "").strip() for r in rows])
        if not actions:
            return
        stamp = self._stamps.stamp()
        for action in actions:
            tx.execute(*statement(log_table, table_id, recid, action, stamp, self._userid))


def statement(log_table: str, table_id: str, recid: str, action: Action, stamp: str,
              userid: str) -> tuple[str, list[Any]]:
    """The SQL for one planned action (pure)."""
    if action.kind == "insert":
        return (f"INSERT INTO {log_table} (SYNCSTAMP, LOGSTAMP, ACTION, TABLEID, FRECID, FIELDNAME, USERID) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [stamp, stamp, action.action, table_id, recid,
                                                 action.fieldname, userid])
    if action.kind == "refresh":
        return (f"UPDATE {log_table} SET SYNCSTAMP = ?, LOGSTAMP = ?, USERID = ? "
                "WHERE TABLEID = ? AND FRECID = ? AND FIELDNAME = ?",
                [stamp, stamp, userid, table_id, recid, action.fieldname])
    if action.kind == "drop":
        return (f"DELETE FROM {log_table} WHERE TABLEID = ? AND FRECID = ? AND FIELDNAME = ?",
                [table_id, recid, action.fieldname])
    raise ValueError(action.kind)


class NoSyncLog:
    """The default: GoldSync logging off, nothing written."""

    def new(self, tx: Any, table: str, recid: str) -> None:
        return None

    def update(self, tx: Any, table: str, recid: str, columns: Iterable[str]) -> None:
        return None

    def delete(self, tx: Any, table: str, recid: str, *, completion: bool = False) -> None:
        return None
