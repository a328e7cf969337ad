"""CallID allocation with two writers at once, each on its own connection, on the real servers."""

from __future__ import annotations

import threading
import uuid

import pytest

from connectors.heat.base import CustomerData, TicketData
from connectors.heat.classic.callid import MaxPlusOne, format_call_id
from connectors.heat.classic.dialect import classic_dialect
from connectors.odbc import detect_dialect
from connectors.heat.classic.schema import init_classic
from config.errors import FatalError
from config.settings import Settings
from tests.connectors.heat.classic.conftest import fetch, make_backend

CALLS_PER_WRITER = 15


def test_call_ids_are_zero_padded_to_eight():
    assert format_call_id(1) == "00000001"
    assert format_call_id(12345678) == "12345678"


def test_a_call_id_beyond_eight_digits_is_fatal():
    with pytest.raises(FatalError):
        format_call_id(100_000_000)


def _race(dsn: str, subjects_of: callable, writers: int = 2, **backend_kwargs) -> tuple[list[str], list, int]:
    """Each writer opens its tickets as fast as it can, starting together; returns ids, errors, collisions."""
    xref = "RACE" + uuid.uuid4().hex[:10].upper()
    seed = make_backend(dsn)
    seed.upsert_customer(CustomerData(xref=xref, first_name="R", last_name="Ace", email="r@example.com"))
    seed.close()
    start = threading.Barrier(writers)
    ids: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    collisions = []

    def writer(number: int) -> None:
        backend = make_backend(dsn, **backend_kwargs)
        try:
            start.wait()
            for subject in subjects_of(number):
                ticket = backend.open_ticket(TicketData(customer_id=xref, team="Customer Support",
                                                        subject=subject, description="race"))
                with lock:
                    ids.append(ticket.id)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            collisions.append(backend.collisions)
            backend.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return ids, errors, sum(collisions)


@pytest.fixture(params=["postgresql", "mariadb", "sqlite"])
def fresh_dsn(request, database_factory) -> str:
    dsn = database_factory(request.param, prefix="heatrace")
    init_classic(dsn, Settings())
    return dsn


def test_two_writers_get_distinct_contiguous_call_ids(fresh_dsn):
    ids, errors, collisions = _race(fresh_dsn, lambda n: [f"writer {n} call {i}" for i in range(CALLS_PER_WRITER)])
    assert errors == []
    assert collisions == 0, "the lock, not the primary key, ordered the writers"
    assert len(ids) == len(set(ids)) == 2 * CALLS_PER_WRITER
    assert sorted(ids) == [format_call_id(n) for n in range(1, 2 * CALLS_PER_WRITER + 1)]
    stored = [row[0] for row in fetch(fresh_dsn, "SELECT CallID FROM CallLog ORDER BY CallID")]
    assert stored == sorted(ids)
    orphans = fetch(fresh_dsn, "SELECT COUNT(*) FROM Asgnmnt a WHERE NOT EXISTS "
                               "(SELECT 1 FROM CallLog c WHERE c.CallID = a.CallID)")
    assert orphans == [(0,)]


def test_two_writers_opening_the_same_tickets_make_each_once(fresh_dsn):
    ids, errors, _ = _race(fresh_dsn, lambda n: [f"shared call {i}" for i in range(5)])
    assert errors == []
    assert len(ids) == 10 and len(set(ids)) == 5
    assert fetch(fresh_dsn, "SELECT COUNT(*) FROM CallLog") == [(5,)]


class _NoLock(MaxPlusOne):
    """max+1 without any lock: only the primary key stands between two writers."""

    def before_transaction(self, execute) -> None:
        pass

    def lock(self, execute) -> None:
        pass


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_without_the_lock_the_primary_key_still_prevents_duplicates(server, database_factory):
    dsn = database_factory(server, prefix="heatnolock")
    init_classic(dsn, Settings())
    dialect = classic_dialect(detect_dialect(dsn))
    ids, errors, _ = _race(dsn, lambda n: [f"writer {n} call {i}" for i in range(CALLS_PER_WRITER)],
                           allocator=_NoLock(dialect))
    assert errors == []
    assert sorted(ids) == [format_call_id(n) for n in range(1, 2 * CALLS_PER_WRITER + 1)]
