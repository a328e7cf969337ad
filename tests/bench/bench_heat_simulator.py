"""HEAT simulator: does it serve clients in parallel (so concurrency benchmarks of goldheat measure
goldheat, not the stand-in), and does it keep one log entry per HTTP call (so call counts are exact)?

Ratios: filtered employee reads per second with 4 parallel clients against 1 client, without and
with a fixed 20 ms per-request latency (a `slow` fault, as a tenant over a WAN would add).
Counts: log entries for a known number of calls (must equal it).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from connectors.heat.simulator import Simulator

KEY = "bench-simulator-key"
READS = 80
WORKERS = 4


def _reader(base_url: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"rest_api_key={KEY}"
    return session


def _reads(simulator: Simulator, workers: int) -> float:
    sessions = [_reader(simulator.base_url) for _ in range(workers)]
    url = simulator.base_url + "/api/odata/businessobject/employees"

    def read(i: int) -> Any:
        return sessions[i % workers].get(url, params={"$filter": f"CustID eq 'C{i % 50}'", "$top": 10}, timeout=30)

    def batch() -> list[Any]:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(read, range(READS)))

    start = time.perf_counter()
    responses = batch()
    elapsed = time.perf_counter() - start
    assert all(r.status_code == 200 for r in responses)
    return READS / elapsed


def run(report: Any) -> None:
    with Simulator(api_keys=[KEY]) as simulator:
        session = _reader(simulator.base_url)
        for i in range(200):
            session.post(simulator.base_url + "/api/odata/businessobject/employees", timeout=30,
                         json={"LastName": f"Bench{i}", "LoginID": f"bench{i}", "CustID": f"C{i}"})
        report.ratio("filtered reads/s, 4 clients vs 1 (no latency)", _reads(simulator, WORKERS),
                     _reads(simulator, 1), "req/s")
        simulator.inject("slow", delay=0.02, count=10 * READS)
        parallel = _reads(simulator, WORKERS)
        simulator.clear_faults()
        simulator.inject("slow", delay=0.02, count=10 * READS)
        report.ratio("filtered reads/s, 4 clients vs 1 (20 ms latency)", parallel, _reads(simulator, 1), "req/s")
        simulator.clear_faults()
        simulator.requests.clear()
        for _ in range(10):
            session.get(simulator.base_url + "/HEAT/api/odata/businessobject/incidents", timeout=30)
        report.count("request log entries for 10 calls", len(simulator.requests), minimum=10)
