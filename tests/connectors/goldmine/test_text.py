"""Fitting text to GoldMine's Windows-1252 columns: policy, lengths, REF cutting."""

from __future__ import annotations

import pytest

from config.errors import RecordError
from config.settings import UnicodePolicy
from connectors.goldmine.text import TextPolicy, cut_ref, subject_of, upper

REPLACE = TextPolicy("cp1252", UnicodePolicy.REPLACE)
REJECT = TextPolicy("cp1252", UnicodePolicy.REJECT)


@pytest.mark.parametrize(("given", "stored"), [
    ("Café “Zoë” – €5", "Café “Zoë” – €5"),  # all of it is in cp1252
    ("Łódź", "Lódz"),
    ("Ørsted ő", "Ørsted o"),
    ("北京 office", "?? office"),
    ("a\u2212b\u2026", "a-b\u2026"),  # … is in cp1252, − is not
    ("emoji 😀", "emoji ?"),
])
def test_replace_policy_keeps_cp1252_and_transliterates_the_rest(given, stored):
    assert REPLACE.fit(given, table="CAL", column="REF", length=None) == stored


def test_reject_policy_names_table_and_column():
    with pytest.raises(RecordError) as caught:
        REJECT.fit("Łódź", table="CONTSUPP", column="CONTSUPREF", length=35, key="ACC1")
    assert caught.value.field == "CONTSUPREF"
    assert caught.value.key == "ACC1"
    assert "CONTSUPP.CONTSUPREF" in caught.value.message


def test_reject_policy_accepts_what_cp1252_holds():
    assert REJECT.fit("Café €", table="CAL", column="REF", length=80) == "Café €"


def test_too_long_key_column_is_a_record_error_with_the_limit():
    with pytest.raises(RecordError) as caught:
        REPLACE.fit("x" * 36, table="CONTSUPP", column="CONTSUPREF", length=35, key="A")
    assert caught.value.field == "CONTSUPREF"
    assert "at most 35" in caught.value.message


@pytest.mark.parametrize("column", ["REF", "COMPANY", "PREVRESULT"])
def test_free_text_is_truncated(column):
    assert REPLACE.fit("y" * 90, table="CAL", column=column, length=80) == "y" * 80


def test_sql_fragments_pass_verbatim():
    value = "O'Brien's 100% \"deal\"; DROP TABLE CAL; --"
    assert REPLACE.fit(value, table="CAL", column="REF", length=80) == value


@pytest.mark.parametrize(("subject", "contact", "length", "ref"), [
    ("Status check", "Bob Smith", 80, "Status check (oc: Bob Smith)"),
    ("S" * 80, "Bob", 20, "S" * 10 + " (oc: Bob)"),
    ("Call", "", 10, "Call"),
    ("Subject", "A very long contact name", 10, "(oc: A ver"),
])
def test_cut_ref_makes_the_oc_suffix_fit(subject, contact, length, ref):
    assert cut_ref(subject, contact, length) == ref
    assert len(cut_ref(subject, contact, length)) <= length


def test_subject_of_drops_the_oc_suffix():
    assert subject_of("Status check (oc: Bob)") == "Status check"
    assert subject_of("Plain") == "Plain"


def test_upper_keeps_the_length():
    assert upper("straße") == "STRAßE"
    assert upper("abc") == "ABC"
