"""The sample's history (CONTHIST, streamed as tuples) and the CONTACT2 summaries it implies.

History holds, per account and within its budget, first what the jobs look at (completed sales
of closed opportunities, the latest status-check calls and visits, customer responses in the last
14 days), then everyday bulk history dated before those 14 days. Rows are tuples in CONTHIST's
column order because a million dicts cost more than the database insert.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from connectors.goldmine.sample import (
    RECID_SLOTS, SALES_ADMIN, Sample, SampleAccount, at, office_time,
)
from connectors.goldmine.sample_ids import RecidStream
from connectors.goldmine.sample_rows import calendar, fit
from connectors.goldmine.schema import TABLES
from connectors.goldmine.stamps import twelve_hour
from connectors.goldmine.text import cut_ref, subject_of

COLUMNS = ("USERID", "ACCOUNTNO", "SRECTYPE", "RECTYPE", "ONDATE", "ONTIME", "ACTVCODE", "RESULTCODE",
           "STATUS", "DURATION", "UNITS", "REF", "NOTES", "LINKRECID", "LOPRECID", "CREATEBY",
           "CREATEON", "CREATEAT", "LASTUSER", "LASTDATE", "LASTTIME", "RECID", "EXT",
           "COMPLETEDID", "NUMBER1", "NUMBER2")
assert COLUMNS == TABLES["CONTHIST"].column_names
REF_LENGTH = TABLES["CONTHIST"].column("REF").length  # type: ignore[union-attr]

RESPONSES = (("BNG", "O", "Bingo card"), ("EML", "MI", "E-mail enquiry"), ("PHN", "CI", "Phone enquiry"),
             ("BCD", "O", "Business card"))
STATUS_CHECK_DAYS = {"Selected": 91, "Small": 30, "Large": 7}
VISIT_DAYS = {"Large": 91, "Small": 182}
# (type, ACTVCODE, subject, weight) of everyday history.
BULK = (("C", "CAL", "Call", 30), ("CC", "CAL", "Call back", 10), ("CI", "PHN", "Incoming call", 8),
        ("A", "MTG", "Meeting", 8), ("A", "DEM", "Demonstration", 4), ("MO", "EML", "E-mail sent", 14),
        ("MI", "EML", "E-mail received", 10), ("O", "LIT", "Literature sent", 6),
        ("O", "BNG", "Bingo card", 2), ("T", "QTE", "Quotation prepared", 4), ("D", "LIT", "To-do", 4))
_BULK_DRAW = tuple((kind, code, subject) for kind, code, subject, weight in BULK for _ in range(weight))
_TIMES = tuple(f"{hour:02d}:{minute:02d}" for hour in range(8, 18) for minute in range(0, 60, 5))
TOPICS = ("pricing", "delivery", "SF-200 demo", "calibration", "service contract", "spares",
          "software update", "training", "site survey", "upgrade options")


def rectype(kind: str, successful: bool = True, private: bool = False) -> str:
    """CONTHIST's composite RECTYPE: type padded to 2, then ' ' or `U`, then `P` when private."""
    return kind.ljust(2) + (" " if successful else "U") + ("P" if private else "")


class _Summary:
    """What CONTACT2 needs from one account's history (reference checklist 4.8)."""

    __slots__ = ("latest", "contact", "attempt")

    def __init__(self) -> None:
        self.latest: tuple[Any, ...] = ()
        self.contact: tuple[Any, ...] = ()
        self.attempt: tuple[Any, ...] = ()

    def see(self, row: tuple[Any, ...]) -> None:
        # Written in date order, each C/A row was the latest when it was written, so the last
        # contact and attempt are simply the latest successful and unsuccessful C/A rows.
        key = (row[4], row[21])
        if not self.latest or key > (self.latest[4], self.latest[21]):
            self.latest = row
        if row[2] in ("C", "A"):
            slot = "attempt" if row[3][2:3] == "U" else "contact"
            current = getattr(self, slot)
            if not current or key > (current[4], current[21]):
                setattr(self, slot, row)


def history_rows(sample: Sample) -> Iterator[tuple[Any, ...]]:
    ids = RecidStream(RECID_SLOTS["CONTHIST"])
    summaries: dict[int, _Summary] = {}
    for account in sample.accounts:
        budget = sample.history_budget(account.index)
        if not budget:
            continue
        rng = account.rng(sample.seed, "history")
        summary = summaries[account.index] = _Summary()
        specials = list(_specials(sample, account, rng))[:budget]
        for spec in specials:
            row = _row(ids, account, *spec)
            summary.see(row)
            yield row
        for _ in range(budget - len(specials)):
            row = _row(ids, account, *_everyday(sample, account, rng))
            summary.see(row)
            yield row
    sample._contact2_summary = summaries  # type: ignore[assignment]


def _row(ids: RecidStream, a: SampleAccount, kind: str, day: dt.date, ontime: str, code: str,
         result: str, subject: str, user: str, oc: str = "", loprecid: str = "", duration: str = "",
         units: str = "", notes: str | None = None, successful: bool = True,
         private: bool = False) -> tuple[Any, ...]:
    midnight = at(day)
    when = midnight + dt.timedelta(hours=int(ontime[:2]), minutes=int(ontime[3:5]))
    composite = rectype(kind, successful, private)
    return (user, a.accountno, kind[0], composite, midnight, ontime, code, result,
            " 1" if notes else " 0", duration, units, cut_ref(subject, oc, REF_LENGTH), notes, "", loprecid,
            user, midnight, ontime, user, midnight, ontime, ids(when, user), "", "", None, None)


def _specials(sample: Sample, a: SampleAccount, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for opp in a.opportunities:
        if opp.closed is not None:
            won = opp.stage == "Order Received"
            result = {"Order Received": "WON", "Lost": "LST"}.get(opp.stage, "CAN")
            yield ("S", opp.closed, office_time(rng), opp.cycle, result, opp.product, a.sm, "",
                   opp.recid, str(int(opp.amount))[:8], str(opp.units), None, won)
    interval = STATUS_CHECK_DAYS.get(a.tier) if a.kind in ("Customer", "Distributor") else None
    if interval:
        latest = sample.today - dt.timedelta(days=rng.randint(1, int(interval * 1.3)))
        for day in (latest - dt.timedelta(days=interval), latest):
            yield ("C", day, office_time(rng), "STC", "OK", "Status check call", a.sm)
    visit = VISIT_DAYS.get(a.tier) if a.kind == "Distributor" else None
    if visit:
        day = sample.today - dt.timedelta(days=rng.randint(10, visit + 30))
        yield ("A", day, "10:00", "VIS", "OK", "Distributor visit", a.sm, "", "", "02:00:00")
    if a.index % 4 == 1 or (a.kind in ("Prospect", "Suspect") and a.index % 3 == 0):
        code, kind, label = RESPONSES[(a.index // 4) % 4]
        person = rng.choice(a.people)
        day = sample.today - dt.timedelta(days=rng.randint(0, 13))
        subject = f"{label}: {rng.choice(TOPICS)}"
        yield (kind, day, office_time(rng), code, "", subject, SALES_ADMIN,
               "" if person.primary else person.name)


def _everyday(sample: Sample, a: SampleAccount, rng: random.Random) -> tuple[Any, ...]:
    """One row of everyday history; the hot path of a million rows, so one draw per choice."""
    pick = rng.random
    kind, code, subject = _BULK_DRAW[int(pick() * len(_BULK_DRAW))]
    first = a.created.date()
    span = (sample.today - first).days - 15
    day = first + dt.timedelta(days=int(pick() * (span + 1))) if span > 0 else first
    successful = kind not in ("C", "CC") or pick() > 0.2
    result = ("OK", "INT", "SNT")[int(pick() * 3)] if successful else ("NA", "LVM")[int(pick() * 2)]
    people = a.people
    person = people[int(pick() * len(people))]
    topic = TOPICS[int(pick() * len(TOPICS))]
    notes = f"Discussed {topic} with {person.first}." if pick() < 0.1 else None
    duration = f"00:{1 + int(pick() * 45):02d}:00" if kind[0] in "CA" else ""
    return (kind, day, _TIMES[int(pick() * len(_TIMES))], code, result, f"{subject} re {topic}",
            a.sm, "" if person.primary else person.name, "", duration, "", notes, successful,
            pick() < 0.03)


def contact2_rows(sample: Sample) -> Iterator[dict[str, Any]]:
    """One CONTACT2 row per account with the summary fields refreshed as checklist 4.8 says."""
    if sample._contact2_summary is None:
        for _ in history_rows(sample):
            pass
    summaries = sample._contact2_summary or {}
    pending: dict[str, list[dict[str, Any]]] = {}
    for row in calendar(sample):
        pending.setdefault(row["ACCOUNTNO"], []).append(row)
    ids = RecidStream(RECID_SLOTS["CONTACT2"])
    for a in sample.accounts:
        cal = sorted(pending.get(a.accountno, ()), key=lambda r: (r["RECTYPE"], r["ONDATE"],
                                                                 r["ONTIME"], r["USERID"], r["RECID"]))
        row: dict[str, Any] = {"ACCOUNTNO": a.accountno, "RECID": ids(a.created, a.sm),
                               "NEXTACTION": cal[0]["REF"] if cal else "", "COMMENTS": "",
                               "CALLBKFREQ": 0}
        row |= _first(cal, "T", "ACTIONON") | _first(cal, "S", "CLOSEDATE")
        row |= _first(cal, "A", "MEETDATEON", "MEETTIMEAT") | _first(cal, "C", "CALLBACKON", "CALLBACKAT")
        summary = summaries.get(a.index)
        row["PREVRESULT"] = subject_of(summary.latest[11]) if summary and summary.latest else ""
        for name, found in (("LASTCONT", summary and summary.contact),
                            ("LASTATMP", summary and summary.attempt)):
            row[f"{name}ON"] = found[4] if found else None
            row[f"{name}AT"] = twelve_hour(found[5]) if found else ""
        for n in range(1, 11):
            row[f"USERDEF{n:02d}"] = ""
        yield fit("CONTACT2", row)


def _first(cal: list[dict[str, Any]], rectype: str, on: str, at_column: str = "") -> dict[str, Any]:
    match = next((r for r in cal if r["RECTYPE"] == rectype), None)
    values: dict[str, Any] = {on: match["ONDATE"] if match else None}
    if at_column:
        ontime = match["ONTIME"] if match else ""
        values[at_column] = twelve_hour(ontime) if match else ""
    return values
