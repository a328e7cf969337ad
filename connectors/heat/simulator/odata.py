"""The OData query subset ISM answers (§2.2), as pure functions over field definitions.

`$filter`: `eq ne lt le gt ge and or` and parentheses; string literals in single quotes with `''`
for a quote; bare numbers, dates and date-times (`2026-01-01`, `…T00:00:00Z`, `…+02:00`); `true`,
`false`, `null` and the string `'$NULL'` (null or blank). `eq`/`ne` on strings ignore case. An
unknown field or a bad literal is a 400 ISM_4000; typed literals like `datetime'…'` too. Function
calls (`contains(Subject,'x')`, `startswith(...) eq true`) are *silently ignored*: they match every
record, as the real server was seen to do. A naive date-time literal is taken as UTC; a quoted
date on a date field is accepted too (the reference only says unquoted works).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.heat.simulator.errors import INVALID_PAYLOAD, IsmError, bad_request
from connectors.heat.simulator.objects import BusinessObject, Field

DEFAULT_TOP = 25
MAX_TOP = 100
OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge")

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<typed>[A-Za-z]+'(?:[^']|'')*')
  | (?P<name>[A-Za-z_$][A-Za-z0-9_#.]*)
  | (?P<punct>[(),])
""", re.VERBOSE)


class _Null:
    def __repr__(self) -> str:
        return "null"


NULL = _Null()


def filter_error(message: str) -> IsmError:
    return bad_request(f"Invalid filter: {message}")


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise filter_error(f"unexpected character at position {pos}")
        pos = match.end()
        if match.lastgroup == "typed":
            raise filter_error(f"typed literal {match.group()!r} is not supported")
        if match.lastgroup != "ws":
            tokens.append((match.lastgroup or "", match.group()))
    return tokens


def parse_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def coerce_literal(fdef: Field, kind: str, raw: str) -> Any:
    """Turn a literal into the comparable value for this field's type, or refuse it (400)."""
    if kind == "string":
        raw = raw[1:-1].replace("''", "'")
        if raw == "$NULL":
            return NULL
    elif kind == "name":
        low = raw.lower()
        if low == "null":
            return NULL
        if low in ("true", "false"):
            raw = low
        else:
            raise filter_error(f"{raw!r} is not a literal")
    try:
        if fdef.type in ("int", "decimal"):
            return Decimal(raw)
        if fdef.type == "bool":
            if raw.lower() in ("true", "1"):
                return True
            if raw.lower() in ("false", "0"):
                return False
            raise ValueError(raw)
        if fdef.type == "datetime":
            return parse_datetime(raw)
    except (ValueError, InvalidOperation):
        raise filter_error(f"{raw!r} is not a valid value for {fdef.name}") from None
    return raw.casefold()


def comparable(fdef: Field, value: Any) -> Any:
    """A stored value in the same form as `coerce_literal` gives (None stays None)."""
    if value is None or value == "":
        return None
    if fdef.type in ("int", "decimal"):
        return Decimal(str(value))
    if fdef.type == "bool":
        return bool(value)
    if fdef.type == "datetime":
        return parse_datetime(value)
    return str(value).casefold()


Predicate = Callable[[dict[str, Any]], bool]


def _compare(fdef: Field, op: str, literal: Any) -> Predicate:
    def test(record: dict[str, Any]) -> bool:
        value = comparable(fdef, record.get(fdef.name))
        if literal is NULL:
            return (value is None) == (op == "eq") if op in ("eq", "ne") else False
        if value is None:
            return op == "ne"
        if isinstance(value, bool) != isinstance(literal, bool) or type(value) is not type(literal):
            value, lit = str(value), str(literal).casefold()
        else:
            lit = literal
        return {"eq": value == lit, "ne": value != lit, "lt": value < lit, "le": value <= lit,
                "gt": value > lit, "ge": value >= lit}[op]
    return test


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], obj: BusinessObject):
        self.tokens, self.pos, self.obj = tokens, 0, obj

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end":
            raise filter_error("unexpected end of filter")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        kind, text = self.peek()
        if kind == "name" and text.lower() == word:
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise filter_error(f"expected {text!r}")

    def expression(self) -> Predicate:
        terms = [self.conjunction()]
        while self.keyword("or"):
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else (lambda r: any(t(r) for t in terms))

    def conjunction(self) -> Predicate:
        terms = [self.primary()]
        while self.keyword("and"):
            terms.append(self.primary())
        return terms[0] if len(terms) == 1 else (lambda r: all(t(r) for t in terms))

    def primary(self) -> Predicate:
        kind, text = self.take()
        if text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if kind != "name":
            raise filter_error(f"unexpected {text!r}")
        if self.peek()[1] == "(":
            self.skip_call()
            return lambda _r: True
        fdef = self.obj.field(text)
        if fdef is None or fdef.write_only:
            raise filter_error(f"property '{text}' does not exist on {self.obj.name}")
        op = self.take()[1].lower()
        if op not in OPERATORS:
            raise filter_error(f"unsupported operator {op!r}")
        lit_kind, lit_text = self.take()
        if lit_kind not in ("string", "datetime", "number", "name"):
            raise filter_error(f"unexpected {lit_text!r}")
        return _compare(fdef, op, coerce_literal(fdef, lit_kind, lit_text))

    def skip_call(self) -> None:
        """Consume `f(...)` and an optional `op literal` after it: functions are ignored."""
        depth = 0
        while True:
            text = self.take()[1]
            depth += {"(": 1, ")": -1}.get(text, 0)
            if depth == 0:
                break
        kind, text = self.peek()
        if kind == "name" and text.lower() in OPERATORS:
            self.pos += 1
            self.take()


def parse_filter(text: str, obj: BusinessObject) -> Predicate:
    parser = _Parser(tokenize(text), obj)
    predicate = parser.expression()
    if parser.peek()[0] != "end":
        raise filter_error(f"unexpected {parser.peek()[1]!r}")
    return predicate


def parse_select(text: str, obj: BusinessObject) -> list[str]:
    names = []
    for part in (p.strip() for p in text.split(",")):
        fdef = obj.field(part)
        if fdef is None:
            raise bad_request(f"Invalid $select: property '{part}' does not exist on {obj.name}")
        names.append(fdef.name)
    return names


class BadOrderBy(Exception):
    """A bad `$orderby` field or direction: the server answers 204 with no body."""


def parse_orderby(text: str, obj: BusinessObject) -> list[tuple[Field, bool]]:
    keys = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise BadOrderBy(part)
        fdef = obj.field(words[0])
        direction = words[1].lower() if len(words) == 2 else "asc"
        if fdef is None or fdef.write_only or direction not in ("asc", "desc"):
            raise BadOrderBy(part)
        keys.append((fdef, direction == "desc"))
    return keys


def sort_records(records: list[dict[str, Any]], keys: Iterable[tuple[Field, bool]]) -> list[dict[str, Any]]:
    """Stable multi-key sort; nulls first ascending (SQL Server's order)."""
    for fdef, desc in reversed(list(keys)):
        records.sort(key=lambda r, f=fdef: (comparable(f, r.get(f.name)) is not None,
                                              comparable(f, r.get(f.name)) or 0), reverse=desc)
    return records


def parse_count(value: str | None, default: int, maximum: int | None = None) -> int:
    """`$top`/`$skip`: a non-negative integer; `$top` above 100 is refused with 'Invalid Request Payload'."""
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad_request(INVALID_PAYLOAD) from None
    if number < 0 or (maximum is not None and number > maximum):
        raise bad_request(INVALID_PAYLOAD)
    return number


def parse_search(text: str, obj: BusinessObject) -> Predicate:
    """`$search`: case-insensitive word-prefix match over text fields; spaces AND, `or` ORs, and
    quoted phrases match nothing (as seen on the real server, which over-matches: John → Johnson)."""
    if '"' in text or "'" in text:
        return lambda _r: False
    groups = [g.lower().split() for g in re.split(r"\s+or\s+", text.strip(), flags=re.IGNORECASE)]
    names = [f.name for f in obj.fields if f.type in ("string", "text") and not f.write_only]

    def test(record: dict[str, Any]) -> bool:
        words = {w for n in names for w in re.split(r"\W+", str(record.get(n) or "").lower()) if w}
        return any(g and all(any(w.startswith(t) for w in words) for t in g) for g in groups)
    return test
