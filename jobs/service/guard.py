"""The single-run guard: one run of a job at a time across every worker and beat.

Exactly-once effects do not depend on it: every job records its effects under unique keys and
looks for them in the target system before writing, so two overlapping runs cannot duplicate
anything. The guard only saves the waste of overlapping runs (two beats each sending the order
poll, a poll still running when the next tick arrives). It is a lease in the state store (table
`leases`), which every installation has (Redis is not always there), renewed by a heartbeat
thread so that a killed holder frees it within one lease period.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from sqlalchemy.engine import Engine

from jobs.state import locks

log = structlog.get_logger("goldheat.service.guard")


class _Heartbeat(threading.Thread):
    def __init__(self, engine: Engine, name: str, holder: str, seconds: float) -> None:
        super().__init__(name=f"lease-{name}", daemon=True)
        self.engine, self.lease, self.holder, self.seconds = engine, name, holder, seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.seconds / 3):
            try:
                if not locks.renew(self.engine, self.lease, self.holder, self.seconds):
                    log.warning("lease lost", key=self.lease)
                    return
            except Exception as exc:  # a blip in the state store must not kill the job
                log.warning("lease renewal failed", key=self.lease, error=type(exc).__name__)


@contextmanager
def single_run(engine: Engine, name: str, holder: str, seconds: float) -> Iterator[bool]:
    """Yield True while holding the lease `name` (renewed in the background), False if busy."""
    if not locks.acquire(engine, name, holder, seconds):
        yield False
        return
    beat = _Heartbeat(engine, name, holder, seconds)
    beat.start()
    try:
        yield True
    finally:
        beat.stopped.set()
        beat.join(timeout=5)
        try:
            locks.release(engine, name, holder)
        except Exception as exc:  # the lease expires by itself
            log.warning("lease release failed", key=name, error=type(exc).__name__)
