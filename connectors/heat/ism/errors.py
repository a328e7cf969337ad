"""Pure classification of ISM responses into goldheat's error tree (reference/heat.md §2.5).

    status / failure                      raised as                      why
    400 (ISM_4000)                        RecordError + API message      this record's payload or key is bad
    400 on login, 401 (ISM_4001), 403     AuthenticationError            credentials: a person fixes them
    404 (ISM_4004)                        ConfigurationError             an entity set name is wrong
    408, 429, 502, 503, 504               RetriableError + retry_after   the server asks us to come back
    timeout, connection reset/refused     RetriableError                 the network blinked
    500 and any other status              FatalError                     ISM's 500s are mostly deterministic
                                                                         (unresolvable validated value)

Error bodies, above all 5xx ones, can carry SessionId, TenantId, LoginId, ClientIpAddress,
Hostname and ServiceName, sometimes JSON-escaped inside a string: no body goes into an
exception or a log line. Only the status, the ISM code and a truncated, redacted message do.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from collections.abc import Mapping
from typing import Any

import requests

from config.errors import (
    AuthenticationError,
    ConfigurationError,
    FatalError,
    GoldheatError,
    RecordError,
    RetriableError,
)
from config.logs import SECRETS

SYSTEM = "heat"
MESSAGE_LIMIT = 200
RETRIABLE_STATUSES = frozenset({408, 429, 502, 503, 504})
NO_INSTANCES = "No instances found."
_SENSITIVE = re.compile(
    r"""(?P<key>\b(?:SessionId|SessionKey|TenantId|LoginId|ClientIpAddress|Hostname|ServiceName)\b)"""
    r"""(?P<sep>(?:\\*["'])?\s*[:=>]\s*(?:\\*["'])?)"""
    r"""(?P<value>(?<=["'])[^"'\\<]*|[^"'\\,;}\]\s&<]*)""",
    re.IGNORECASE,
)
_API_KEY = re.compile(r"rest_api_key\s*=\s*[^\s\"'\\,;&]*", re.IGNORECASE)
_SESSION_TOKEN = re.compile(r"\b[\w.-]+#[A-Za-z0-9]{16,}#\d+\b")
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def redact_message(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A message fit for an exception or a log: session data and keys removed, then truncated."""
    text = _SENSITIVE.sub(lambda m: m.group("key") + m.group("sep") + "[REDACTED]", text)
    text = _API_KEY.sub("rest_api_key=[REDACTED]", text)
    text = _SESSION_TOKEN.sub("[REDACTED]", text)
    text = _IP.sub("[REDACTED]", text)
    text = SECRETS.scrub(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json(body: str) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except ValueError:
        return None


def error_parts(body: str) -> tuple[str | None, str]:
    """(ISM code, redacted message) from an error body `{"code","description","message":[...]}`."""
    data = _json(body)
    if not isinstance(data, Mapping):
        return None, ""
    code = data.get("code") if isinstance(data.get("code"), str) else None
    message = data.get("message")
    if isinstance(message, list):
        message = "; ".join(str(m) for m in message if m)
    if not message:
        message = data.get("description") or ""
    return (redact_message(code, 20) if code else None), redact_message(str(message))


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def classify(status: int, body: str, headers: Mapping[str, str], *, operation: str,
             key: str | None = None, login: bool = False,
             now: dt.datetime | None = None) -> GoldheatError | None:
    """The error for a response, or None for a success (any 2xx but 204 on a collection read,
    which the caller judges). `login` marks the session login call, whose 400 means bad credentials."""
    if 200 <= status < 300:
        return None
    code, message = error_parts(body)
    where: dict[str, Any] = {"system": SYSTEM, "operation": operation, "key": key, "status": status,
                             "code": code}
    if status in RETRIABLE_STATUSES:
        wait = retry_after(headers.get("Retry-After"), now)
        return RetriableError(f"HEAT answered {status}; trying again later", retry_after=wait, **where)
    if login and status in (400, 401, 403):
        return AuthenticationError(
            "HEAT refused the session login: check GOLDHEAT_HEAT__USERNAME, GOLDHEAT_HEAT__PASSWORD, "
            "GOLDHEAT_HEAT__TENANT (the tenant host) and GOLDHEAT_HEAT__ROLE"
            + (f" ({message})" if message else ""), **where)
    if status == 401:
        return AuthenticationError(
            "HEAT refused the credentials (401): check GOLDHEAT_HEAT__API_KEY is the key's Reference ID "
            "and the key group allows this host, or set the session login settings", **where)
    if status == 403:
        return AuthenticationError(
            "HEAT refused the operation (403): the API key's 'On Behalf Of' user or role lacks rights",
            **where)
    if status == 404:
        return ConfigurationError(
            f"HEAT does not know this path (404 {code or ''}): check the entity set names in "
            "mappings/heat_ism.toml and GOLDHEAT_HEAT__BASE_URL (with or without /HEAT)",
            setting="GOLDHEAT_SITE__MAPPINGS_DIR", **where)
    if status == 400:
        return RecordError(message or "HEAT refused the request (400)", **where)
    if status >= 500:
        detail = f": {message}" if message else ""
        return FatalError(f"HEAT failed with {status} {code or ''}{detail}".rstrip(), **where)
    return FatalError(f"HEAT answered an unexpected {status}", **where)


def classify_exception(exc: BaseException, *, operation: str, key: str | None = None) -> GoldheatError:
    """Transport failures: timeouts and broken connections are retriable, anything else is not."""
    where = {"system": SYSTEM, "operation": operation, "key": key}
    kind = type(exc).__name__
    if isinstance(exc, requests.Timeout):
        return RetriableError(f"HEAT did not answer in time ({kind})", **where)
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError
                  | requests.exceptions.ContentDecodingError | ConnectionError):
        return RetriableError(f"the connection to HEAT failed ({kind})", **where)
    return FatalError(f"the request to HEAT failed ({kind}: {redact_message(str(exc), 120)})", **where)


def rows(status: int, body: str, *, operation: str, key: str | None = None) -> list[dict[str, Any]]:
    """The records of a successful collection GET, tolerating ISM's empty answers:
    an empty 200 body (no filter match) and `{"value": "No instances found."}` (no related rows).
    A 204 means the server refused the query options; returning [] there would make a lookup
    say 'absent' and the caller create a duplicate, so it is an error."""
    where = {"system": SYSTEM, "operation": operation, "key": key, "status": status}
    if status == 204:
        raise FatalError("HEAT answered 204 to a query (it does so for a bad $orderby)", **where)
    if not body.strip():
        return []
    data = _json(body)
    if not isinstance(data, Mapping):
        raise FatalError("HEAT answered a query with something that is not an OData object", **where)
    value = data.get("value", [])
    if value == NO_INSTANCES:
        return []
    if isinstance(value, str):
        raise FatalError(f"HEAT answered a query with a message: {redact_message(value)}", **where)
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        raise FatalError("HEAT answered a query with a malformed 'value'", **where)
    return [dict(r) for r in value]


def record(status: int, body: str, *, operation: str, key: str | None = None) -> dict[str, Any]:
    """One record from a single-record GET, a create or an update; {} for an empty body."""
    data = _json(body)
    if isinstance(data, Mapping) and isinstance(data.get("value"), list):
        found = data["value"]
        return dict(found[0]) if found else {}
    if isinstance(data, Mapping):
        return dict(data)
    if body.strip():
        raise FatalError("HEAT answered with something that is not a record", system=SYSTEM,
                         operation=operation, key=key, status=status)
    return {}
