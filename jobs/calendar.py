"""Business days, month arithmetic and GoldMine's way of storing times, for one site.

Every date a job schedules lands on a working day of the site (weekends and the public holidays of
`settings.site.holidays_country`/`holidays_subdivision`, from the maintained `holidays` library, so
Easter and substitute bank holidays are right every year without a table of our own). Times are
the site's wall clock: GoldMine stores a date at midnight plus a separate 'HH:MM' string in the
writer's local time, so a UTC instant is converted to the site zone before it is split.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from config.errors import ConfigurationError
from config.settings import SiteSettings

_WEEKEND = (5, 6)
_MAX_SCAN_DAYS = 60  # no real calendar has this many non-working days in a row


class BusinessCalendar:
    """Working days of one site; pure apart from the holiday table it loads lazily."""

    def __init__(self, country: str = "GB", subdivision: str | None = "ENG",
                 timezone: str = "Europe/London") -> None:
        self.country = country
        self.subdivision = subdivision
        try:
            self.tz = ZoneInfo(timezone)
        except Exception:
            raise ConfigurationError(f"unknown time zone {timezone!r}",
                                     setting="GOLDHEAT_SITE__TIMEZONE") from None
        self._holidays  # noqa: B018 - fail at construction, naming the setting, not at first use

    @classmethod
    def from_site(cls, site: SiteSettings) -> BusinessCalendar:
        return cls(site.holidays_country, site.holidays_subdivision, site.timezone)

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        try:
            return holidays.country_holidays(self.country, subdiv=self.subdivision)
        except NotImplementedError:
            raise ConfigurationError(
                f"no holiday calendar for country {self.country!r} subdivision {self.subdivision!r}",
                setting="GOLDHEAT_SITE__HOLIDAYS_COUNTRY") from None

    def holiday(self, day: dt.date) -> str | None:
        """The holiday's name, or None."""
        return self._holidays.get(day)

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() not in _WEEKEND and day not in self._holidays

    def next_business_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first one after it."""
        return self._scan(day, 1)

    def previous_business_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the last one before it."""
        return self._scan(day, -1)

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (count 0: `day` or the next working day)."""
        if count < 0:
            raise ValueError("add_business_days counts forwards only")
        current = day if count else self.next_business_day(day)
        for _ in range(count):
            current = self.next_business_day(current + dt.timedelta(days=1))
        return current

    def due_after(self, day: dt.date, days: int) -> dt.date:
        """`days` calendar days after `day`, moved forward to a working day."""
        return self.next_business_day(day + dt.timedelta(days=days))

    def _scan(self, day: dt.date, step: int) -> dt.date:
        current = day
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_business_day(current):
                return current
            current += dt.timedelta(days=step)
        raise ConfigurationError(f"no working day within {_MAX_SCAN_DAYS} days of {day}",
                                 setting="GOLDHEAT_SITE__HOLIDAYS_COUNTRY")

    # --- the site's wall clock ------------------------------------------------------------------

    def local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("an aware datetime is needed to place it in the site's zone")
        return moment.astimezone(self.tz)

    def goldmine_stamp(self, moment: dt.datetime) -> tuple[dt.date, str]:
        """(date, 'HH:MM') as GoldMine stores it: the site's local date and 24-hour time."""
        local = self.local(moment)
        return local.date(), f"{local:%H:%M}"

