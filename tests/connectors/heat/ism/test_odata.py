"""OData builders: literals, filters that cannot be injected, query option limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from config.errors import RecordError
from connectors.heat.ism import odata


@pytest.mark.parametrize(("value", "text"), [
    ("jdoe", "'jdoe'"),
    ("O'Brien", "'O''Brien'"),
    ("''", "''''''"),
    ("", "''"),
    (None, "'$NULL'"),
    (True, "true"),
    (False, "false"),
    (11169, "11169"),
    (Decimal("2.50"), "2.50"),
    (1.5, "1.5"),
    (dt.date(2026, 1, 1), "2026-01-01"),
    (dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))), "2026-01-01T00:00:00Z"),
])
def test_literal_syntax(value: object, text: str) -> None:
    assert odata.literal(value) == text


@pytest.mark.parametrize("value", [dt.datetime(2026, 1, 1), float("nan"), object()])
def test_literal_refuses_ambiguous_values(value: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        odata.literal(value)


def test_quote_in_a_name_cannot_inject_an_operator() -> None:
    """The whole hostile value stays one literal: the filter still parses as one comparison."""
    hostile = "x' or LoginID ne 'y"
    built = odata.eq("LastName", hostile)
    assert built.text == "LastName eq 'x'' or LoginID ne ''y'"
    assert odata.check_filter(built.text) == built


def test_and_or_compose_with_parentheses_around_or() -> None:
    either = odata.eq("CustID", "A1") | odata.eq("PrimaryEmail", "a@b.c")
    assert either.text == "CustID eq 'A1' or PrimaryEmail eq 'a@b.c'"
    assert (either & odata.eq("Disabled", False)).text == (
        "(CustID eq 'A1' or PrimaryEmail eq 'a@b.c') and Disabled eq false")


@pytest.mark.parametrize("name", ["contains(Subject,'x')", "Sub ject", "a'b", "", "1abc", "x;y"])
def test_field_names_must_be_identifiers(name: str) -> None:
    with pytest.raises(ValueError):
        odata.eq(name, "x")


def test_unsupported_operator_refused() -> None:
    with pytest.raises(ValueError):
        odata.compare("Subject", "like", "x")


@pytest.mark.parametrize("text", [
    "contains(Subject,'x')",
    "Subject eq 'a' and substringof('x', Symptom)",
    "startswith (Subject, 'x') eq true",
    "Subject like 'x'",
    "not Disabled eq true",
    "Subject eq 'unterminated",
    "(Subject eq 'a'",
    "",
])
def test_check_filter_refuses_functions_and_unknown_syntax(text: str) -> None:
    with pytest.raises(ValueError):
        odata.check_filter(text)


@pytest.mark.parametrize("text", [
    "LoginID eq 'jdoe'",
    "Name eq 'contains(x)'",
    "CreatedDateTime gt 2026-01-01T00:00:00Z and Owner eq '$NULL'",
    "(A eq 1 or B eq 2) and C ne 'it''s'",
])
def test_check_filter_accepts_isms_subset(text: str) -> None:
    assert str(odata.check_filter(text)) == text


def test_query_always_sends_top_and_joins_select() -> None:
    params = odata.query(filter=odata.eq("CustID", "A"), select=["RecId", "CustID", "RecId"])
    assert params == {"$top": "100", "$filter": "CustID eq 'A'", "$select": "RecId,CustID"}
    assert odata.query(top=10, skip=20, orderby=[("LastModDateTime", "asc")]) == {
        "$top": "10", "$skip": "20", "$orderby": "LastModDateTime asc"}


@pytest.mark.parametrize("kwargs", [{"top": 101}, {"top": 0}, {"skip": -1},
                                    {"orderby": [("Subject", "up")]}, {"orderby": [("Sub ject", "asc")]},
                                    {"select": ["a,b"]}])
def test_query_refuses_what_the_server_would_refuse_or_204(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        odata.query(**kwargs)


def test_record_path_checks_the_recid() -> None:
    rec = "085867f47547496783005d95cb82d557"
    assert odata.record_path("incidents", rec) == f"odata/businessobject/incidents('{rec.upper()}')"
    with pytest.raises(RecordError):
        odata.record_path("incidents", "x') or ('1")
