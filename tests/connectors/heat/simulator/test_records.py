"""Create, read, update, delete: server-filled fields, link fields, validation and status rules."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from connectors.heat.simulator import Simulator
from tests.connectors.heat.simulator.client import Raw

REC_ID = re.compile(r"[0-9A-F]{32}")


def test_employee_create_fills_the_server_fields(api: Raw, heat_simulator: Simulator) -> None:
    org = api.create("organizationalunits", {"Name": "Acme Ltd"})
    employee = api.employee(LoginID="jdoe", FirstName="Jane", MiddleName="Q", CustID="ACC-1",
                            PrimaryEmail="jane@acme.test", IsInternalAuth=True, InternalAuthPasswd="Pa55!",
                            OrgUnitLink_RecID=org["RecId"], OrgUnitLink_Category="OrganizationalUnit",
                            CreatedBy="goldheat")
    assert REC_ID.fullmatch(employee["RecId"])
    assert employee["DisplayName"] == "Jane Q Doe"
    assert employee["OrgUnitLink"] == "Acme Ltd" and employee["OrganizationalUnit"] == "Acme Ltd"
    assert employee["InternalAuthPasswd"] is None
    assert employee["CreatedBy"] == "goldheat"  # a sent CreatedBy is kept
    assert employee["LastModBy"] == "InternalServices"  # LastModBy is always the API account
    assert datetime.fromisoformat(employee["CreatedDateTime"]).utcoffset() is not None
    assert employee["Status"] == "Active" and employee["Disabled"] is False
    stored = heat_simulator.records("employees")
    assert "Pa55!" not in repr(stored)
    assert heat_simulator.password_matches("JDOE", "Pa55!")


def test_incident_create_links_the_customer(api: Raw) -> None:
    org = api.create("organizationalunits", {"Name": "Acme Ltd"})
    employee = api.employee(LoginID="jdoe", PrimaryEmail="jane@acme.test", PrimaryPhone="+44 1",
                            OrgUnitLink_RecID=org["RecId"], OrgUnitLink_Category="OrganizationalUnit")
    first = api.incident(ProfileLink_RecID=employee["RecId"], ProfileLink_Category="Employee",
                         OwnerTeam="customer support", Source="phone")
    second = api.incident()
    assert second["IncidentNumber"] == first["IncidentNumber"] + 1
    assert first["ProfileFullName"] == "Jane Doe" and first["ProfileLink"] == "Jane Doe"
    assert (first["Email"], first["LoginId"], first["Phone"]) == ("jane@acme.test", "jdoe", "+44 1")
    assert first["OrgUnitLink_RecID"] == org["RecId"] and first["OrgUnitLink"] == "Acme Ltd"
    assert first["OwnerTeam"] == "Customer Support" and REC_ID.fullmatch(first["OwnerTeam_Valid"])
    assert first["Source"] == "Phone" and first["Source_Valid"]
    assert first["Status"] == "Logged" and first["ReadOnly"] is False and first["IsInFinalState"] is False


def test_link_to_a_missing_record_is_400(api: Raw) -> None:
    response = api.post("incidents", {"Subject": "x", "ProfileLink_RecID": "0" * 32, "ProfileLink_Category": "Employee"})
    assert response.status_code == 400 and "ProfileLink" in response.json()["message"][0]


@pytest.mark.parametrize(("team", "status"), [("Customer Support", 201), ("No Such Team", 400)])
def test_owner_team_must_exist(api: Raw, team: str, status: int) -> None:
    response = api.post("incidents", {"Subject": "x", "OwnerTeam": team})
    assert response.status_code == status
    if status == 400:
        assert "OwnerTeam" in response.json()["message"][0]


def test_a_new_team_can_be_created_and_used(api: Raw) -> None:
    api.create("standarduserteams", {"Team": "Engineering"})
    assert api.post("incidents", {"Subject": "x", "OwnerTeam": "engineering"}).json()["OwnerTeam"] == "Engineering"


def test_unresolvable_pick_list_value_is_500_with_empty_message(api: Raw) -> None:
    response = api.post("incidents", {"Subject": "x", "Category": "Not A Category"})
    assert response.status_code == 500
    assert response.json() == {"code": "ISM_5000", "description": "Internal Server Error", "message": [""]}


def test_active_needs_category_and_owner(api: Raw) -> None:
    employee = api.employee(LoginID="jdoe")
    body = {"Subject": "x", "Symptom": "y", "Status": "Active", "ProfileLink_RecID": employee["RecId"],
            "ProfileLink_Category": "Employee", "OwnerTeam": "Customer Support"}
    response = api.post("incidents", body)
    assert response.status_code == 400
    assert response.json()["message"] == ["Required field Incident.Category value must be provided"]
    response = api.post("incidents", {**body, "Category": "Customer Support"})
    assert response.json()["message"] == ["Required field Incident.Owner value must be provided"]
    created = api.create("incidents", {**body, "Category": "Customer Support", "Owner": "ANALYST"})
    assert created["Owner"] == "analyst" and created["Owner_Valid"]


def test_required_messages_use_display_names(api: Raw) -> None:
    body = {"Subject": "x", "Status": "Active", "Category": "Other", "Owner": "analyst", "OwnerTeam": "Customer Support"}
    assert api.post("incidents", body).json()["message"] == ["Required field Incident.Customer value must be provided"]
    employee = api.employee()
    body.update(ProfileLink_RecID=employee["RecId"], ProfileLink_Category="Employee")
    assert api.post("incidents", body).json()["message"] == ["Required field Incident.Description value must be provided"]


def test_unknown_owner_is_400(api: Raw) -> None:
    response = api.post("incidents", {"Subject": "x", "Owner": "ghost"})
    assert response.status_code == 400 and "Owner" in response.json()["message"][0]


@pytest.mark.parametrize(("entity_set", "field", "limit"), [
    ("incidents", "Subject", 255), ("employees", "CustID", 50), ("employees", "FirstName", 50),
    ("employees", "PrimaryEmail", 100), ("journal__notess", "Subject", 255), ("organizationalunits", "Name", 100),
])
def test_field_length_limits(api: Raw, entity_set: str, field: str, limit: int) -> None:
    base = {"LastName": "Doe"} if entity_set == "employees" else {"Name": "n"} if entity_set == "organizationalunits" else {}
    assert api.post(entity_set, {**base, field: "x" * limit}).status_code == 201
    response = api.post(entity_set, {**base, field: "x" * (limit + 1)})
    assert response.status_code == 400
    assert response.json()["code"] == "ISM_4000" and field in response.json()["message"][0]


@pytest.mark.parametrize("body", [{"Subject": "x", "NoSuchField": 1}, {"Subject": {"a": 1}}, ["Subject"], "text"])
def test_bad_payloads_are_400(api: Raw, body: object) -> None:
    response = api.post("incidents", body)
    assert response.status_code == 400 and response.json()["code"] == "ISM_4000"


def test_employee_login_id_is_unique(api: Raw) -> None:
    api.employee(LoginID="jdoe")
    assert api.post("employees", {"LastName": "Other", "LoginID": "JDoe"}).status_code == 400


def test_employee_needs_a_last_name(api: Raw) -> None:
    response = api.post("employees", {"FirstName": "Jane"})
    assert response.json()["message"] == ["Required field Employee.LastName value must be provided"]


@pytest.mark.parametrize("method", ["patch", "put"])
def test_update_is_partial_and_returns_the_full_record(api: Raw, method: str) -> None:
    employee = api.employee(LoginID="jdoe", PrimaryEmail="old@x.test")
    response = getattr(api, method)(f"employees('{employee['RecId']}')", {"Status": "Terminated", "Disabled": True})
    assert response.status_code == 200
    updated = response.json()
    assert (updated["Status"], updated["Disabled"], updated["PrimaryEmail"]) == ("Terminated", True, "old@x.test")
    assert updated["CreatedDateTime"] == employee["CreatedDateTime"]


def test_update_of_an_unknown_rec_id_is_400_invalid_key(api: Raw) -> None:
    response = api.patch(f"incidents('{'A' * 32}')", {"Subject": "x"})
    assert response.status_code == 400
    assert response.json() == {"code": "ISM_4000", "description": "Bad Request", "message": ["Invalid key"]}
    assert api.patch("incidents(ABC)", {"Subject": "x"}).json()["message"] == ["Invalid key"]


def test_get_one_record_and_with_select_no_fields(api: Raw) -> None:
    incident = api.incident()
    one = api.get(f"incidents('{incident['RecId']}')").json()
    assert one["RecId"] == incident["RecId"] and one["Subject"] == "Order 1001"
    selected = api.get(f"incidents('{incident['RecId']}')", **{"$select": "Subject"}).json()
    assert [k for k in selected if not k.startswith("@")] == []
    assert api.get(f"incidents('{'B' * 32}')").status_code == 404


def test_closed_records_still_take_patches_but_not_reopening_or_delete(api: Raw) -> None:
    employee = api.employee(LoginID="jdoe")
    incident = api.incident(ProfileLink_RecID=employee["RecId"], ProfileLink_Category="Employee", Status="Closed",
                            Category="Other", Owner="analyst", OwnerTeam="Customer Support", Resolution="done")
    assert incident["ReadOnly"] is True and incident["IsInFinalState"] is False
    assert incident["ClosedBy"] == "InternalServices" and incident["ClosedDateTime"]
    path = f"incidents('{incident['RecId']}')"
    assert api.patch(path, {"Subject": "changed"}).json()["Subject"] == "changed"
    response = api.patch(path, {"Status": "Active"})
    assert response.status_code == 400 and "DataLayer.PromptException" in response.json()["message"][0]
    assert api.delete(path).status_code == 400


def test_delete(api: Raw, heat_simulator: Simulator) -> None:
    incident = api.incident()
    path = f"incidents('{incident['RecId']}')"
    assert api.delete(path).status_code == 204
    assert heat_simulator.records("incidents") == []
    assert api.delete(path).json()["message"] == ["Invalid key"]


@pytest.mark.parametrize("entity_set", ["tasks", "journals"])
def test_base_types_cannot_be_created(api: Raw, entity_set: str) -> None:
    response = api.post(entity_set, {"Subject": "x"})
    assert response.status_code == 400 and response.json()["code"] == "ISM_4000"


def test_unknown_set_is_404_ism_4004(api: Raw) -> None:
    for response in (api.get("nosuchthings"), api.post("incident", {"Subject": "x"}), api.get("/api/nothing/here")):
        assert response.status_code == 404
        assert response.json() == {"code": "ISM_4004", "description": "Not Found",
                                   "message": ["No service for the resource is registered"]}


def test_set_names_ignore_case(api: Raw) -> None:
    api.incident()
    assert api.get("Incidents").status_code == 200
    assert api.post("journal__Notess", {"Subject": "n"}).status_code == 201


def test_service_request_new_refuses_with_a_200(api: Raw, heat_simulator: Simulator) -> None:
    response = api.post("/api/rest/ServiceRequest/new", {"subscriptionId": "x", "parameters": {}})
    assert response.status_code == 200 and response.json()["IsSuccess"] is False
    assert heat_simulator.records("servicereqs") == []
