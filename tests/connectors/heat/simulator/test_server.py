"""The process around the API: file persistence, concurrency, reset, and `run_forever`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from connectors.heat.simulator import Simulator
from tests.connectors.heat.simulator.client import Raw

ROOT = Path(__file__).resolve().parents[4]


def test_fixture_exposes_url_and_key(heat_simulator: Simulator) -> None:
    assert heat_simulator.base_url.startswith("http://127.0.0.1:")
    assert heat_simulator.api_key


def test_data_file_survives_a_restart(tmp_path: Path) -> None:
    data_file = tmp_path / "heat.json"
    with Simulator(api_keys=["k"], data_file=data_file) as first:
        raw = Raw(first.base_url, "rest_api_key=k")
        employee = raw.employee(LoginID="jdoe", IsInternalAuth=True, InternalAuthPasswd="Secret-123")
        raw.incident()
    stored = data_file.read_text()
    assert "Secret-123" not in stored and "pbkdf2_sha256$" in stored
    json.loads(stored)
    assert not list(tmp_path.glob("*.tmp"))
    with Simulator(api_keys=["k"], data_file=data_file, teams=("Customer Support", "Engineering")) as second:
        raw = Raw(second.base_url, "rest_api_key=k")
        assert raw.get(f"employees('{employee['RecId']}')").json()["LoginID"] == "jdoe"
        assert raw.incident()["IncidentNumber"] == 10002
        assert second.password_matches("jdoe", "Secret-123")
        teams = [t["Team"] for t in second.records("standarduserteams")]
        assert teams == ["Customer Support", "Engineering"]  # seeds are added once, not duplicated


def test_concurrent_creates_get_unique_numbers(heat_simulator: Simulator, api: Raw) -> None:
    def create(i: int) -> int:
        raw = Raw(heat_simulator.base_url, f"rest_api_key={heat_simulator.api_key}")
        return raw.incident(Subject=f"Order {i}")["IncidentNumber"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(40)))
    assert sorted(numbers) == list(range(10001, 10041))
    assert len({r["RecId"] for r in heat_simulator.records("incidents")}) == 40


def test_records_of_an_unknown_set_is_an_error(heat_simulator: Simulator) -> None:
    with pytest.raises(KeyError):
        heat_simulator.records("nosuchthings")


def test_keep_alive_connections_are_reused(heat_simulator: Simulator, api: Raw) -> None:
    for _ in range(5):
        assert api.get("incidents").status_code == 200
    assert len(api.http.adapters["http://"].poolmanager.pools) == 1


def test_run_forever_serves_the_configured_key_until_sigterm(tmp_path: Path) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GOLDHEAT_")},
           "GOLDHEAT_HEAT__API_KEY": "env-key-123", "PYTHONPATH": str(ROOT)}
    code = ("from config.settings import load_settings\n"
            "from connectors.heat.simulator.server import run_forever\n"
            f"run_forever(load_settings(), port=0, data_file={str(tmp_path / 'd.json')!r})\n")
    process = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("HEAT simulator listening on http://127.0.0.1:"), process.stderr.read()
        url = line.rsplit(" ", 1)[1]
        assert requests.get(url + "/HEAT/api/odata/businessobject/incidents", timeout=10,
                            headers={"Authorization": "rest_api_key=env-key-123"}).status_code == 200
        assert requests.get(url + "/api/odata/businessobject/incidents", timeout=10,
                            headers={"Authorization": "rest_api_key=other"}).status_code == 401
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        output = process.stdout.read()
        assert "env-key-123" not in line + output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
