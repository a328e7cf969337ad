"""Pure conversions and the adoption rule, as tables."""

from __future__ import annotations

import pytest

from config.errors import ConfigurationError, RecordError
from connectors.heat.base import CustomerData, TicketData, require
from connectors.heat.ism import records
from connectors.heat.ism.names import load_names

NAMES = load_names()
REC = "085867F47547496783005D95CB82D557"
JANE = CustomerData("GM1", "Jane", "Doe", "jane@example.com")


def _emp(n: int, **fields: str) -> dict:
    return {"RecId": f"{n:032X}", **fields}


@pytest.mark.parametrize(("data", "rows", "adopted"), [
    (JANE, [_emp(1, PrimaryEmail="JANE@example.com", FirstName="J", LastName="D")], [1]),
    (JANE, [_emp(1, PrimaryEmail="jane@example.com", CustID="GM9")], []),
    (JANE, [_emp(1, FirstName="jane", LastName="DOE")], [1]),
    (JANE, [_emp(1, FirstName="Jane", LastName="Doe", PrimaryEmail="other@x.com")], []),
    (JANE, [_emp(1, DisplayName="Jane Doe")], []),
    (JANE, [_emp(1, PrimaryEmail="jane@example.com"), _emp(2, PrimaryEmail="jane@example.com",
                                                            FirstName="Jane", LastName="Doe")], [2]),
    (JANE, [_emp(1, PrimaryEmail="jane@example.com"), _emp(2, PrimaryEmail="jane@example.com")], [1, 2]),
    (CustomerData("GM1", "Jane", "Doe", ""), [_emp(1, FirstName="Jane", LastName="Doe", PrimaryEmail="a@b")], [1]),
    (JANE, [_emp(1, FirstName="Jane", LastName="Doe"), _emp(2, FirstName="Jane", LastName="Doe")], [1, 2]),
])
def test_adoption_rule(data: CustomerData, rows: list[dict], adopted: list[int]) -> None:
    found = records.adoptable(data, rows, NAMES)
    assert [int(r["RecId"], 16) for r in found] == adopted


def test_one_filter_asks_for_custid_email_and_name() -> None:
    assert str(records.candidates_filter(CustomerData("GM'1", "Jane", "O'Doe", "j@x"), NAMES)) == (
        "CustID eq 'GM''1' or PrimaryEmail eq 'j@x' or FirstName eq 'Jane' and LastName eq 'O''Doe'")
    assert str(records.candidates_filter(CustomerData("GM1", "", "Doe", ""), NAMES)) == "CustID eq 'GM1'"


def test_changes_are_only_the_differences_and_a_link_keeps_its_category() -> None:
    row = {"RecId": REC, "FirstName": "Jane", "OrgUnitLink_RecID": "A" * 32, "OrgUnitLink_Category": "x"}
    assert records.changes(row, {"FirstName": "Jane ", "OrgUnitLink_RecID": "A" * 32,
                                 "OrgUnitLink_Category": "OrganizationalUnit"}) == {}
    assert records.changes(row, {"FirstName": "Jan", "OrgUnitLink_RecID": "B" * 32,
                                 "OrgUnitLink_Category": "OrganizationalUnit"}) == {
        "FirstName": "Jan", "OrgUnitLink_RecID": "B" * 32, "OrgUnitLink_Category": "OrganizationalUnit"}


def test_employee_body_leaves_blank_optional_fields_alone() -> None:
    body = records.employee_body(CustomerData("GM1", " Jane", "Doe", "", phone=" ", extra={"Department": "R&D"}),
                                 REC.lower(), NAMES)
    assert body == {"CustID": "GM1", "FirstName": "Jane", "LastName": "Doe", "OrgUnitLink_RecID": REC,
                    "OrgUnitLink_Category": "OrganizationalUnit", "Department": "R&D"}


def test_employee_body_refuses_a_mapped_name_that_is_not_a_field() -> None:
    with pytest.raises(ConfigurationError):
        records.employee_body(CustomerData("GM1", "J", "D", "", extra={"Dept Name": "x"}), "", NAMES)


def test_ticket_body_is_a_logged_incident_for_the_team() -> None:
    body = records.ticket_body(TicketData(REC, "Customer Support", "S", "D"), "S", "Customer Support", NAMES)
    assert body == {"Subject": "S", "Symptom": "D", "ProfileLink_RecID": REC, "ProfileLink_Category": "Employee",
                    "OwnerTeam": "Customer Support", "Status": "Logged"}


def test_note_body_is_a_private_memo_on_the_incident() -> None:
    assert records.note_body(REC, "S", "B", False, NAMES) == {
        "Subject": "S", "NotesBody": "B", "PublishToWeb": False, "ParentLink_RecID": REC,
        "ParentLink_Category": "Incident#", "Category": "Memo"}


@pytest.mark.parametrize("value", ["", "  "])
def test_required_values(value: str) -> None:
    with pytest.raises(RecordError):
        require(value, "Subject", "open_ticket")


@pytest.mark.parametrize(("value", "flag"), [(True, True), ("True", True), ("1", True), (False, False),
                                             (None, False), ("false", False)])
def test_publish_flags_read_back_in_any_form(value: object, flag: bool) -> None:
    assert records.note({"RecId": REC, "PublishToWeb": value}, NAMES).publish_to_web is flag
