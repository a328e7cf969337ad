"""HEAT ISM client: HTTP calls per operation against the API's minimum, and throughput with
bounded concurrency against the simulator on loopback.

Counts are deterministic. The minimum is what the API needs at the least for the operation: one
GET to find; one GET (CustID or email or name in one `$filter`) plus the write to upsert; the two
POSTs to open a ticket with a note. goldheat spends one call more where it buys safety: the lookup
before creating a ticket, so that re-running an order step never duplicates it (the note on a
ticket it has just created needs no lookup).

Throughput: the simulator is given a fixed per-request latency (a `slow` fault), as a real tenant
over a WAN has; the same batch of upserts runs with 1 worker and with settings.heat.max_concurrency
workers, and with twice that many workers to show the semaphore holds requests in flight to the bound.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from config.logs import configure_logging
from config.settings import load_settings
from connectors.heat.base import CustomerData, TicketData
from connectors.heat.ism.backend import IsmBackend

KEY = "bench-key-0123456789"
LATENCY = 0.03
BATCH = 24


class _InFlight(requests.Session):
    """Counts requests in flight at once, to show the bound holds."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.now = self.peak = 0

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            return super().request(*args, **kwargs)
        finally:
            with self._lock:
                self.now -= 1


def _calls(backend: IsmBackend, fn: Any) -> tuple[Any, int]:
    before = backend.http_calls
    result = fn()
    return result, backend.http_calls - before


def _counts(report: Any, backend: IsmBackend) -> None:
    person = CustomerData("BENCH0001", "Ada", "Lovelace", "ada@example.com")
    _, n = _calls(backend, lambda: backend.find_customer("BENCH0001"))
    report.count("ism find customer: HTTP calls", n, minimum=1)
    customer, n = _calls(backend, lambda: backend.upsert_customer(person))
    report.count("ism upsert new customer: HTTP calls", n, minimum=2,
                 note="one GET for CustID, email or name (adoption), then the POST")
    _, n = _calls(backend, lambda: backend.upsert_customer(person))
    report.count("ism upsert unchanged customer: HTTP calls", n, minimum=1)
    changed = CustomerData("BENCH0001", "Ada", "Lovelace", "ada@new.example.com")
    _, n = _calls(backend, lambda: backend.upsert_customer(changed))
    report.count("ism upsert changed customer: HTTP calls", n, minimum=2)

    def ticket_with_note() -> None:
        ticket = backend.open_ticket(TicketData(customer.id, "Customer Support", "Bench order 1", "text"))
        backend.add_note(ticket.id, "Website login", "body")
    _, n = _calls(backend, ticket_with_note)
    report.count("ism open ticket with note: HTTP calls", n, minimum=2,
                 note="the ticket's lookup before its POST makes a re-run safe")
    _, n = _calls(backend, ticket_with_note)
    report.count("ism open ticket with note, re-run: HTTP calls", n, minimum=2)


def _throughput(report: Any, base_url: str, simulator: Any) -> None:
    settings = load_settings(heat={"base_url": base_url, "api_key": KEY})
    bound = settings.heat.max_concurrency
    simulator.inject("slow", delay=LATENCY, count=10**6)
    rates: dict[int, float] = {}
    peaks: dict[int, int] = {}
    for run, workers in enumerate((1, bound, 2 * bound)):
        http = _InFlight()
        backend = IsmBackend.from_settings(settings, http=http)
        people = [CustomerData(f"T{run}-{n:04d}", "Tess", f"Put{run}x{n}", f"t{run}.{n}@example.com")
                  for n in range(BATCH)]
        with ThreadPoolExecutor(workers) as pool:
            _, seconds = report.timed(lambda: list(pool.map(backend.upsert_customer, people)))
        rates[workers], peaks[workers] = BATCH / seconds, http.peak
        backend.close()
    report.ratio(f"ism upserts/s, {bound} workers vs 1", rates[bound], rates[1], "upserts/s",
                 note=f"simulator latency {LATENCY * 1000:.0f} ms per request")
    report.ratio(f"ism upserts/s, {2 * bound} workers (bound {bound}) vs {bound}", rates[2 * bound],
                 rates[bound], "upserts/s", note="beyond the bound, more workers only queue")
    report.count(f"ism requests in flight at once with {2 * bound} workers", peaks[2 * bound], minimum=None,
                 note=f"settings.heat.max_concurrency = {bound}")


def run(report: Any) -> None:
    from connectors.heat.simulator import Simulator

    configure_logging(load_settings(log={"level": "WARNING"}))
    simulator = Simulator(api_keys=[KEY], port=0)
    base_url = simulator.start()
    try:
        backend = IsmBackend.from_settings(load_settings(heat={"base_url": base_url, "api_key": KEY}))
        try:
            _counts(report, backend)
        finally:
            backend.close()
        _throughput(report, base_url, simulator)
    finally:
        simulator.stop()
