"""Authentication as the reference describes it: exact API key header, session login/logout."""

from __future__ import annotations

import re

import pytest
import requests

from connectors.heat.simulator import Simulator
from tests.connectors.heat.simulator.client import Raw, key_header
from tests.fixtures.heat import HEAT_PASSWORD, HEAT_USER

LOGIN = "/api/rest/authentication/login"
LOGOUT = "/api/rest/authentication/logout"
INVALID = ["Invalid Session key or Authentication token or Host"]


def login(sim: Simulator, username: str = HEAT_USER, password: str = HEAT_PASSWORD, *,
          tenant: str | None = None, prefix: str = "") -> requests.Response:
    body = {"tenant": tenant or sim.tenant, "username": username, "password": password, "role": "Admin"}
    return requests.post(sim.base_url + prefix + LOGIN, json=body, timeout=10)


@pytest.mark.parametrize("prefix", ["", "/HEAT"])
def test_api_key_reads_under_both_prefixes(heat_simulator: Simulator, prefix: str) -> None:
    raw = Raw(heat_simulator.base_url, key_header(heat_simulator.api_key), prefix)
    response = raw.get("incidents", **{"$top": 1})
    assert response.status_code == 200
    assert heat_simulator.requests[-1].auth == "api_key"
    assert heat_simulator.requests[-1].path == "/api/odata/businessobject/incidents"
    assert heat_simulator.requests[-1].prefixed is (prefix == "/HEAT")


@pytest.mark.parametrize("authorization", [
    None, "", "rest_api_key=wrong", "Bearer {key}", "rest_api_key= {key}", "rest_api_key='{key}'",
    "REST_API_KEY={key}", "{key}",
])
def test_anything_but_the_exact_key_header_is_401(heat_simulator: Simulator, authorization: str | None) -> None:
    header = None if authorization is None else authorization.format(key=heat_simulator.api_key)
    response = Raw(heat_simulator.base_url, header).get("incidents")
    assert response.status_code == 401
    assert response.json() == {"code": "ISM_4001", "description": "Unauthorized", "message": INVALID}
    assert heat_simulator.requests[-1].auth is None


@pytest.mark.parametrize("prefix", ["", "/HEAT"])
def test_session_login_returns_a_json_string_key(heat_simulator: Simulator, prefix: str) -> None:
    response = login(heat_simulator, prefix=prefix)
    assert response.status_code == 200
    assert response.text.startswith('"') and response.text.endswith('"')
    key = response.json()
    assert re.fullmatch(r"localhost#[A-Za-z0-9]{32}#2", key)
    assert Raw(heat_simulator.base_url, key).get("incidents").status_code == 200
    assert heat_simulator.requests[-1].auth == "session"


def test_login_accepts_the_called_host_as_tenant(heat_simulator: Simulator) -> None:
    assert login(heat_simulator, tenant="127.0.0.1").status_code == 200
    assert login(heat_simulator, tenant=heat_simulator.base_url.split("//")[1]).status_code == 200


@pytest.mark.parametrize(("username", "password", "tenant"), [
    (HEAT_USER, "wrong", None), ("nobody", HEAT_PASSWORD, None), (HEAT_USER, HEAT_PASSWORD, "other.tenant"),
    (HEAT_USER, "", None),
])
def test_bad_credentials_are_400_ism_4000(heat_simulator: Simulator, username: str, password: str,
                                          tenant: str | None) -> None:
    response = login(heat_simulator, username, password, tenant=tenant)
    assert response.status_code == 400
    assert response.json()["code"] == "ISM_4000"
    assert response.json()["message"] == ["Tenant Not Found or wrong Password or OpenID not Configured Properly."]


def test_login_body_that_is_not_json_is_400(heat_simulator: Simulator) -> None:
    response = requests.post(heat_simulator.base_url + LOGIN, data="tenant=x", timeout=10)
    assert response.status_code == 400


def test_expired_sessions_need_a_new_login(heat_simulator: Simulator) -> None:
    key = login(heat_simulator).json()
    heat_simulator.inject("expire_sessions")
    response = Raw(heat_simulator.base_url, key).get("incidents")
    assert response.status_code == 401
    assert response.json()["code"] == "ISM_4001"
    assert response.json()["message"] == ["Authentication required"]
    fresh = login(heat_simulator).json()
    assert Raw(heat_simulator.base_url, fresh).get("incidents").status_code == 200
    assert Raw(heat_simulator.base_url, key_header(heat_simulator.api_key)).get("incidents").status_code == 200


def test_logout_ends_the_session(heat_simulator: Simulator) -> None:
    key = login(heat_simulator).json()
    raw = Raw(heat_simulator.base_url, key)
    response = raw.post(LOGOUT)
    assert response.status_code == 200
    assert response.json()["code"] == "ISM_2000"
    assert raw.get("incidents").status_code == 401


def test_employee_with_internal_auth_can_log_in(heat_simulator: Simulator, api: Raw) -> None:
    """A self-service login: LoginID, IsInternalAuth, InternalAuthPasswd, Status Active, not Disabled."""
    employee = api.employee(LoginID="jdoe", IsInternalAuth=True, InternalAuthPasswd="Pa55-word!")
    assert login(heat_simulator, "JDOE", "Pa55-word!").status_code == 200
    assert login(heat_simulator, "jdoe", "wrong").status_code == 400
    api.patch(f"employees('{employee['RecId']}')", {"Disabled": True})
    assert login(heat_simulator, "jdoe", "Pa55-word!").status_code == 400
    api.patch(f"employees('{employee['RecId']}')", {"Disabled": False, "IsInternalAuth": False})
    assert login(heat_simulator, "jdoe", "Pa55-word!").status_code == 400


def test_the_request_log_never_holds_secrets(heat_simulator: Simulator, api: Raw) -> None:
    key = login(heat_simulator).json()
    api.employee(LoginID="jdoe", InternalAuthPasswd="Sup3r-secret")
    logged = repr(heat_simulator.requests)
    for secret in (heat_simulator.api_key, HEAT_PASSWORD, key, "Sup3r-secret"):
        assert secret not in logged


def test_a_simulator_without_keys_accepts_only_sessions() -> None:
    with Simulator(users={"admin": "admin"}) as sim:
        assert Raw(sim.base_url, "rest_api_key=").get("incidents").status_code == 401
        key = login(sim, "admin", "admin").json()
        assert Raw(sim.base_url, key).get("incidents").status_code == 200
