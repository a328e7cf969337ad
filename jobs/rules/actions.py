"""The few things a rule can ask for, as values a dry run prints and `jobs/apply.py` performs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from connectors.goldmine.records import NewActivity, NewHistory


@dataclass(frozen=True, slots=True)
class Schedule:
    """A CAL activity; `key` names the effect inside its job and derives its RECID."""

    key: str
    activity: NewActivity
    why: str


@dataclass(frozen=True, slots=True)
class Move:
    """Re-date and/or reassign one of goldheat's pending activities."""

    recid: str
    ondate: dt.date
    userid: str
    why: str
    ref: str = ""  # a new REF, or '' to keep it


@dataclass(frozen=True, slots=True)
class Remove:
    """Delete one of goldheat's own pending activities (never a person's)."""

    recid: str
    why: str


@dataclass(frozen=True, slots=True)
class Log:
    """A CONTHIST record; `key` names the effect and derives its RECID."""

    key: str
    history: NewHistory
    why: str


Action = Schedule | Move | Remove | Log
