"""At most one sync or retry of an order at a time in this process.

The ledger already makes each step happen once (a claimed, leased row per step, effects looked up
by key), so a second run of the same order could never duplicate anything; it would wait for the
first run's lease and report the order busy. This guard answers a double click at once instead,
without a second run or a second connection to GoldMine and HEAT.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class InFlight:
    def __init__(self) -> None:
        self._held: set[str] = set()
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, key: str) -> Iterator[bool]:
        """Yields True when this caller has the order, False when another request is running it."""
        with self._lock:
            taken = key in self._held
            if not taken:
                self._held.add(key)
        try:
            yield not taken
        finally:
            if not taken:
                with self._lock:
                    self._held.discard(key)

    def busy(self, key: str) -> bool:
        with self._lock:
            return key in self._held
