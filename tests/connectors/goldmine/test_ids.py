"""RECID and ACCOUNTNO generators: GoldMine's shapes, goldheat's space."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from connectors.goldmine import ids

UTC = dt.timezone.utc


def test_new_recid_is_15_upper_alphanumerics_with_the_prefix():
    recid = ids.new_recid("GHT", dt.datetime(2026, 11, 29, 4, 0, tzinfo=UTC))
    assert re.fullmatch(r"GHT[0-9A-Z]{12}", recid)


def test_new_recids_sort_by_time():
    early = ids.new_recid("GHT", dt.datetime(2026, 1, 1, tzinfo=UTC), randbelow=lambda n: n - 1)
    late = ids.new_recid("GHT", dt.datetime(2026, 1, 1, 0, 0, 0, 1000, tzinfo=UTC), randbelow=lambda n: 0)
    assert early < late


def test_new_recid_time_part_is_milliseconds_since_2000_in_base36():
    recid = ids.new_recid("ABC", dt.datetime(2000, 1, 1, 0, 0, 1, tzinfo=UTC), randbelow=lambda n: 0)
    assert recid == "ABC" + "000000RS" + "0000"  # 1000 ms = 'RS' in base 36


def test_new_recid_needs_an_aware_time():
    with pytest.raises(ValueError):
        ids.new_recid("GHT", dt.datetime(2026, 1, 1))


@pytest.mark.parametrize("prefix", ["GH", "ght", "G T", "GHTX"])
def test_a_bad_prefix_is_refused(prefix):
    with pytest.raises(ValueError):
        ids.keyed_recid(prefix, "x")


def test_keyed_recid_is_deterministic_and_distinct_per_key():
    one = ids.keyed_recid("GHT", "cadence:ACC1:STC")
    assert one == ids.keyed_recid("GHT", "cadence:ACC1:STC")
    assert one != ids.keyed_recid("GHT", "cadence:ACC2:STC")
    assert re.fullmatch(r"GHT[0-9A-Z]{12}", one)


def test_goldmine_recids_are_outside_goldheat_space():
    assert ids.is_goldheat_recid(ids.keyed_recid("GHT", "k"), "GHT")
    assert not ids.is_goldheat_recid("GXZDVN2#SIYUT&@", "GHT")
    assert not ids.is_goldheat_recid("GHTXZDVN2#SIYUT", "GHT")


def test_base36_pads_and_wraps():
    assert ids.base36(35, 2) == "0Z"
    assert ids.base36(36**3 + 1, 2) == "01"


def test_accountno_follows_goldmine_layout():
    number = ids.new_accountno("Katherine Ltd", dt.datetime(2015, 1, 26, 13, 13, 34), randbelow=lambda n: 10)
    assert number == "B5012647614AAAAAAKat"
    assert len(number) == ids.ACCOUNTNO_LENGTH


@pytest.mark.parametrize(("year", "letter"), [(2009, "A"), (2015, "B"), (2026, "C")])
def test_decade_letter(year, letter):
    assert ids.decade_letter(year) == letter


def test_accountno_pads_short_names():
    assert ids.new_accountno("X", dt.datetime(2026, 3, 4, 0, 0, 5))[-3:] == "X  "
