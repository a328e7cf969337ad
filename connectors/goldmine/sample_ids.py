"""Identifiers in GoldMine's OWN forms, for the sample database.

The sample must look like a database GoldMine wrote, so that tests prove goldheat copes with real
ids and never mistakes them for its own (goldheat's RECIDs are exactly a 3-character prefix plus
12 of `A-Z0-9`; see `ids.py`).

RECID (15): 7 base-36 characters of the creation time (so RECIDs sort roughly by time, as
GoldMine's do), one of `#$%&`, 5 scrambled base-36 characters of a running number (unique within
one sample), and a 2-character per-user suffix of punctuation, e.g. `GXZDVN2#SIYUT&@`. Every RECID
therefore holds punctuation, which goldheat's generator never produces.

ACCOUNTNO (20), reference section 3: decade letter + year digit + MMDD, 5 digits of seconds since
midnight, 6 random printable characters (quotes, backslashes and spaces included, as GoldMine's
do), then the first 3 characters of the name.
"""

from __future__ import annotations

import datetime as dt
import random
import string

_BASE36 = string.digits + string.ascii_uppercase
_EPOCH = dt.datetime(1980, 1, 1)
_COUNTER_SPACE = 36 ** 5
_SCRAMBLE = 16_777_619  # odd and prime to 2 and 3, so n -> n * k mod 36**5 is a bijection
_MIDDLE = "#$%&"
_SUFFIX_CHARS = "&@!$"
# Mostly letters and digits, with GoldMine's punctuation; space, quote and backslash now and then.
_RANDOM_PART = string.ascii_uppercase * 2 + string.digits * 2 + "&:;!#$%()*+,-./<=>?@[]^_{|}~ '\\"


_TRIPLES = tuple(a + b + c for a in _BASE36 for b in _BASE36 for c in _BASE36)


def base36(number: int, width: int) -> str:
    """The lowest `width` base-36 digits of `number`, three digits per lookup (a hot path)."""
    digits = ""
    while len(digits) < width:
        number, rest = divmod(number, 46_656)
        digits = _TRIPLES[rest] + digits
    return digits[-width:]


def user_suffix(user: str) -> str:
    """The per-user tail of a RECID: two punctuation characters derived from the user name."""
    total = sum(ord(c) * (i + 1) for i, c in enumerate(user or "MASTER"))
    return _SUFFIX_CHARS[total % 4] + _SUFFIX_CHARS[(total // 4) % 4]


class RecidStream:
    """RECIDs for one table of one sample: slot k numbers its rows from k * SLOT_SIZE.

    Each table has its own stream, so a table's rows get the same RECIDs however often and in
    whatever order the sample is generated, and no two tables share a RECID.
    """

    SLOT_SIZE = 3_000_000

    def __init__(self, slot: int) -> None:
        if (slot + 1) * self.SLOT_SIZE > _COUNTER_SPACE:
            raise ValueError(f"no RECID slot {slot}")
        self._next = slot * self.SLOT_SIZE
        self._end = self._next + self.SLOT_SIZE

    def __call__(self, created: dt.datetime, user: str = "") -> str:
        count = self._next
        if count >= self._end:
            raise OverflowError("the sample ran out of RECIDs for a table")
        self._next += 1
        seconds = max(0, int((created - _EPOCH).total_seconds()))
        time_part = base36(seconds * 36 + count % 36, 7)
        serial = base36((count + 1) * _SCRAMBLE % _COUNTER_SPACE, 5)
        return time_part + _MIDDLE[count % 4] + serial + user_suffix(user)


class AccountNumbers:
    """Deterministic, unique ACCOUNTNOs for one sample (same seed, same numbers)."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(f"accountno:{seed}")
        self._seen: set[str] = set()

    def __call__(self, created: dt.datetime, name: str) -> str:
        decade = chr(ord("A") + (created.year - 2000) // 10)
        head = f"{decade}{created.year % 10}{created:%m%d}"
        seconds = f"{created.hour * 3600 + created.minute * 60 + created.second:05d}"
        tail = (name or "")[:3].ljust(3)
        while True:
            random_part = "".join(self._random.choice(_RANDOM_PART) for _ in range(6))
            candidate = head + seconds + random_part + tail
            if candidate not in self._seen:
                self._seen.add(candidate)
                return candidate
