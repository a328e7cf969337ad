"""GoldMine's way of writing who and when: a user, a date at midnight and an 'HH:MM' string.

GoldMine stores local wall-clock time of the writer (reference §1), so goldheat converts its
(UTC, injectable) clock to `GOLDHEAT_GOLDMINE__TIMEZONE` before splitting it into the date and the
time columns. CONTACT2's summary times are the one 12-hour, space-padded exception (`' 2:30pm'`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True, slots=True)
class Stamp:
    """One moment as GoldMine writes it: user, local date and 'HH:MM' (plus the instant itself)."""

    user: str
    instant: dt.datetime  # aware, UTC
    local: dt.datetime  # aware, in GoldMine's time zone

    @property
    def date(self) -> dt.date:
        return self.local.date()

    @property
    def time(self) -> str:
        return self.local.strftime("%H:%M")

    def created(self) -> dict[str, object]:
        """CREATEBY/ON/AT (ON as a date: the dialect binds it as a datetime at midnight)."""
        return {"CREATEBY": self.user, "CREATEON": self.date, "CREATEAT": self.time}

    def last(self) -> dict[str, object]:
        return {"LASTUSER": self.user, "LASTDATE": self.date, "LASTTIME": self.time}


def make_stamp(clock: Clock, timezone: str, user: str) -> Stamp:
    instant = clock()
    if instant.tzinfo is None:
        raise ValueError("the clock must return an aware datetime")
    return Stamp(user=user.upper(), instant=instant.astimezone(dt.timezone.utc),
                 local=instant.astimezone(ZoneInfo(timezone)))


def twelve_hour(hhmm: str) -> str:
    """'14:30' -> ' 2:30pm', '09:05' -> ' 9:05am', '' -> '' (CONTACT2 summary times)."""
    hhmm = (hhmm or "").strip()
    if len(hhmm) < 4 or ":" not in hhmm:
        return ""
    hours, _, minutes = hhmm.partition(":")
    try:
        hour, minute = int(hours), int(minutes[:2])
    except ValueError:
        return ""
    suffix = "am" if hour < 12 else "pm"
    return f"{(hour % 12) or 12:>2}:{minute:02d}{suffix}"


def minutes_before(hhmm: str, minutes: int) -> str:
    """'HH:MM' moved back by `minutes` on the same day (an alarm time); '' stays ''."""
    hhmm = (hhmm or "").strip()
    if not hhmm:
        return ""
    hour, minute = (int(x) for x in hhmm.split(":")[:2])
    total = max(0, hour * 60 + minute - minutes)
    return f"{total // 60:02d}:{total % 60:02d}"


def parse_watermark(date: dt.date, time: str) -> dt.datetime:
    """LASTDATE + LASTTIME as a naive local datetime (for overlap arithmetic)."""
    hhmm = (time or "").strip()[:5]
    try:
        clock_time = dt.time.fromisoformat(hhmm) if len(hhmm) == 5 else dt.time(0, 0)
    except ValueError:
        clock_time = dt.time(0, 0)
    return dt.datetime.combine(date, clock_time)
