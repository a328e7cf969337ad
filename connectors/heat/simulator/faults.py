"""Faults injected on demand, so clients can be tested against what a real tenant and its gateway do.

Kinds (`Simulator.inject(kind, ...)`):
- "status": answer the next `count` matching requests with `status`; 429/502/503/504 as an HTML
  gateway page, 500 as ISM_5000 whose message holds JSON with SessionId/TenantId/LoginId/
  ClientIpAddress/Hostname/ServiceName (as the real ones have), others as ISM bodies.
  `retry_after` (seconds, or an HTTP-date string) adds a `Retry-After` header.
- "slow": wait `delay` seconds, then answer normally (any fault may also carry a `delay`).
- "drop": read the request, then close the connection without an answer (nothing is done).
- "drop_after": do the request (a create is stored), then close without an answer: the lost
  response that a client must survive by looking for its effect before writing again.
- "expire_sessions": at once, every session key becomes invalid (next use: 401 ISM_4001).

`match` is a case-insensitive substring of "METHOD /api/path" (the path without `/HEAT` and
without the query); empty matches every request, the login included.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = ("status", "slow", "drop", "drop_after", "expire_sessions")
GATEWAY_REASONS = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable",
                   504: "Gateway Timeout", 403: "Forbidden"}


@dataclass(slots=True)
class Fault:
    kind: str
    status: int = 503
    remaining: int = 1
    match: str = ""
    retry_after: float | str | None = None
    delay: float = 0.0


class Faults:
    """A thread-safe queue of armed faults; the first armed fault matching a request fires."""

    def __init__(self) -> None:
        self._armed: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; expected one of {', '.join(KINDS)}")
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._armed.append(fault)

    def take(self, request_line: str) -> Fault | None:
        line = request_line.lower()
        with self._lock:
            for fault in self._armed:
                if fault.match.lower() in line:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._armed.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()


def retry_after_header(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else str(value)


def gateway_page(status: int) -> bytes:
    reason = GATEWAY_REASONS.get(status, "Error")
    return (f"<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}"
            "</h1></center><hr><center>gateway</center></body></html>").encode()
