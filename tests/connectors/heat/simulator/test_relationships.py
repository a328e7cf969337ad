"""Journal notes, task assignments, `ParentLink` rights, relationship reads and `$Ref` links."""

from __future__ import annotations

import pytest

from connectors.heat.simulator import Simulator
from tests.connectors.heat.simulator.client import Raw

LINKED = {"code": "ISM_2000", "description": "Ok", "message": ["Successfully Created the link"]}


def note(api: Raw, parent: str, **fields: object) -> dict:
    return api.create("journal__notess", {"Subject": "Welcome", "NotesBody": "Sent the letter",
                                          "ParentLink_RecID": parent, "ParentLink_Category": "Incident#", **fields})


def test_note_defaults_and_read_back_category(api: Raw) -> None:
    incident = api.incident()
    created = note(api, incident["RecId"])
    assert created["PublishToWeb"] is False
    assert created["Category"] == "Memo"
    assert created["ParentLink_Category"] == "Incident"  # the read-back drops the '#'
    assert created["ParentLink"] == str(incident["IncidentNumber"])
    assert created["JournalType"] == "Notes"
    published = note(api, incident["RecId"], PublishToWeb=True, Category="Status Update", Source="E-mail")
    assert published["PublishToWeb"] is True and published["Source"] == "E-mail"


def test_plain_incident_parent_category_is_a_rights_error(api: Raw) -> None:
    incident = api.incident()
    response = api.post("journal__notess", {"Subject": "n", "ParentLink_RecID": incident["RecId"],
                                            "ParentLink_Category": "Incident"})
    assert response.status_code == 400
    assert response.json()["message"][0].startswith("Role Admin does not have rights to update following fields")


def test_echoing_the_read_back_category_in_a_patch_is_accepted(api: Raw) -> None:
    created = note(api, api.incident()["RecId"])
    response = api.patch(f"journal__notess('{created['RecId']}')",
                         {"ParentLink_Category": created["ParentLink_Category"], "Subject": "edited"})
    assert response.status_code == 200 and response.json()["Subject"] == "edited"


def test_incident_contains_journal(api: Raw) -> None:
    incident = api.incident()
    path = f"incidents('{incident['RecId']}')/IncidentContainsJournal"
    empty = api.get(path)
    assert empty.status_code == 200 and empty.json() == {"value": "No instances found."}
    first = note(api, incident["RecId"])
    note(api, api.incident()["RecId"])  # another ticket's note
    rows = api.get(path).json()["value"]
    assert [r["RecId"] for r in rows] == [first["RecId"]]
    assert api.get(f"incidents('{'C' * 32}')/IncidentContainsJournal").json()["message"] == ["Invalid key"]
    assert api.get(f"incidents('{incident['RecId']}')/NoSuchRelationship").status_code == 404


def test_ref_links_a_note_to_an_incident(api: Raw) -> None:
    incident = api.incident()
    orphan = api.create("journal__notess", {"Subject": "loose"})
    path = f"incidents('{incident['RecId']}')/IncidentContainsJournal('{orphan['RecId']}')/$Ref"
    response = api.patch(path, {})
    assert response.status_code == 200 and response.json() == LINKED
    rows = api.get(f"incidents('{incident['RecId']}')/IncidentContainsJournal").json()["value"]
    assert rows[0]["ParentLink_RecID"] == incident["RecId"] and rows[0]["ParentLink_Category"] == "Incident"
    unlinked = api.delete(path)
    assert unlinked.status_code == 200 and unlinked.json()["code"] == "ISM_2000"
    assert api.get(f"incidents('{incident['RecId']}')/IncidentContainsJournal").json()["value"] == "No instances found."
    assert api.patch(f"incidents('{incident['RecId']}')/IncidentContainsJournal('{'D' * 32}')/$Ref", {}).status_code == 400


def test_ref_links_an_incident_to_its_customer(api: Raw) -> None:
    incident, employee = api.incident(), api.employee(LoginID="jdoe", PrimaryEmail="j@x.test")
    path = f"incidents('{incident['RecId']}')/IncidentAssociatedCustomer('{employee['RecId']}')/$Ref"
    assert api.patch(path, {}).json() == LINKED
    linked = api.get(f"incidents('{incident['RecId']}')").json()
    assert linked["ProfileLink_RecID"] == employee["RecId"] and linked["Email"] == "j@x.test"
    customers = api.get(f"incidents('{incident['RecId']}')/IncidentAssociatedCustomer").json()["value"]
    assert [c["LoginID"] for c in customers] == ["jdoe"]


def test_employee_role_link(api: Raw, heat_simulator: Simulator) -> None:
    employee = api.employee(LoginID="jdoe")
    role = api.get("frs_def_roles", **{"$filter": "Name eq 'SelfService'"}).json()["value"][0]
    path = f"employees('{employee['RecId']}')/EmployeeAssociatedRole('{role['RecId']}')/$Ref"
    assert api.patch(path, {}).json() == LINKED
    roles = api.get(f"employees('{employee['RecId']}')/EmployeeAssociatedRole").json()["value"]
    assert [r["Name"] for r in roles] == ["SelfService"]


def test_task_assignment_for_a_second_team(api: Raw) -> None:
    api.create("standarduserteams", {"Team": "Engineering"})
    incident = api.incident()
    task = api.create("task__assignments", {"Subject": "Review", "OwnerTeam": "Engineering",
                                            "ParentLink_RecID": incident["RecId"], "ParentLink_Category": "Incident#"})
    assert task["AssignmentID"] == 1 and task["OwnerTeam_Valid"]
    assert api.get("tasks").json()["value"][0]["RecId"] == task["RecId"]  # the base type reads its subtypes
    tasks = api.get(f"incidents('{incident['RecId']}')/IncidentContainsTask").json()["value"]
    assert [t["RecId"] for t in tasks] == [task["RecId"]]


@pytest.mark.parametrize("category", ["ServiceReq#", "Incident#"])
def test_note_parent_must_exist(api: Raw, category: str) -> None:
    response = api.post("journal__notess", {"Subject": "n", "ParentLink_RecID": "E" * 32, "ParentLink_Category": category})
    assert response.status_code == 400


def test_service_request_plain_post(api: Raw) -> None:
    created = api.create("servicereqs", {"Subject": "Login please"})
    assert created["ServiceReqNumber"] == 20001 and created["Status"] == "Submitted"
