"""Pure builders for ISM OData paths and query options (reference/heat.md §2.2).

ISM understands only `eq ne lt le gt ge and or` in `$filter`; a function such as `contains(...)`
is silently ignored and the query returns *everything*, which would make a lookup match the wrong
record. So filters are built from (field, operator, value) triples: field names must be plain
identifiers, values become literals with ISM's syntax (strings quoted with `'` doubled, numbers,
booleans and dates bare, None as `'$NULL'`), and hand-written filter text is checked by
`check_filter`, which refuses functions and unknown operators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from config.errors import RecordError

MAX_TOP = 100
RECORD_KEY = "RecId"
OPERATORS = frozenset({"eq", "ne", "lt", "le", "gt", "ge"})
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REC_ID = re.compile(r"^[0-9A-Fa-f]{32}$")
_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<paren>[()])|(?P<word>[^\s()']+))")


@dataclass(frozen=True, slots=True)
class Filter:
    """A `$filter` expression that is known to be well formed; `str()` gives the text."""

    text: str

    def __str__(self) -> str:
        return self.text

    def __and__(self, other: Filter) -> Filter:
        return all_of(self, other)

    def __or__(self, other: Filter) -> Filter:
        return any_of(self, other)


def field_name(name: str) -> str:
    """The name, when it is a plain identifier (names go into URLs and filters unquoted)."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ValueError(f"not an OData field name: {name!r}")
    return name


def literal(value: object) -> str:
    """An OData literal in ISM's syntax; strings always quoted with `'` doubled, so they cannot
    end the literal early and inject an operator."""
    if value is None:
        return "'$NULL'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinity have no OData literal")
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: give a time zone")
        utc = value.astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
        return utc.isoformat() + "Z"  # unquoted: datetime'...' gives 400
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no OData literal for {type(value).__name__}")


def compare(name: str, operator: str, value: object) -> Filter:
    if operator not in OPERATORS:
        raise ValueError(f"ISM does not support the operator {operator!r}")
    return Filter(f"{field_name(name)} {operator} {literal(value)}")


def eq(name: str, value: object) -> Filter:
    return compare(name, "eq", value)


def _join(word: str, filters: Sequence[Filter]) -> Filter:
    if not filters:
        raise ValueError(f"'{word}' needs at least one filter")
    if len(filters) == 1:
        return filters[0]
    return Filter(f" {word} ".join(f"({f.text})" if " or " in f.text else f.text for f in filters))


def all_of(*filters: Filter) -> Filter:
    """Conjunction; an `or` operand is parenthesised so precedence never changes the meaning."""
    return _join("and", filters)


def any_of(*filters: Filter) -> Filter:
    return _join("or", filters)


def check_filter(text: str) -> Filter:
    """Accept hand-written filter text only if it uses ISM's operators and no functions."""
    expect_operand, depth, pos = True, 0, 0
    stripped = text.strip()
    if not stripped:
        raise ValueError("empty $filter")
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if not match or match.end() == pos:
            raise ValueError(f"unterminated string or bad token in $filter at {pos}")
        pos = match.end()
        word, paren = match.group("word"), match.group("paren")
        nxt = _TOKEN.match(stripped, pos)
        if word and nxt and nxt.group("paren") == "(" and _IDENTIFIER.match(word):
            raise ValueError(f"ISM ignores functions in $filter (returns every record): {word}(...)")
        if paren:
            depth += 1 if paren == "(" else -1
            if depth < 0:
                raise ValueError("unbalanced parentheses in $filter")
        elif word and word.lower() in ("and", "or"):
            expect_operand = True
        elif word and word.lower() == "not":
            raise ValueError("ISM does not support 'not' in $filter")
        elif word and not expect_operand and word.lower() not in OPERATORS:
            raise ValueError(f"ISM does not support the operator {word!r}")
        else:
            expect_operand = bool(word and word.lower() in OPERATORS)
    if depth:
        raise ValueError("unbalanced parentheses in $filter")
    return Filter(stripped)


def query(*, filter: Filter | None = None, select: Iterable[str] = (), top: int = MAX_TOP,
          skip: int = 0, orderby: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Query options for a collection GET. `$top` is always sent: the server default is unknown."""
    if not 1 <= top <= MAX_TOP:
        raise ValueError(f"$top must be 1..{MAX_TOP}, not {top} (101 gives 400 ISM_4000)")
    if skip < 0:
        raise ValueError("$skip cannot be negative")
    params = {"$top": str(top)}
    if skip:
        params["$skip"] = str(skip)
    if filter is not None:
        params["$filter"] = filter.text
    names = [field_name(n) for n in select]
    if names:
        params["$select"] = ",".join(dict.fromkeys(names))
    order = []
    for name, direction in orderby:
        # A bad field or direction gets 204 with no body: refuse it here instead.
        if direction not in ("asc", "desc"):
            raise ValueError(f"$orderby direction must be asc or desc, not {direction!r}")
        order.append(f"{field_name(name)} {direction}")
    if order:
        params["$orderby"] = ",".join(order)
    return params


def rec_id(value: str) -> str:
    """A RecId (32 hex characters): checked because it goes into a URL path."""
    if not isinstance(value, str) or not _REC_ID.match(value):
        raise RecordError("not a HEAT RecId (32 hexadecimal characters)", system="heat",
                          key=str(value)[:40], field=RECORD_KEY)
    return value.upper()


def collection_path(entity_set: str) -> str:
    return f"odata/businessobject/{field_name(entity_set)}"


def record_path(entity_set: str, record_id: str) -> str:
    return f"{collection_path(entity_set)}('{rec_id(record_id)}')"
