"""Collection reads over HTTP: $filter, $select, $top, $skip, $orderby, the quirks, $metadata."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from connectors.heat.simulator import Simulator
from tests.connectors.heat.simulator.client import Raw

EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}Edmx"
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"


def make_employees(api: Raw, n: int) -> list[dict]:
    return [api.employee(LoginID=f"user{i:03d}", LastName=f"Name{i:03d}", CustID=f"C{i}") for i in range(n)]


def test_filter_with_doubled_quotes(api: Raw) -> None:
    api.employee(LoginID="obrien", LastName="O'Brien")
    body = api.get("employees", **{"$filter": "LastName eq 'o''brien'"}).json()
    assert [e["LoginID"] for e in body["value"]] == ["obrien"]
    assert set(body) == {"@odata.context", "@odata.count", "value"}
    assert body["@odata.context"].endswith("/api/odata/$metadata#employees")


def test_no_match_is_200_with_an_empty_body(api: Raw) -> None:
    response = api.get("employees", **{"$filter": "LoginID eq 'nobody'"})
    assert response.status_code == 200 and response.content == b""


def test_unknown_filter_field_is_400(api: Raw) -> None:
    response = api.get("employees", **{"$filter": "Nope eq 'x'"})
    assert response.status_code == 400 and response.json()["code"] == "ISM_4000"


def test_functions_are_silently_ignored(api: Raw) -> None:
    make_employees(api, 3)
    rows = api.get("employees", **{"$filter": "contains(LastName,'zzz')", "$top": 100}).json()["value"]
    assert len(rows) == 4  # the three and the seeded analyst


def test_unquoted_dates_and_numbers(api: Raw) -> None:
    first = api.incident()
    api.incident()
    rows = api.get("incidents", **{"$filter": f"IncidentNumber gt {first['IncidentNumber']}"}).json()["value"]
    assert len(rows) == 1
    assert len(api.get("incidents", **{"$filter": "CreatedDateTime gt 2020-01-01T00:00:00Z"}).json()["value"]) == 2
    assert api.get("incidents", **{"$filter": "CreatedDateTime gt datetime'2020-01-01T00:00:00'"}).status_code == 400


def test_null_and_boolean_literals(api: Raw) -> None:
    api.incident(Owner="analyst")
    api.incident()
    assert len(api.get("incidents", **{"$filter": "Owner eq '$NULL'"}).json()["value"]) == 1
    assert len(api.get("incidents", **{"$filter": "ReadOnly eq false"}).json()["value"]) == 2


def test_select_on_a_collection(api: Raw) -> None:
    api.create("organizationalunits", {"Name": "Acme"})
    body = api.get("organizationalunits", **{"$filter": "Name eq 'acme'", "$select": "RecId"}).json()
    assert list(body["value"][0]) == ["RecId"]
    assert api.get("organizationalunits", **{"$select": "RecId,Bogus"}).status_code == 400


def test_top_defaults_to_25_and_refuses_more_than_100(api: Raw) -> None:
    make_employees(api, 29)
    assert len(api.get("employees").json()["value"]) == 25
    assert len(api.get("employees", **{"$top": 100}).json()["value"]) == 30
    response = api.get("employees", **{"$top": 101})
    assert response.status_code == 400
    assert response.json()["message"] == ["Invalid Request Payload"]


def test_paging_with_skip_until_a_short_page(api: Raw) -> None:
    created = {e["RecId"] for e in make_employees(api, 11)}
    seen: list[str] = []
    skip = 0
    while True:
        response = api.get("employees", **{"$filter": "LoginID ne 'analyst'", "$top": 4, "$skip": skip,
                                           "$orderby": "LoginID asc"})
        page = response.json()["value"] if response.content else []
        seen += [e["RecId"] for e in page]
        if len(page) < 4:
            break
        skip += 4
    assert len(seen) == len(set(seen)) == 11 and set(seen) == created


@pytest.mark.parametrize("orderby", ["Nope asc", "LastName sideways", "LastName asc desc"])
def test_bad_orderby_is_204_with_no_body(api: Raw, orderby: str) -> None:
    response = api.get("employees", **{"$orderby": orderby})
    assert response.status_code == 204 and response.content == b""


def test_orderby_desc(api: Raw) -> None:
    make_employees(api, 3)
    rows = api.get("employees", **{"$orderby": "LastName desc", "$filter": "CustID ne '$NULL'"}).json()["value"]
    assert [r["LastName"] for r in rows] == ["Name002", "Name001", "Name000"]


def test_count_is_a_floor_that_lags_new_records(api: Raw) -> None:
    make_employees(api, 3)
    first = api.get("employees", **{"$top": 100}).json()
    assert len(first["value"]) == 4 and first["@odata.count"] == 1  # only the seeded analyst is indexed yet
    assert api.get("employees", **{"$top": 100}).json()["@odata.count"] == 4


def test_exact_count_option() -> None:
    with Simulator(api_keys=["k"], exact_count=True) as sim:
        raw = Raw(sim.base_url, "rest_api_key=k")
        raw.incident()
        assert raw.get("incidents").json()["@odata.count"] == 1


def test_search(api: Raw) -> None:
    api.employee(LastName="Johnson", LoginID="jj")
    api.employee(LastName="Smith", LoginID="ss")
    rows = api.get("employees", **{"$search": "john"}).json()["value"]
    assert [r["LoginID"] for r in rows] == ["jj"]


@pytest.mark.parametrize("prefix", ["", "/HEAT"])
def test_metadata_is_an_edmx_document(heat_simulator: Simulator, prefix: str) -> None:
    raw = Raw(heat_simulator.base_url, f"rest_api_key={heat_simulator.api_key}", prefix)
    response = raw.http.get(raw.url("/api/odata/incidents/$metadata"), headers={"Accept": "application/xml"})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == EDMX
    entity = root.find(f".//{EDM}EntityType")
    names = {p.get("Name") for p in entity.findall(f"{EDM}Property")}
    assert {"RecId", "Subject", "ProfileLink_RecID", "OwnerTeam_Valid", "IncidentNumber"} <= names
    navigation = {p.get("Name") for p in entity.findall(f"{EDM}NavigationProperty")}
    assert "IncidentContainsJournal" in navigation
    subject = next(p for p in entity.findall(f"{EDM}Property") if p.get("Name") == "Subject")
    assert subject.get("MaxLength") == "255"


def test_metadata_quirks(heat_simulator: Simulator) -> None:
    raw = Raw(heat_simulator.base_url, f"rest_api_key={heat_simulator.api_key}")
    xml = {"Accept": "application/xml"}
    assert raw.http.get(raw.url("/api/odata/incidents/$metadata"), headers={"Accept": "application/json"}).status_code == 500
    assert raw.http.get(raw.url("/api/odata/$metadata"), headers=xml).status_code == 404
    unknown = raw.http.get(raw.url("/api/odata/nosuchthings/$metadata"), headers=xml)
    assert unknown.status_code == 200
    entity = ET.fromstring(unknown.content).find(f".//{EDM}EntityType")
    assert entity is not None and len(entity) == 0
    assert Raw(heat_simulator.base_url, None).http.get(raw.url("/api/odata/incidents/$metadata")).status_code == 401


def test_fulltext_search(api: Raw) -> None:
    api.employee(LastName="Johnson", LoginID="jj")
    api.employee(LastName="Smith", LoginID="ss")
    body = api.post("/api/rest/search/fulltext", {"Text": "john", "ObjectType": "Profile#Employee", "Top": 20,
                                                  "Skip": 0}).json()
    assert [r["LoginID"] for r in body["data"]] == ["jj"]
    assert body["totalRows"] == 1 and body["keyRef"] == "RecId" and body["searchText"] == "john"
    assert api.post("/api/rest/search/fulltext", {"Text": "x", "ObjectType": "Nothing"}).status_code == 400
