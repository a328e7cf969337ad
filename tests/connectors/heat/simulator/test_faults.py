"""Fault injection: rate limits with Retry-After, 5xx bodies, slow answers, dropped connections."""

from __future__ import annotations

import json
import time

import pytest
import requests

from connectors.heat.simulator import Simulator
from tests.connectors.heat.simulator.client import Raw


@pytest.mark.parametrize("prefix", ["", "/HEAT"])
def test_429_with_retry_after_then_normal(heat_simulator: Simulator, prefix: str) -> None:
    raw = Raw(heat_simulator.base_url, f"rest_api_key={heat_simulator.api_key}", prefix)
    heat_simulator.inject("status", status=429, count=2, retry_after=3)
    for _ in range(2):
        response = raw.get("incidents")
        assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    assert raw.get("incidents").status_code == 200
    assert [r.fault for r in heat_simulator.requests] == ["status", "status", None]
    assert [r.status for r in heat_simulator.requests] == [429, 429, 200]


def test_retry_after_as_http_date_or_fraction(heat_simulator: Simulator, api: Raw) -> None:
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    heat_simulator.inject("status", status=503, retry_after=date)
    heat_simulator.inject("status", status=503, retry_after=0.25)
    assert api.get("incidents").headers["Retry-After"] == date
    assert api.get("incidents").headers["Retry-After"] == "0.25"


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_html_pages(heat_simulator: Simulator, api: Raw, status: int) -> None:
    heat_simulator.inject("status", status=status)
    response = api.get("incidents")
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html") and str(status) in response.text
    assert "Retry-After" not in response.headers


def test_500_body_carries_session_data_like_the_real_one(heat_simulator: Simulator) -> None:
    key = requests.post(heat_simulator.base_url + "/api/rest/authentication/login", timeout=10,
                        json={"tenant": "localhost", "username": "analyst", "password": "analyst-password"}).json()
    heat_simulator.inject("status", status=500)
    response = Raw(heat_simulator.base_url, key).get("incidents")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "ISM_5000"
    detail = json.loads(body["message"][0])  # JSON escaped inside a string
    assert detail["SessionId"] == key
    assert {"TenantId", "LoginId", "ClientIpAddress", "Hostname", "ServiceName"} <= set(detail)


def test_match_limits_a_fault_to_some_requests(heat_simulator: Simulator, api: Raw) -> None:
    heat_simulator.inject("status", status=503, match="POST /api/odata/businessobject/incidents")
    assert api.get("incidents").status_code == 200
    assert api.post("employees", {"LastName": "x"}).status_code == 201
    assert api.post("incidents", {"Subject": "x"}).status_code == 503
    assert api.post("incidents", {"Subject": "x"}).status_code == 201
    assert len(heat_simulator.records("incidents")) == 1  # the refused create stored nothing


def test_slow_answers_then_normal(heat_simulator: Simulator, api: Raw) -> None:
    heat_simulator.inject("slow", delay=0.3)
    started = time.monotonic()
    assert api.get("incidents").status_code == 200
    assert time.monotonic() - started >= 0.3
    with pytest.raises(requests.Timeout):
        heat_simulator.inject("slow", delay=0.5)
        api.http.get(api.url("incidents"), timeout=0.1)


def test_drop_closes_the_connection_without_an_answer(heat_simulator: Simulator, api: Raw) -> None:
    heat_simulator.inject("drop", match="incidents")
    with pytest.raises(requests.ConnectionError):
        api.post("incidents", {"Subject": "x"})
    assert heat_simulator.requests[-1].status is None and heat_simulator.requests[-1].fault == "drop"
    assert heat_simulator.records("incidents") == []
    assert api.post("incidents", {"Subject": "x"}).status_code == 201


def test_faults_apply_to_the_login_too(heat_simulator: Simulator) -> None:
    heat_simulator.inject("status", status=503, match="authentication/login")
    response = requests.post(heat_simulator.base_url + "/HEAT/api/rest/authentication/login", timeout=10,
                             json={"tenant": "localhost", "username": "analyst", "password": "analyst-password"})
    assert response.status_code == 503


def test_other_injected_statuses_have_ism_bodies(heat_simulator: Simulator, api: Raw) -> None:
    heat_simulator.inject("status", status=401)
    heat_simulator.inject("status", status=400)
    assert api.get("incidents").json()["code"] == "ISM_4001"
    assert api.get("incidents").json()["message"] == ["Invalid Request Payload"]


def test_bad_fault_kinds_are_refused(heat_simulator: Simulator) -> None:
    with pytest.raises(ValueError):
        heat_simulator.inject("explode")
    with pytest.raises(ValueError):
        heat_simulator.inject("status", count=0)


def test_reset_clears_faults_data_sessions_and_log(heat_simulator: Simulator, api: Raw) -> None:
    api.incident()
    heat_simulator.inject("status", status=503, count=5)
    heat_simulator.reset()
    assert heat_simulator.requests == [] and heat_simulator.records("incidents") == []
    assert api.get("standarduserteams").json()["value"][0]["Team"] == "Customer Support"
    assert api.incident()["IncidentNumber"] == 10001


def test_drop_after_stores_the_effect_but_loses_the_answer(heat_simulator: Simulator, api: Raw) -> None:
    heat_simulator.inject("drop_after", match="POST /api/odata/businessobject/incidents")
    with pytest.raises(requests.ConnectionError):
        api.post("incidents", {"Subject": "Order 7"})
    assert [r["Subject"] for r in heat_simulator.records("incidents")] == ["Order 7"]
    assert heat_simulator.requests[-1].fault == "drop_after" and heat_simulator.requests[-1].auth == "api_key"
    found = api.get("incidents", **{"$filter": "Subject eq 'Order 7'"}).json()["value"]
    assert len(found) == 1


def test_a_slow_create_the_client_gave_up_on_still_happens(heat_simulator: Simulator, api: Raw) -> None:
    heat_simulator.inject("slow", delay=0.4, match="POST")
    with pytest.raises(requests.Timeout):
        api.http.post(api.url("incidents"), json={"Subject": "Order 8"}, timeout=0.1)
    time.sleep(0.5)
    assert [r["Subject"] for r in heat_simulator.records("incidents")] == ["Order 8"]
