"""RECID and ACCOUNTNO generators for the rows goldheat writes into GoldMine.

RECID scheme (15 characters, upper-case `A-Z0-9` only, never a space):

    PPP TTTTTTTT RRRR      time-based:  prefix + 8 base-36 digits of milliseconds since
                                        2000-01-01 UTC + 4 random base-36 digits
    PPP HHHHHHHHHHHH       keyed:       prefix + 12 base-36 digits of sha256(key)

`PPP` is the site's configured 3-character prefix (`GOLDHEAT_GOLDMINE__RECID_PREFIX`, default `GHT`).

Why these cannot collide with GoldMine's own RECIDs: GoldMine's `GMW_NewRecID` values start with a
time-ordered code and end in a per-user/site suffix that uses punctuation (`GXZDVN2#SIYUT&@`), so
no GoldMine RECID lies in goldheat's alphabet-and-prefix space once the prefix is one that no
existing RECID starts with (`goldheat check` verifies that). Inside goldheat's own space, time-based
ids differ by millisecond and 36**4 random values; keyed ids are a 62-bit hash of a key that names
one effect. Belt and braces: the writer checks the RECID index before inserting and retries with a
new id on a unique-index violation, so even a chosen-badly prefix costs a retry, never a clash.

Keyed RECIDs make an effect exactly-once: a job derives the RECID from the effect's key, and a
re-run finds the row by its RECID instead of writing a second one.

ACCOUNTNO follows GoldMine's layout (reference §3): decade letter + year digit + MMDD, 5 digits of
seconds since midnight, 6 random characters, the first 3 characters of the name. goldheat draws the
random part from `A-Z0-9` only (GoldMine also uses punctuation) and retries on a `CONTACC` hit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from collections.abc import Callable

ALPHABET = string.digits + string.ascii_uppercase  # base 36, in digit order
RECID_LENGTH = 15
ACCOUNTNO_LENGTH = 20
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
_TIME_DIGITS = 8  # 36**8 ms is about 89 years: good until 2089
_RANDOM_DIGITS = 4
_KEY_DIGITS = 12


def base36(number: int, width: int) -> str:
    """`number` in base 36, zero-padded to `width`; the lowest `width` digits when it is wider."""
    if number < 0:
        raise ValueError("base36 takes a non-negative number")
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 36)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def _check_prefix(prefix: str) -> str:
    if len(prefix) != 3 or any(c not in ALPHABET for c in prefix):
        raise ValueError(f"RECID prefix must be 3 characters A-Z or 0-9, got {prefix!r}")
    return prefix


def new_recid(prefix: str, now: dt.datetime, *, randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A time-ordered RECID: prefix + milliseconds since 2000 (8 base-36) + 4 random base-36."""
    if now.tzinfo is None:
        raise ValueError("new_recid needs an aware datetime")
    millis = int((now - EPOCH).total_seconds() * 1000)
    return _check_prefix(prefix) + base36(millis, _TIME_DIGITS) + base36(randbelow(36**_RANDOM_DIGITS),
                                                                           _RANDOM_DIGITS)


def keyed_recid(prefix: str, key: str) -> str:
    """A deterministic RECID for the effect named by `key`: prefix + 12 base-36 of sha256(key)."""
    digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest(), "big")
    return _check_prefix(prefix) + base36(digest, _KEY_DIGITS)


def is_goldheat_recid(recid: str, prefix: str) -> bool:
    """True for a RECID in goldheat's space (used to skip goldheat's own rows in change feeds)."""
    recid = recid.strip()
    return len(recid) == RECID_LENGTH and recid.startswith(prefix) and all(c in ALPHABET for c in recid)


def decade_letter(year: int) -> str:
    """GoldMine's decade letter: A = 2000s, B = 2010s, C = 2020s ('@' for the 1990s)."""
    return chr(ord("A") + (year - 2000) // 10)


def new_accountno(name: str, local_now: dt.datetime, *,
                  randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """An ACCOUNTNO in GoldMine's layout from the writer's local time and the contact's name."""
    date_part = f"{decade_letter(local_now.year)}{local_now.year % 10}{local_now:%m%d}"
    seconds = local_now.hour * 3600 + local_now.minute * 60 + local_now.second
    random_part = "".join(ALPHABET[randbelow(36)] for _ in range(6))
    name_part = (name.strip() + "   ")[:3]  # case kept, as in GoldMine's `...HKat`
    return f"{date_part}{seconds:05d}{random_part}{name_part}"
