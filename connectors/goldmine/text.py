"""What goldheat does with text before it goes into GoldMine's non-Unicode columns.

GoldMine's columns are `varchar`/`text` in the collation's code page, usually Windows-1252, and
nothing but goldheat checks what fits (SQLite stores anything; PostgreSQL and MariaDB refuse the
whole statement). So every value is fitted here, before any SQL runs:

* Characters the code page cannot hold follow `GOLDHEAT_GOLDMINE__UNICODE_POLICY`:
  `replace` transliterates (typographic quotes and dashes to ASCII, accents dropped when the base
  letter fits: `ł` -> `l`, `ő` -> `o`) and writes `?` for anything else, logging the column;
  `reject` raises a RecordError naming table, column and record. Characters that cp1252 holds
  (`é`, `€`, `“`) are kept as they are under both policies.
* Lengths count characters (cp1252 is one byte per character). A value too long is a RecordError
  naming table, column and limit, except free text that GoldMine itself truncates (REF, COMPANY,
  the CONTACT2 summary texts): those are cut and the cut is logged.
* Nothing is escaped: quotes, percent signs and SQL fragments are stored verbatim, because every
  value is a bound parameter.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import structlog

from config.errors import RecordError
from config.settings import UnicodePolicy

log = structlog.get_logger("goldheat.goldmine.text")

# Free-text columns GoldMine truncates itself when a user types too much (per column name).
TRUNCATED_COLUMNS = frozenset({"REF", "COMPANY", "NOTES", "COMMENTS", "PREVRESULT", "NEXTACTION",
                               "FVALUE"})

# Common characters outside cp1252 (or outside a narrower code page) and their nearest ASCII.
_TRANSLITERATIONS = {
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
    "\u2022": "*", "\u2122": "TM", "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d",
    "\u00df": "ss", "\u0131": "i", "\u2116": "No",
}


@dataclass(frozen=True, slots=True)
class TextPolicy:
    """Fits values to GoldMine's columns: the code page, the Unicode policy and the lengths."""

    encoding: str = "cp1252"
    unicode_policy: UnicodePolicy = UnicodePolicy.REPLACE

    def fits_code_page(self, value: str) -> bool:
        try:
            value.encode(self.encoding)
        except UnicodeEncodeError:
            return False
        return True

    def to_code_page(self, value: str, *, table: str, column: str, key: str | None = None) -> str:
        """The value with every character the code page holds; the rest per the policy."""
        if self.fits_code_page(value):
            return value
        if self.unicode_policy is UnicodePolicy.REJECT:
            bad = "".join(sorted({c for c in value if not self.fits_code_page(c)}))
            raise RecordError(
                f"{table}.{column} cannot hold the characters {bad!r} (code page {self.encoding})",
                system="goldmine", operation="write", key=key, field=column,
            )
        replaced = "".join(self._replace(c) for c in value)
        log.warning("goldmine_text_replaced", system="goldmine", key=key, field=f"{table}.{column}")
        return replaced

    def _replace(self, char: str) -> str:
        if self.fits_code_page(char):
            return char
        if char in _TRANSLITERATIONS and self.fits_code_page(_TRANSLITERATIONS[char]):
            return _TRANSLITERATIONS[char]
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base and base != char and self.fits_code_page(base):
            return base
        return "?"

    def fit(self, value: str | None, *, table: str, column: str, length: int | None,
            key: str | None = None, truncate: bool | None = None) -> str:
        """The value ready for TABLE.COLUMN: code page first, then the length.

        `truncate` defaults to the column's kind: cut free text, refuse anything else.
        """
        text = self.to_code_page(value or "", table=table, column=column, key=key)
        if length is None or len(text) <= length:
            return text
        if truncate is None:
            truncate = column.upper() in TRUNCATED_COLUMNS
        if not truncate:
            raise RecordError(
                f"{table}.{column} holds at most {length} characters, got {len(text)}",
                system="goldmine", operation="write", key=key, field=column,
            )
        log.info("goldmine_text_truncated", system="goldmine", key=key, field=f"{table}.{column}",
                 count=len(text) - length)
        return text[:length]


def cut_ref(subject: str, contact: str, length: int) -> str:
    """REF as GoldMine writes it: the subject cut so that `subject + ' (oc: name)'` fits.

    When even the suffix does not fit, the subject is dropped and the suffix itself is cut.
    """
    suffix = f" (oc: {contact.strip()})" if contact.strip() else ""
    room = length - len(suffix)
    if room <= 0:
        return (subject.strip() + suffix)[:length] if not subject.strip() else suffix.strip()[:length]
    return subject.strip()[:room].rstrip() + suffix


def subject_of(ref: str) -> str:
    """The subject part of a REF, before `(oc:` (what CONTACT2.PREVRESULT shows)."""
    head, sep, _ = ref.partition("(oc:")
    return head.rstrip() if sep else ref.rstrip()


def upper(value: str) -> str:
    """The `U_` shadow of a value: upper case without changing the length (`ß` stays one char)."""
    shadow = value.upper()
    return shadow if len(shadow) == len(value) else "".join(c.upper() if len(c.upper()) == 1 else c
                                                           for c in value)
