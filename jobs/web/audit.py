"""The audit trail of secret views: who saw which order's password or letter, and when.

One structured log line per view, on the `goldheat.web.audit` logger, with the staff member, their
role and address, the order and the UTC time. Never the password: the line is built from those
fields alone, and the redaction processor would scrub the value anyway (it is registered when
unsealed).
"""

from __future__ import annotations

import datetime as dt

import structlog

log = structlog.get_logger("goldheat.web.audit")
PASSWORD_VIEWED, LETTER_OPENED = "password viewed", "letter opened"


def record(event: str, *, user: str, role: str, order: str, address: str | None, **fields: str) -> None:
    log.info(event, user=user, role=role, order=order, address=address or "",
                at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **fields)
