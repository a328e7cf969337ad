"""Performs the follow-up jobs' actions exactly once, or only plans them in a dry run.

Exactly once, three ways at once: a guarded effect is looked up in the effects table by (job, key)
first; its GoldMine row gets the RECID derived from the same key, which the connector adopts
when it exists (a crash after the write, or a second worker that got there first); and the key
is recorded after the write. Jobs whose truth is GoldMine's own state (cadence: "one pending per
account and code") run unguarded: their rules already look at what is pending, and the keyed
RECID still folds two concurrent runs into one row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobs.rules.actions import Action, Log, Move, Remove, Schedule
from jobs.state import effects

if TYPE_CHECKING:
    from jobs.context import JobContext
    from jobs.summary import RunSummary


class Applier:
    def __init__(self, ctx: JobContext, summary: RunSummary, job: str, *, guard: bool = True) -> None:
        self.ctx = ctx
        self.summary = summary
        self.job = job
        self.guard = guard

    def recid(self, key: str) -> str:
        return self.ctx.goldmine.keyed_recid(f"{self.job}:{key}")

    def done(self, key: str) -> str | None:
        """The effect already recorded under `key`, if any."""
        found = effects.get(self.ctx.state, self.job, key) if self.guard else None
        return found.effect if found else None

    def apply(self, action: Action, record: str) -> str | None:
        """Perform one action; returns the effect's id (None in a dry run)."""
        if self.ctx.dry_run:
            if isinstance(action, Schedule | Log) and self.done(action.key) is not None:
                self.summary.count("already done")  # reading changes nothing: plan only what a run would do
            else:
                self._plan(action, record)
            return None
        gm = self.ctx.goldmine
        if isinstance(action, Move):
            gm.move_activity(action.recid, action.ondate, userid=action.userid, ref=action.ref or None)
            self.summary.count("moved")
            return action.recid
        if isinstance(action, Remove):
            self.summary.count("removed" if gm.remove_activity(action.recid) else "already removed")
            return action.recid
        previous = self.done(action.key)
        if previous is not None:
            self.summary.count("already done")
            return previous
        if isinstance(action, Schedule):
            effect = gm.schedule_activity(action.activity, recid=self.recid(action.key))
            self.summary.count("scheduled")
        else:
            effect = gm.write_history(action.history, recid=self.recid(action.key))
            self.summary.count("logged")
        if self.guard:
            effect = effects.record(self.ctx.state, self.job, action.key, effect, detail=action.why).effect
        return effect

    def _plan(self, action: Action, record: str) -> None:
        if isinstance(action, Schedule):
            a = action.activity
            self.summary.plan("schedule", record=record, user=a.userid, rectype=a.rectype, code=a.actvcode,
                              date=a.ondate.isoformat(), ref=a.ref, why=action.why)
        elif isinstance(action, Log):
            h = action.history
            self.summary.plan("log history", record=record, code=h.actvcode, date=h.ondate.isoformat(),
                              ref=h.ref, why=action.why)
        elif isinstance(action, Move):
            self.summary.plan("move", record=record, recid=action.recid, user=action.userid,
                              date=action.ondate.isoformat(), why=action.why)
        else:
            self.summary.plan("remove", record=record, recid=action.recid, why=action.why)


def account_name(company: str, accountno: str) -> str:
    """How a failure names an account: readable and unambiguous."""
    return f"account {company} ({accountno})" if company else f"account {accountno}"


def order_name(name: str, opid: str) -> str:
    return f"order {name} ({opid})" if name else f"order {opid}"
