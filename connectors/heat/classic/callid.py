"""Allocating HEAT classic CallIDs safely when two writers open calls at once.

HEAT's own method is unknown (a counter table? max+1 in the client?); a trace of the HEAT client
must settle it before goldheat writes to a live HEAT. Until then the allocator is pluggable
(`CallIdAllocator`) and the default, `MaxPlusOne`, is the reference's scheme: the highest numeric
CallID plus one, zero-padded to 8 digits, computed inside the very transaction that inserts the
call, under a lock that serialises allocators:

    SQL Server   SELECT MAX(CAST(CallID AS int)) FROM dbo.CallLog WITH (UPDLOCK, HOLDLOCK)
    PostgreSQL   LOCK TABLE CallLog IN SHARE ROW EXCLUSIVE MODE, then MAX (READ COMMITTED)
    MariaDB      GET_LOCK('goldheat.heat.callid') before the transaction, RELEASE_LOCK after it;
                 the session runs READ COMMITTED so MAX sees the last committed call
    SQLite       a no-op UPDATE takes the database's single write lock first, then MAX

A second safety net sits under the lock: CallLog's primary key. If the insert of the new CallID
collides (another program took it), the backend rolls back and allocates again, a bounded number
of times (`KeyCollision`). Rolled-back allocations consume nothing, so CallIDs stay contiguous.

Limits:
- The locks order goldheat's writers among themselves. HEAT's own client is ordered only where
  its inserts must wait for the lock (SQL Server, PostgreSQL); on MariaDB and SQLite it is not,
  and a HEAT client that allocates from a counter table would not see goldheat's calls at all,
  leaving the primary key as the only guard (its next call would fail in HEAT, not in goldheat).
- MAX over a CAST scans CallLog once per call (no index helps); fine for HEAT's volumes.
- A non-numeric CallID makes the CAST fail: a fatal error naming the operation.
- More than 99,999,999 calls no longer fit the 8 characters: a fatal error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from config.errors import FatalError, RetriableError
from connectors.heat.classic.dialect import CALLID_LOCK_NAME, ClassicDialect

CALL_ID_WIDTH = 8

Execute = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]


class KeyCollision(Exception):
    """A freshly allocated key was taken meanwhile: roll back and allocate again."""


class CallIdAllocator(Protocol):
    """Hands out the next CallID inside the caller's open transaction.

    `before_transaction`/`after_transaction` bracket the transaction for locks that outlive one
    (MariaDB's named lock); `allocate` runs inside it and may lock rows or tables itself.
    """

    def before_transaction(self, execute: Execute) -> None: ...
    def lock(self, execute: Execute) -> None: ...
    def allocate(self, execute: Execute) -> str: ...
    def after_transaction(self, execute: Execute) -> None: ...


def format_call_id(number: int) -> str:
    text = str(number).zfill(CALL_ID_WIDTH)
    if len(text) > CALL_ID_WIDTH:
        raise FatalError(f"CallID {number} no longer fits {CALL_ID_WIDTH} characters",
                         system="heat", operation="allocate_call_id")
    return text


class MaxPlusOne:
    """The reference's scheme: max(CallID) + 1 under the dialect's lock (see the module docstring)."""

    def __init__(self, dialect: ClassicDialect, *, lock_timeout_seconds: int = 30) -> None:
        self._dialect = dialect
        self._lock_timeout = lock_timeout_seconds

    def before_transaction(self, execute: Execute) -> None:
        if self._dialect.named_lock:
            got = execute("SELECT GET_LOCK(?, ?)", (CALLID_LOCK_NAME, self._lock_timeout))
            if not got or got[0][0] != 1:
                raise RetriableError("another goldheat writer held the CallID lock too long",
                                     system="heat", operation="allocate_call_id")

    def lock(self, execute: Execute) -> None:
        if self._dialect.lock_before_allocate:
            execute(self._dialect.lock_before_allocate, ())

    def allocate(self, execute: Execute) -> str:
        rows = execute(self._dialect.max_call_id, ())
        highest = rows[0][0] if rows and rows[0][0] is not None else 0
        return format_call_id(int(highest) + 1)

    def after_transaction(self, execute: Execute) -> None:
        if self._dialect.named_lock:
            execute("SELECT RELEASE_LOCK(?)", (CALLID_LOCK_NAME,))
