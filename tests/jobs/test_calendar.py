"""Working days per site (UK holidays by default, Easter and substitute days included) and wall-clock stamps."""

from __future__ import annotations

import datetime as dt

import pytest

from config.errors import ConfigurationError
from config.settings import SiteSettings
from jobs.calendar import BusinessCalendar

D = dt.date
ENGLAND = BusinessCalendar("GB", "ENG", "Europe/London")


@pytest.mark.parametrize(("day", "working"), [
    (D(2026, 4, 2), True),     # Thursday before Easter
    (D(2026, 4, 3), False),    # Good Friday
    (D(2026, 4, 6), False),    # Easter Monday
    (D(2027, 3, 26), False),   # Good Friday, a different week the next year
    (D(2027, 3, 29), False),   # Easter Monday
    (D(2026, 5, 4), False),    # Early May bank holiday
    (D(2026, 5, 25), False),   # Spring bank holiday
    (D(2026, 8, 31), False),   # Summer bank holiday
    (D(2026, 12, 25), False),
    (D(2026, 12, 28), False),  # Boxing Day falls on a Saturday: substitute Monday
    (D(2027, 12, 27), False),  # Christmas on a Saturday: substitute Monday
    (D(2027, 12, 28), False),  # Boxing Day on a Sunday: substitute Tuesday
    (D(2026, 11, 28), False),  # Saturday
    (D(2026, 11, 29), False),  # Sunday
    (D(2026, 11, 30), True),
    (D(2028, 2, 29), True),    # leap day, a Tuesday
    (D(2026, 1, 2), True),     # a holiday in Scotland, not in England
])
def test_working_days_in_england(day: dt.date, working: bool) -> None:
    assert ENGLAND.is_business_day(day) is working


def test_subdivision_changes_the_holidays() -> None:
    scotland = BusinessCalendar("GB", "SCT")
    assert not scotland.is_business_day(D(2026, 1, 2))
    assert scotland.holiday(D(2026, 1, 2))


@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 11, 30), D(2026, 11, 30)),   # a working day stays
    (D(2026, 11, 28), D(2026, 11, 30)),   # Saturday -> Monday
    (D(2026, 4, 3), D(2026, 4, 7)),       # Good Friday -> Tuesday after Easter Monday
    (D(2026, 12, 25), D(2026, 12, 29)),   # Christmas -> past the substitute Boxing Day
    (D(2027, 12, 25), D(2027, 12, 29)),
    (D(2026, 12, 31), D(2026, 12, 31)),   # year end, a Thursday
    (D(2027, 1, 1), D(2027, 1, 4)),       # New Year's Day, Friday -> Monday
])
def test_next_business_day(day: dt.date, expected: dt.date) -> None:
    assert ENGLAND.next_business_day(day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 4, 6), D(2026, 4, 2)),       # Easter Monday -> the Thursday before Good Friday
    (D(2026, 11, 29), D(2026, 11, 27)),
])
def test_previous_business_day(day: dt.date, expected: dt.date) -> None:
    assert ENGLAND.previous_business_day(day) == expected


@pytest.mark.parametrize(("day", "count", "expected"), [
    (D(2026, 11, 30), 0, D(2026, 11, 30)),
    (D(2026, 11, 28), 0, D(2026, 11, 30)),
    (D(2026, 11, 27), 2, D(2026, 12, 1)),   # Friday + 2 skips the weekend
    (D(2026, 4, 2), 1, D(2026, 4, 7)),      # over Easter
    (D(2026, 12, 23), 2, D(2026, 12, 29)),  # over Christmas and the substitute day
    (D(2026, 12, 17), 5, D(2026, 12, 24)),
    (D(2026, 12, 17), 10, D(2027, 1, 5)),   # over Christmas and New Year
    (D(2028, 2, 25), 2, D(2028, 2, 29)),    # into the leap day
    (D(2026, 1, 30), 1, D(2026, 2, 2)),     # over a month end
])
def test_add_business_days(day: dt.date, count: int, expected: dt.date) -> None:
    assert ENGLAND.add_business_days(day, count) == expected


@pytest.mark.parametrize(("day", "days", "expected"), [
    (D(2026, 1, 31), 30, D(2026, 3, 2)),    # Jan 31 + 30 = Mar 2 in a common year
    (D(2028, 1, 31), 29, D(2028, 2, 29)),   # ... and the leap day in a leap year
    (D(2027, 2, 28), 1, D(2027, 3, 1)),
    (D(2026, 11, 25), 30, D(2026, 12, 29)), # lands on Christmas -> after the holidays
    (D(2026, 2, 20), 42, D(2026, 4, 7)),    # lands on Good Friday
])
def test_due_after_moves_to_a_working_day(day: dt.date, days: int, expected: dt.date) -> None:
    assert ENGLAND.due_after(day, days) == expected


def test_add_business_days_refuses_negative_counts() -> None:
    with pytest.raises(ValueError):
        ENGLAND.add_business_days(D(2026, 1, 5), -1)


@pytest.mark.parametrize(("moment", "expected"), [
    (dt.datetime(2026, 1, 15, 9, 5, tzinfo=dt.UTC), (D(2026, 1, 15), "09:05")),      # GMT
    (dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC), (D(2026, 7, 2), "00:30")),      # BST: next day
    (dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC), (D(2026, 3, 29), "00:59")),     # before the change
    (dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC), (D(2026, 3, 29), "02:00")),      # clocks go forward
    (dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC), (D(2026, 10, 25), "01:30")),   # first 01:30
    (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), (D(2026, 10, 25), "01:30")),   # the repeated hour
])
def test_goldmine_stamp_is_the_sites_wall_clock(moment: dt.datetime, expected: tuple[dt.date, str]) -> None:
    assert ENGLAND.goldmine_stamp(moment) == expected


def test_goldmine_stamp_needs_an_aware_time() -> None:
    with pytest.raises(ValueError):
        ENGLAND.goldmine_stamp(dt.datetime(2026, 1, 1, 12, 0))


def test_from_site_settings() -> None:
    calendar = BusinessCalendar.from_site(SiteSettings(timezone="America/New_York", holidays_country="US",
                                                       holidays_subdivision=None))
    assert not calendar.is_business_day(D(2026, 7, 3))  # Independence Day observed (Friday)
    assert calendar.goldmine_stamp(dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)) == (D(2026, 1, 14), "22:00")


@pytest.mark.parametrize(("kwargs", "setting"), [
    ({"country": "XX"}, "GOLDHEAT_SITE__HOLIDAYS_COUNTRY"),
    ({"timezone": "Mars/Olympus"}, "GOLDHEAT_SITE__TIMEZONE"),
])
def test_a_wrong_site_setting_is_named(kwargs: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        BusinessCalendar(**kwargs)
    assert caught.value.setting == setting
