"""Incremental reads: what changed since a cursor, missing nothing and repeating nothing.

GoldMine stamps rows with LASTDATE + LASTTIME to the minute, in the writer's clock (reference §5).
So a read starts `overlap` minutes before the watermark and drops rows whose "RECID:hash" the
cursor has already seen; rows written in the same minute as the watermark (or by a writer whose
clock lags by less than the overlap) are read again but returned only once, and a row that
changes again is returned again because its hash differs.

Each batch is one SELECT: `LASTDATE >= ? AND (LASTDATE > ? OR LASTTIME >= ?)` ordered by
LASTDATE, LASTTIME, RECID, a range on the LASTDATE index (CNHLSDT on CONTHIST), so its cost
depends on the rows after the cursor, not on the size of the table. The batch fetches
`limit + len(seen)` rows, so even a window full of already-seen rows always makes progress.

OPMGR has no audit columns, so opportunities are compared by hash over the header and its
OPMGRFLD fields (two reads of the opportunity tables per batch); the cursor's `seen` then holds
every opportunity's current hash. Deletes and completed CAL rows leave no stamp (§5 blind spots).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connectors.goldmine.dialect import SqlDialect
from connectors.goldmine.records import ChangeCursor
from connectors.goldmine.rows import row_hash, s
from connectors.goldmine.stamps import parse_watermark

Row = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Batch:
    rows: list[Row]  # the new or changed rows, in watermark order
    cursor: ChangeCursor


def entry(row: Row, key: str = "RECID") -> str:
    return f"{s(row, key)}:{row_hash(row)}"


def window_start(cursor: ChangeCursor, overlap_minutes: int) -> tuple[dt.date, str] | None:
    """Where the next read starts: `overlap` before the watermark (None: from the beginning)."""
    if cursor.lastdate is None:
        return None
    start = parse_watermark(cursor.lastdate, cursor.lasttime) - dt.timedelta(minutes=overlap_minutes)
    return start.date(), start.strftime("%H:%M")


def fetch_size(cursor: ChangeCursor, limit: int) -> int:
    return limit + len(cursor.seen)


def query(dialect: SqlDialect, table: str, columns: Sequence[str], start: tuple[dt.date, str] | None,
          fetch: int) -> tuple[str, list[Any]]:
    """One batch of `table` rows at or after `start`, in watermark order."""
    lasttime = "COALESCE(LASTTIME, '')"
    if start is None:
        where, params = "LASTDATE IS NOT NULL", []
    else:
        day = dialect.date_param(start[0])
        where, params = f"LASTDATE >= ? AND (LASTDATE > ? OR {lasttime} >= ?)", [day, day, start[1]]
    sql = (f"SELECT {', '.join(columns)} FROM {table} WHERE {where} "
           f"ORDER BY LASTDATE, {lasttime}, RECID")
    return dialect.limit(sql, fetch), params


def _stamp(row: Row) -> dt.datetime:
    day = SqlDialect.read_date(row.get("LASTDATE")) or dt.date.min
    return parse_watermark(day, s(row, "LASTTIME"))


def advance(cursor: ChangeCursor, rows: Sequence[Row], *, limit: int, fetch: int,
            overlap_minutes: int) -> Batch:
    """The unseen rows of a fetched batch (at most `limit`) and the cursor after them."""
    returned: list[Row] = []
    processed = 0
    for row in rows:
        processed += 1
        if entry(row) not in cursor.seen:
            returned.append(row)
            if len(returned) == limit:
                break
    prefix = rows[:processed]
    # Rows beyond the processed prefix were not looked at: keep their old entries.
    partial = processed < len(rows) or len(rows) >= fetch
    old = parse_watermark(cursor.lastdate, cursor.lasttime) if cursor.lastdate else None
    stamps = [_stamp(r) for r in prefix]
    last = max([t for t in (old, *stamps) if t is not None], default=None)
    if last is None:
        return Batch(returned, cursor)
    floor = last - dt.timedelta(minutes=overlap_minutes)
    seen = {entry(r) for r, t in zip(prefix, stamps) if t >= floor}
    if partial:
        looked_at = {s(r, "RECID") for r in prefix}
        seen |= {e for e in cursor.seen if e.rsplit(":", 1)[0] not in looked_at}
    new_cursor = ChangeCursor(lastdate=last.date(), lasttime=last.strftime("%H:%M"), seen=frozenset(seen))
    return Batch(returned, new_cursor)


def advance_by_hash(cursor: ChangeCursor, current: Mapping[str, str], *,
                    limit: int) -> tuple[list[str], ChangeCursor]:
    """For tables without audit columns: the keys whose hash is new (at most `limit`, in key
    order) and the cursor holding every current key's hash that has been returned."""
    known = {e.rsplit(":", 1)[0]: e for e in cursor.seen}
    changed = [key for key in sorted(current) if known.get(key) != f"{key}:{current[key]}"]
    returned = changed[:limit]
    seen = {known[k] for k in current if k in known and k not in returned}
    seen |= {f"{k}:{current[k]}" for k in returned}
    return returned, ChangeCursor(lastdate=cursor.lastdate, lasttime=cursor.lasttime, seen=frozenset(seen))
