"""The OData subset as pure functions: which filters match which records, and what is refused."""

from __future__ import annotations

import pytest

from connectors.heat.simulator import odata
from connectors.heat.simulator.errors import IsmError
from connectors.heat.simulator.objects import EMPLOYEE, INCIDENT

RECORD = {"Subject": "O'Brien's order", "IncidentNumber": 11169, "Owner": None, "OwnerTeam": "",
          "Status": "Active", "CreatedDateTime": "2026-03-01T10:00:00-08:00", "ReadOnly": False}


@pytest.mark.parametrize(("expression", "matches"), [
    ("Subject eq 'O''Brien''s order'", True),
    ("Subject eq 'o''brien''S ORDER'", True),  # eq ignores case on strings
    ("Subject ne 'x'", True),
    ("IncidentNumber eq 11169", True),
    ("IncidentNumber gt 11169", False),
    ("IncidentNumber ge 11169 and IncidentNumber le 11169", True),
    ("IncidentNumber lt 100 or Status eq 'active'", True),
    ("(IncidentNumber lt 100 or Status eq 'x') and Subject ne ''", False),
    ("Owner eq '$NULL'", True),
    ("OwnerTeam eq '$NULL'", True),  # blank counts as null
    ("Status ne '$NULL'", True),
    ("Owner eq null", True),
    ("CreatedDateTime gt 2026-01-01", True),
    ("CreatedDateTime gt 2026-03-01T18:00:00Z", False),  # 10:00-08:00 is 18:00Z
    ("CreatedDateTime ge 2026-03-01T18:00:00Z", True),
    ("CreatedDateTime lt 2026-03-01T19:00:00+01:00", False),
    ("ReadOnly eq false", True),
    ("ReadOnly eq true", False),
    ("contains(Subject,'nothing like it')", True),  # functions are silently ignored
    ("startswith(Subject,'zzz') eq true and IncidentNumber eq 11169", True),
    ("subject EQ 'o''brien''s order'", True),  # field names and operators ignore case
])
def test_filter_matches(expression: str, matches: bool) -> None:
    assert odata.parse_filter(expression, INCIDENT)(RECORD) is matches


@pytest.mark.parametrize("expression", [
    "NoSuchField eq 'x'",
    "CreatedDateTime gt datetime'2026-01-01T00:00:00'",
    "Subject eq 'unterminated",
    "Subject like 'x'",
    "Subject eq",
    "IncidentNumber eq 'abc'",
    "not Subject eq 'x'",
    "Subject eq 'x' extra",
    "InternalAuthPasswd eq 'x'",
])
def test_filter_refused_with_400(expression: str) -> None:
    obj = EMPLOYEE if "Passwd" in expression else INCIDENT
    with pytest.raises(IsmError) as caught:
        odata.parse_filter(expression, obj)
    assert caught.value.status == 400
    assert caught.value.body["code"] == "ISM_4000"


@pytest.mark.parametrize("text", ["Nope", "Subject sideways", "Subject asc desc", "", "InternalAuthPasswd"])
def test_bad_orderby_is_flagged(text: str) -> None:
    with pytest.raises(odata.BadOrderBy):
        odata.parse_orderby(text, EMPLOYEE)


def test_orderby_sorts_nulls_first_and_descending() -> None:
    rows = [{"Subject": "b"}, {"Subject": None}, {"Subject": "A"}]
    keys = odata.parse_orderby("Subject asc", INCIDENT)
    assert [r["Subject"] for r in odata.sort_records(list(rows), keys)] == [None, "A", "b"]
    keys = odata.parse_orderby("subject DESC", INCIDENT)
    assert [r["Subject"] for r in odata.sort_records(list(rows), keys)] == ["b", "A", None]


@pytest.mark.parametrize(("value", "expected"), [(None, 25), ("", 25), ("0", 0), ("100", 100)])
def test_top_values(value: str | None, expected: int) -> None:
    assert odata.parse_count(value, odata.DEFAULT_TOP, odata.MAX_TOP) == expected


@pytest.mark.parametrize("value", ["101", "-1", "ten", "1.5"])
def test_top_refused(value: str) -> None:
    with pytest.raises(IsmError) as caught:
        odata.parse_count(value, odata.DEFAULT_TOP, odata.MAX_TOP)
    assert caught.value.body["message"] == ["Invalid Request Payload"]


def test_select_canonicalises_names_and_refuses_unknown() -> None:
    assert odata.parse_select("recid, loginid", EMPLOYEE) == ["RecId", "LoginID"]
    with pytest.raises(IsmError):
        odata.parse_select("RecId,Nope", EMPLOYEE)


@pytest.mark.parametrize(("search", "matches"), [
    ("bri", True), ("ORDER bri", True), ("rien", False), ("zzz or order", True), ("zzz", False), ('"order"', False),
])
def test_search_is_word_prefix(search: str, matches: bool) -> None:
    assert odata.parse_search(search, INCIDENT)(RECORD) is matches
