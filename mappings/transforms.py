"""The named transforms a mapping file may use: pure functions in one registry, never expressions.

Each transform takes the source value (already a string) and keyword context values the mapping
row names (e.g. the account's country for a phone number) and returns the target value. A value
that cannot be transformed raises `TransformError`; the mapping turns it into a record error that
names the field. Adding a transform is adding a function here with `@transform("name")`.
"""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
from email_validator import EmailNotValidError, validate_email

Transform = Callable[..., str]
TRANSFORMS: dict[str, Transform] = {}

# Free-text GoldMine COUNTRY values to ISO regions; a two-letter code is taken as a region itself.
COUNTRY_REGIONS = {
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "gb": "GB", "ireland": "IE", "eire": "IE",
    "united states": "US", "usa": "US", "us": "US", "united states of america": "US",
    "america": "US", "canada": "CA", "germany": "DE", "deutschland": "DE", "france": "FR",
    "netherlands": "NL", "holland": "NL", "belgium": "BE", "spain": "ES", "italy": "IT",
    "switzerland": "CH", "austria": "AT", "sweden": "SE", "norway": "NO", "denmark": "DK",
    "finland": "FI", "poland": "PL", "portugal": "PT", "australia": "AU", "new zealand": "NZ",
    "japan": "JP", "china": "CN", "india": "IN", "singapore": "SG", "south africa": "ZA",
}


class TransformError(ValueError):
    """The value cannot be transformed; the message says why (never echoing a secret)."""


def transform(name: str) -> Callable[[Transform], Transform]:
    def register(fn: Transform) -> Transform:
        TRANSFORMS[name] = fn
        return fn

    return register


@transform("strip")
def strip(value: str) -> str:
    """Collapse runs of whitespace: GoldMine pads and users double-space."""
    return " ".join(value.split())


@transform("upper")
def upper(value: str) -> str:
    return strip(value).upper()


@transform("lower")
def lower(value: str) -> str:
    return strip(value).lower()


def split_name(value: str) -> tuple[str, str]:
    """('First Middle', 'Last') from a GoldMine CONTACT full name; a lone word is a last name.

    Honorifics (Mr, Mrs, Dr...) are dropped; 'Last, First' is understood; a trailing suffix
    (Jr, Sr, II, III, PhD) stays with the last name.
    """
    text = strip(value)
    if "," in text:
        last, first = (strip(p) for p in text.split(",", 1))
        return first, last
    words = text.split(" ")
    while len(words) > 1 and words[0].rstrip(".").lower() in {"mr", "mrs", "ms", "miss", "dr", "prof", "sir"}:
        words.pop(0)
    if not words or words == [""]:
        return "", ""
    suffix = []
    if len(words) > 2 and words[-1].rstrip(".").lower() in {"jr", "sr", "ii", "iii", "iv", "phd"}:
        suffix = [words.pop()]
    if len(words) == 1:
        return "", " ".join(words + suffix)
    return " ".join(words[:-1]), " ".join(words[-1:] + suffix)


@transform("first_name")
def first_name(value: str) -> str:
    return split_name(value)[0]


@transform("last_name")
def last_name(value: str) -> str:
    return split_name(value)[1]


def region_of(country: str) -> str | None:
    text = strip(country).lower()
    if not text:
        return None
    if text in COUNTRY_REGIONS:
        return COUNTRY_REGIONS[text]
    return text.upper() if len(text) == 2 and text.isalpha() else None


@transform("e164_phone")
def e164_phone(value: str, country: str = "", default_region: str = "") -> str:
    """E.164 when the number is international or its country is known; else the tidied original.

    A number that cannot be a phone number of its country (wrong length, letters) is a record
    error, so support never calls a wrong number; an extension (`x123`) is kept after it.
    """
    text = strip(value)
    if not text:
        return ""
    region = region_of(country) or (default_region.upper() or None)
    if region is None and not text.startswith(("+", "00")):
        return text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise TransformError(f"not a phone number: {exc}") from None
    # "Possible" (the right length for its country), not "valid": numbers in ranges the metadata
    # does not list yet (new ranges, drama numbers such as 01632 960xxx) are still real to people.
    if not phonenumbers.is_possible_number(number):
        raise TransformError(f"not a possible phone number for {region or 'its country'}")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164} x{number.extension}" if number.extension else e164


@transform("email")
def email(value: str) -> str:
    """A syntactically valid address, domain lower-cased; no DNS lookup (the service may be offline)."""
    text = strip(value)
    if not text:
        return ""
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise TransformError(f"not a valid e-mail address: {exc}") from None
    return result.normalized


def get(name: str) -> Transform:
    return TRANSFORMS[name]
