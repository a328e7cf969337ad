"""Loading the GoldMine -> HEAT mapping: validation at load, allow-list and record errors when applied."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from config.errors import ConfigurationError, RecordError
from mappings.loader import DEFAULT_FILE, FILE_NAME, load_mapping, parse

SOURCE = {
    "account.company": "Acme Instruments Ltd", "account.country": "United Kingdom",
    "account.phone1": "020 7946 0018", "account.key1": "Customer",
    "person.name": "Jane Ann Smith", "person.email": "Jane.Smith@Example.com", "person.title": "Lab Manager",
    "person.phone": "",
}


def default_data() -> dict:
    return tomllib.loads(DEFAULT_FILE.read_text())


def test_default_mapping_maps_an_order_customer() -> None:
    mapping = load_mapping()
    assert mapping.map("customer", SOURCE) == {
        "first_name": "Jane Ann", "last_name": "Smith", "email": "Jane.Smith@example.com",
        "phone": "+442079460018", "title": "Lab Manager", "organisation": "Acme Instruments Ltd"}
    assert mapping.map("organisation", SOURCE) == {"name": "Acme Instruments Ltd"}


def test_unmapped_fields_are_dropped() -> None:
    result = load_mapping().map("customer", {**SOURCE, "account.key1": "secret stuff"})
    assert "secret stuff" not in result.values()


@pytest.mark.parametrize(("change", "field"), [
    ({"person.email": ""}, "E-mail Address detail"),
    ({"person.email": "jane@@example"}, "E-mail Address detail"),
    ({"person.name": ""}, "Contact name"),
    ({"account.company": ""}, "Company (CONTACT1.COMPANY)"),
    ({"account.phone1": "12"}, "Phone"),
])
def test_bad_values_are_record_errors_naming_the_field(change: dict, field: str) -> None:
    with pytest.raises(RecordError) as info:
        load_mapping().map("customer", {**SOURCE, **change}, record="order OP1")
    assert info.value.field == field
    assert "order OP1" in str(info.value)


def test_over_long_values_error_or_truncate_by_row() -> None:
    mapping = load_mapping()
    long_title = "T" * 60
    assert mapping.map("customer", {**SOURCE, "person.title": long_title})["title"] == "T" * 35
    with pytest.raises(RecordError, match="holds 40"):
        mapping.map("customer", {**SOURCE, "account.company": "C" * 41})


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["customer"][0].update(transform="titlecase"), "unknown transform"),
    (lambda d: d["customer"].append(dict(d["customer"][0])), "duplicate target"),
    (lambda d: d["customer"][2].update(max_length=500), "longer than HEAT's field"),
    (lambda d: d["customer"][0].update(source="contact1.company"), "source must be"),
    (lambda d: d["customer"][0].pop("max_length"), "needs a positive max_length"),
    (lambda d: d["customer"][0].update(colour="blue"), "unknown keys"),
    (lambda d: d.update(ticket=[]), "unknown sections"),
    (lambda d: d["customer"].pop(2), "needs rows for"),
])
def test_invalid_mappings_fail_at_load(mutate, message: str) -> None:
    data = copy.deepcopy(default_data())
    mutate(data)
    with pytest.raises(ConfigurationError, match=message):
        parse(data, "site.toml")


def test_a_site_folder_overrides_the_default(tmp_path: Path) -> None:
    text = DEFAULT_FILE.read_text().replace('target = "title"', 'target = "JobTitle"')
    (tmp_path / FILE_NAME).write_text(text)
    mapping = load_mapping(tmp_path)
    assert mapping.map("customer", SOURCE)["JobTitle"] == "Lab Manager"
    assert load_mapping(tmp_path / "empty").map("customer", SOURCE)["title"] == "Lab Manager"


def test_mapping_records_are_frozen() -> None:
    row = load_mapping().customer[0]
    with pytest.raises(AttributeError):
        row.target = "x"  # type: ignore[misc]
