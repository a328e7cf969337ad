"""The connector's writes, each one transaction following the reference's checklists (§4).

Every write returns the RECID it wrote or adopted. Given a RECID (usually `keyed_recid(key)`), a
write first looks for that row and adopts it without writing, so a job that crashed after the
commit and runs again makes its effect once. Two writers racing with the same keyed RECID meet
on the RECID unique index: the loser's transaction is rolled back and re-run, and adopts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import structlog

from config.errors import FatalError, RecordError
from connectors.goldmine import ids, reads, writes
from connectors.goldmine.executor import Tx
from connectors.goldmine.records import NewActivity, NewHistory
from connectors.goldmine.rows import U_EMAIL_DETAIL, s
from connectors.goldmine.stamps import Stamp, make_stamp
from connectors.goldmine.summary import SummaryWriter
from connectors.goldmine.text import upper
from connectors.odbc import IntegrityViolation

if TYPE_CHECKING:
    from connectors.goldmine.connector import GoldMineConnector

log = structlog.get_logger("goldheat.goldmine")
_INTEGRITY_ATTEMPTS = 4  # a fresh RECID per attempt; keyed RECIDs adopt on the second


class WriterMixin:
    """Write methods of GoldMineConnector (split out to keep each module one concept)."""

    # --- ids, stamps and shared steps ------------------------------------------------------------
    def keyed_recid(self: GoldMineConnector, key: str) -> str:
        """The RECID for the effect named by `key` (prefix + 12 base-36 of sha256): deterministic,
        so a re-run finds the row it wrote instead of writing another."""
        return ids.keyed_recid(self.settings.recid_prefix, key)

    def new_accountno(self: GoldMineConnector, name: str) -> str:
        """A free ACCOUNTNO in GoldMine's layout for a contact called `name` (checked on CONTACC)."""
        def work(tx: Tx) -> str:
            for _ in range(8):
                accountno = ids.new_accountno(name, self._stamp().local)
                if not tx.query(reads.exists("CONTACT1", "ACCOUNTNO"), [accountno]):
                    return accountno
            raise FatalError("no free ACCOUNTNO after 8 tries", system="goldmine", operation="accountno")

        return self._run("new_accountno", work, key=name)

    def _stamp(self: GoldMineConnector) -> Stamp:
        return make_stamp(self._clock, self.settings.timezone, self.settings.user)

    def _exists(self: GoldMineConnector, tx: Tx, table: str, recid: str) -> bool:
        return bool(tx.query(reads.exists(table), [recid]))

    def _fresh_recid(self: GoldMineConnector, tx: Tx, table: str) -> str:
        """A new time-based RECID that the table's RECID index does not hold yet."""
        for _ in range(8):
            recid = ids.new_recid(self.settings.recid_prefix, self._clock())
            if not self._exists(tx, table, recid):
                return recid
        raise FatalError(f"no free RECID in {table} after 8 tries", system="goldmine", operation="recid")

    def _write(self: GoldMineConnector, operation: str, work: Any, *, key: str | None) -> Any:
        """Run a write; on a unique-index hit re-run it whole (fresh RECID, or adopt a keyed one)."""
        def locked_work(tx: Tx) -> Any:
            if tx.dialect.write_lock:
                tx.execute(tx.dialect.write_lock)
            return work(tx)

        for attempt in range(1, _INTEGRITY_ATTEMPTS + 1):
            try:
                return self._run(operation, locked_work, key=key)
            except IntegrityViolation:
                if attempt == _INTEGRITY_ATTEMPTS:
                    raise
                log.info("goldmine_recid_collision", system="goldmine", operation=operation, key=key)
        raise AssertionError("unreachable")

    def _lengths(self: GoldMineConnector, tx: Tx, table: str, columns: Any) -> dict[str, int | None]:
        """Limits for `columns`: the site's declared lengths, REF and CONTSUPP.CONTACT capped by settings."""
        catalog = self._catalog(tx)
        lengths = {c: catalog.length(table, c) for c in columns}
        caps = {"REF": self.settings.ref_length} if table in ("CAL", "CONTHIST") else {}
        if table == "CONTSUPP":
            caps = dict.fromkeys(("CONTACT", "U_CONTACT"), self.settings.contsupp_contact_length)
        for column, cap in caps.items():
            if column in lengths:
                lengths[column] = min(cap, lengths[column] or cap)
        return lengths

    def _ref_length(self: GoldMineConnector, tx: Tx, table: str) -> int:
        """REF's width: the setting, or the site's column when that is narrower."""
        return self._lengths(tx, table, ["REF"])["REF"] or self.settings.ref_length

    def _fit(self: GoldMineConnector, tx: Tx, table: str, row: dict[str, Any], *, key: str) -> dict[str, Any]:
        return writes.fit_row(table, row, self._policy, key=key, lengths=self._lengths(tx, table, row))

    def _insert(self: GoldMineConnector, tx: Tx, table: str, row: dict[str, Any], *, key: str) -> None:
        row = self._fit(tx, table, row, key=key)
        tx.execute(*writes.insert(self.dialect, table, row, self._catalog(tx).columns_of(table)))
        self._synclog.new(tx, table, row["RECID"])

    def _contact1(self: GoldMineConnector, tx: Tx, accountno: str, *, key: str) -> dict[str, Any] | None:
        if not accountno.strip():
            return None
        found = tx.query(*reads.account(accountno))
        if not found:
            raise RecordError(f"no GoldMine account {accountno!r}", system="goldmine",
                              operation="write", key=key, field="ACCOUNTNO")
        return found[0]

    def _summaries(self: GoldMineConnector) -> SummaryWriter:
        return SummaryWriter(
            self._policy,
            lambda tx, accountno: self.keyed_recid("CONTACT2:" + accountno),
            lambda tx, recid: self._synclog.new(tx, "CONTACT2", recid),
            lambda tx, recid, columns: self._synclog.update(tx, "CONTACT2", recid, columns),
        )

    # --- CAL --------------------------------------------------------------------------------------
    def schedule_activity(self: GoldMineConnector, a: NewActivity, *, recid: str | None = None) -> str:
        """Insert a CAL row (§4.4) and refresh CONTACT2; with `recid` of an existing row: adopt."""
        def work(tx: Tx) -> str:
            if recid and self._exists(tx, "CAL", recid):
                return recid
            contact1 = self._contact1(tx, a.accountno, key=a.accountno)
            company = (s(contact1, "CONTACT") or s(contact1, "COMPANY")) if contact1 else ""
            new_id = recid or self._fresh_recid(tx, "CAL")
            self._insert(tx, "CAL", writes.cal_row(a, recid=new_id, stamp=self._stamp(), company=company),
                         key=a.accountno or new_id)
            self._summaries().refresh_cal(tx, a.accountno)
            return new_id

        return self._write("schedule_activity", work, key=recid or a.accountno)

    def _locked_cal(self: GoldMineConnector, tx: Tx, recid: str) -> dict[str, Any] | None:
        found = tx.query(self.dialect.locking_select("SELECT * FROM CAL WHERE RECID = ?", "CAL"), [recid])
        return found[0] if found else None

    def move_activity(self: GoldMineConnector, recid: str, ondate: dt.date, *, userid: str | None = None,
                      ref: str | None = None) -> None:
        """Move a pending CAL row to another date (and user, subject); RecordError when it is gone."""
        def work(tx: Tx) -> None:
            cal = self._locked_cal(tx, recid)
            if cal is None:
                raise RecordError(f"CAL activity {recid} is no longer pending", system="goldmine",
                                  operation="move_activity", key=recid, field="RECID")
            values: dict[str, Any] = {"ONDATE": ondate, "ENDDATE": ondate}
            if s(cal, "ALARMFLAG") == "Y":
                values["ALARMDATE"] = ondate
            if userid is not None:
                values["USERID"] = userid.strip().upper()
            if ref is not None:
                values["REF"] = ref
            values.update(self._stamp().last())
            values = self._fit(tx, "CAL", values, key=recid)
            tx.execute(*writes.update(self.dialect, "CAL", values, {"RECID": recid}))
            self._synclog.update(tx, "CAL", recid, values)
            self._summaries().refresh_cal(tx, s(cal, "ACCOUNTNO"))

        self._write("move_activity", work, key=recid)

    def remove_activity(self: GoldMineConnector, recid: str) -> bool:
        """Delete a pending CAL row goldheat created; False when it is already gone. A row a
        person created is never deleted: FatalError."""
        def work(tx: Tx) -> bool:
            cal = self._locked_cal(tx, recid)
            if cal is None:
                return False
            if s(cal, "CREATEBY").upper() != self.settings.user:
                raise FatalError(f"CAL activity {recid} was created by {s(cal, 'CREATEBY')!r}, not by "
                                 f"{self.settings.user}: goldheat never deletes a person's activity",
                                 system="goldmine", operation="remove_activity", key=recid, field="CREATEBY")
            tx.execute(*writes.delete("CAL", {"RECID": recid}))
            self._synclog.delete(tx, "CAL", recid)
            self._summaries().refresh_cal(tx, s(cal, "ACCOUNTNO"))
            return True

        return self._write("remove_activity", work, key=recid)

    def complete_activity(self: GoldMineConnector, recid: str, *, resultcode: str = "", notes: str = "",
                          successful: bool = True, history_recid: str | None = None,
                          ondate: dt.date | None = None) -> str:
        """Move a CAL row to CONTHIST (§4.6); returns the history RECID. With `history_recid`
        of an existing CONTHIST row: adopt (the completion already happened)."""
        def work(tx: Tx) -> str:
            if history_recid and self._exists(tx, "CONTHIST", history_recid):
                return history_recid
            cal = self._locked_cal(tx, recid)
            if cal is None:
                raise RecordError(f"CAL activity {recid} is no longer pending", system="goldmine",
                                  operation="complete_activity", key=recid, field="RECID")
            stamp = self._stamp()
            new_id = history_recid or self._fresh_recid(tx, "CONTHIST")
            self._insert(tx, "CONTHIST", writes.completion_row(
                cal, recid=new_id, stamp=stamp, resultcode=resultcode, notes=notes, successful=successful,
                ref_length=self._ref_length(tx, "CONTHIST"), ondate=ondate), key=recid)
            tx.execute(*writes.delete("CAL", {"RECID": recid}))
            self._synclog.delete(tx, "CAL", recid, completion=True)
            if s(cal, "RSVP") == "Y":
                message = writes.rsvp_message_row(cal, recid=self._fresh_recid(tx, "CAL"), stamp=stamp)
                self._insert(tx, "CAL", message, key=recid)
            if self._catalog(tx).has_table("MAILBOX"):
                tx.execute("UPDATE MAILBOX SET LINKRECID = ? WHERE LINKRECID = ?", [new_id, recid])
            summaries = self._summaries()
            summaries.refresh_cal(tx, s(cal, "ACCOUNTNO"))
            summaries.refresh_history(tx, s(cal, "ACCOUNTNO"))
            return new_id

        return self._write("complete_activity", work, key=recid)

    # --- CONTHIST ---------------------------------------------------------------------------------
    def write_history(self: GoldMineConnector, h: NewHistory, *, recid: str | None = None) -> str:
        """Insert a CONTHIST row (§4.5) and refresh CONTACT2; with `recid` of an existing row: adopt."""
        def work(tx: Tx) -> str:
            if recid and self._exists(tx, "CONTHIST", recid):
                return recid
            contact1 = self._contact1(tx, h.accountno, key=h.accountno)
            new_id = recid or self._fresh_recid(tx, "CONTHIST")
            row = writes.history_row(h, recid=new_id, stamp=self._stamp(),
                                     contact=s(contact1, "CONTACT") if contact1 else "",
                                     ref_length=self._ref_length(tx, "CONTHIST"))
            self._insert(tx, "CONTHIST", row, key=h.accountno or new_id)
            self._summaries().refresh_history(tx, h.accountno)
            return new_id

        return self._write("write_history", work, key=recid or h.accountno)

    # --- CONTSUPP ---------------------------------------------------------------------------------
    def upsert_detail(self: GoldMineConnector, accountno: str, name: str, ref: str, *, linkacct: str = "",
                      notes: str = "") -> str:
        """The account's CONTSUPP `P` detail `name` for `linkacct`: updated when it exists, else
        inserted (its RECID keyed by account, name and link, so racing writers make one row)."""
        key = f"{accountno}:{name}"
        if not accountno.strip():
            raise RecordError(f"a CONTSUPP detail ({name!r}) needs an account", system="goldmine",
                              operation="upsert_detail", key=key, field="ACCOUNTNO")

        def work(tx: Tx) -> str:
            sql = self.dialect.locking_select(
                "SELECT * FROM CONTSUPP WHERE ACCOUNTNO = ? AND RECTYPE = ? AND U_CONTACT = ? AND "
                f"{self.dialect.blank('LINKACCT')} = ? ORDER BY RECID", "CONTSUPP")
            found = tx.query(sql, [accountno, "P", upper(name.strip()), linkacct.strip()])
            stamp = self._stamp()
            if found:
                current = found[0]
                values = self._fit(tx, "CONTSUPP", writes.detail_values(name, ref, notes, key=key), key=key)
                if all(s(current, c) == v.rstrip() for c, v in values.items()):
                    return s(current, "RECID")
                values.update(stamp.last())
                tx.execute(*writes.update(self.dialect, "CONTSUPP", values, {"RECID": s(current, "RECID")}))
                self._synclog.update(tx, "CONTSUPP", s(current, "RECID"), values)
                return s(current, "RECID")
            contact1 = self._contact1(tx, accountno, key=key)
            keyed = self.keyed_recid(f"CONTSUPP:P:{accountno}:{upper(name.strip())}:{linkacct.strip()}")
            new_id = keyed if not self._exists(tx, "CONTSUPP", keyed) else self._fresh_recid(tx, "CONTSUPP")
            phone = tx.query("SELECT LOOKUPSUPP FROM LOOKUP WHERE FIELDNAME = ? AND U_ENTRY = ?",
                             ["MPROFHEAD V", upper(name.strip())])
            main = linkacct.strip() in ("", s(contact1, "RECID"))
            row = writes.detail_row(accountno, name, ref, linkacct=linkacct.strip(), notes=notes, recid=new_id,
                                    stamp=stamp, phone=s(phone[0], "LOOKUPSUPP") if phone else "",
                                    main_contact=main, key=key)
            self._insert(tx, "CONTSUPP", row, key=key)
            if upper(name.strip()) == U_EMAIL_DETAIL and not main:
                self._flag_contact_email(tx, linkacct.strip(), stamp)
            return new_id

        return self._write("upsert_detail", work, key=key)

    def _flag_contact_email(self: GoldMineConnector, tx: Tx, contact_recid: str, stamp: Stamp) -> None:
        """An additional contact with an e-mail row gets STATUS char 1 = '1' (§2, `C` rows)."""
        found = tx.query("SELECT STATUS FROM CONTSUPP WHERE RECID = ? AND RECTYPE = ?", [contact_recid, "C"])
        if found:
            status = (s(found[0], "STATUS") or "00").ljust(2, "0")
            if status[0] != "1":
                values = {"STATUS": "1" + status[1:], **stamp.last()}
                tx.execute(*writes.update(self.dialect, "CONTSUPP", values, {"RECID": contact_recid}))
                self._synclog.update(tx, "CONTSUPP", contact_recid, values)
