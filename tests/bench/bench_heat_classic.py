"""HEAT classic backend on PostgreSQL and MariaDB: round trips per operation, and what the CallID lock costs.

Counts are deterministic: statements plus commits per operation beside the least the schema
allows (find: one SELECT; upsert of a new customer: one SELECT and one INSERT; a ticket with its
note: MAX, five INSERTs, one note INSERT; each with its commit). goldheat spends more where it buys
safety: the lock statement, a look for the same open call under the lock, the customer's row for
Subset, and on MariaDB the named lock's GET/RELEASE.

Throughput: one batch of tickets opened by one writer, then by two writers at once; the lock
serialises allocation, so two writers should not beat one by much, and must not lose either.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from config.settings import HeatSettings, Settings
from connectors.heat.base import CustomerData, TicketData
from connectors.heat.classic.backend import ClassicBackend
from connectors.heat.classic.schema import init_classic
from connectors.odbc import detect_dialect, odbc_factory
from tests.conftest import create_database, drop_database

BATCH = 40


def _backend(dsn: str) -> ClassicBackend:
    return ClassicBackend(HeatSettings(), odbc_factory(dsn), detect_dialect(dsn))


def _trips(backend: ClassicBackend, fn: Any) -> int:
    before = backend.round_trips
    fn()
    return backend.round_trips - before


def _counts(report: Any, server: str, backend: ClassicBackend) -> None:
    person = CustomerData("BENCH0001", "Ada", "Lovelace", "ada@example.com")
    report.count(f"{server} find customer: round trips", _trips(backend, lambda: backend.find_customer("X")),
                 minimum=2)
    report.count(f"{server} upsert new customer: round trips",
                 _trips(backend, lambda: backend.upsert_customer(person)), minimum=3)
    report.count(f"{server} upsert unchanged customer: round trips",
                 _trips(backend, lambda: backend.upsert_customer(person)), minimum=2)

    def ticket_with_note() -> None:
        ticket = backend.open_ticket(TicketData("BENCH0001", "Customer Support", "bench ticket", "d"))
        backend.add_note(ticket.id, "bench note", "body")

    report.count(f"{server} open ticket + note: round trips", _trips(backend, ticket_with_note), minimum=9)


def _rate(dsn: str, writers: int, tag: str) -> float:
    per_writer = BATCH // writers
    start = threading.Barrier(writers + 1)
    backends = [_backend(dsn) for _ in range(writers)]

    def work(backend: ClassicBackend, number: int) -> None:
        start.wait()
        for i in range(per_writer):
            backend.open_ticket(TicketData("BENCH0001", "Customer Support", f"{tag} {number}/{i}", "d"))

    threads = [threading.Thread(target=work, args=(b, n)) for n, b in enumerate(backends)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for backend in backends:
        backend.close()
    return per_writer * writers / elapsed


def run(report: Any) -> None:
    for server in ("postgresql", "mariadb"):
        name, dsn = create_database(server, "heatbench")
        try:
            init_classic(dsn, Settings())
            backend = _backend(dsn)
            _counts(report, server, backend)
            backend.close()
            one = _rate(dsn, 1, "one")
            two = _rate(dsn, 2, "two")
            report.ratio(f"{server} tickets/s, two writers vs one", two, one, "tickets/s",
                         note="the CallID lock serialises allocation; no duplicates either way")
        finally:
            drop_database(server, name)
