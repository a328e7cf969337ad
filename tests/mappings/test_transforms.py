"""The named transforms, as tables of input and expected output."""

from __future__ import annotations

import pytest

from mappings import transforms
from mappings.transforms import TransformError


@pytest.mark.parametrize(("name", "first", "last"), [
    ("Jane Smith", "Jane", "Smith"),
    ("  Jane   Ann  Smith ", "Jane Ann", "Smith"),
    ("Smith, Jane", "Jane", "Smith"),
    ("Dr. Jane Smith", "Jane", "Smith"),
    ("Madonna", "", "Madonna"),
    ("John Smith Jr", "John", "Smith Jr"),
    ("", "", ""),
])
def test_split_name(name: str, first: str, last: str) -> None:
    assert transforms.split_name(name) == (first, last)


@pytest.mark.parametrize(("value", "country", "expected"), [
    ("020 7946 0018", "United Kingdom", "+442079460018"),
    ("(020) 7946-0018", "GB", "+442079460018"),
    ("+1 415 555 2671", "", "+14155552671"),
    ("415-555-2671", "USA", "+14155552671"),
    ("020 7946 0018 x12", "UK", "+442079460018 x12"),
    ("020 7946 0018", "Atlantis", "020 7946 0018"),  # country unknown: tidied, not guessed
    ("01632 960805", "United Kingdom", "+441632960805"),  # a drama number: possible, so kept
    ("(919) 555-0182", "USA", "+19195550182"),
    ("", "UK", ""),
])
def test_e164_phone(value: str, country: str, expected: str) -> None:
    assert transforms.e164_phone(value, country=country) == expected


@pytest.mark.parametrize("value", ["12", "+44 12", "not a number at all"])
def test_e164_phone_rejects_invalid_numbers_when_the_country_is_known(value: str) -> None:
    with pytest.raises(TransformError):
        transforms.e164_phone(value, country="GB")


@pytest.mark.parametrize(("value", "expected"), [
    ("jane@Example.COM", "jane@example.com"),
    ("  jane.smith@example.co.uk ", "jane.smith@example.co.uk"),
    ("", ""),
])
def test_email_normalises(value: str, expected: str) -> None:
    assert transforms.email(value) == expected


@pytest.mark.parametrize("value", ["jane", "jane@", "jane@@example.com", "jane smith@example.com"])
def test_email_rejects_invalid_addresses(value: str) -> None:
    with pytest.raises(TransformError):
        transforms.email(value)


def test_strip_upper_lower() -> None:
    assert transforms.strip("  a   b ") == "a b"
    assert transforms.upper(" ab ") == "AB"
    assert transforms.lower(" AB ") == "ab"
