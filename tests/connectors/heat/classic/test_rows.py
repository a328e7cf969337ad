"""Pure conversions of the classic backend: checks, HEAT's date formats, journal subjects, passwords."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from config.errors import ConfigurationError, RecordError
from connectors.heat.base import CustomerData
from connectors.heat.classic import rows as r
from connectors.heat.classic.passwords import encoder, pbkdf2, plain, verify_pbkdf2
from connectors.heat.classic.schema import CALLLOG, JOURNAL, PROFILE


@pytest.mark.parametrize(("moment", "timezone", "expected"), [
    (datetime(2026, 1, 15, 23, 59, 59, tzinfo=UTC), "Europe/London", ("2026-01-15", "23:59:59")),
    (datetime(2026, 7, 15, 23, 30, 0, tzinfo=UTC), "Europe/London", ("2026-07-16", "00:30:00")),
    (datetime(2026, 7, 15, 3, 4, 5, tzinfo=UTC), "America/Chicago", ("2026-07-14", "22:04:05")),
])
def test_stamps_are_local_date_and_24h_time_with_epoch_seconds(moment, timezone, expected):
    stamp = r.Stamp.at(moment, timezone)
    assert (stamp.date, stamp.time) == expected
    assert stamp.epoch == int(moment.timestamp())


@pytest.mark.parametrize(("table", "row", "field"), [
    (CALLLOG, {"ShortDesc": "x" * 101}, "CallLog.ShortDesc"),
    (CALLLOG, {"CallSource": "Self Service Web"}, "CallLog.CallSource"),
    (PROFILE, {"LastName": "Ω-Lovelace"}, "Profile.LastName"),
])
def test_a_value_the_column_cannot_hold_is_a_record_error(table, row, field):
    with pytest.raises(RecordError) as caught:
        r.check_row(table, row, key="K")
    assert caught.value.field == field and caught.value.key == "K"


def test_values_that_fit_and_text_columns_pass():
    r.check_row(CALLLOG, {"ShortDesc": "x" * 100, "CallDesc": "y" * 100_000, "DTLastMod": 1})
    r.check_row(JOURNAL, {"EntryText": "é “quoted” €"})


def test_record_errors_never_carry_the_value():
    with pytest.raises(RecordError) as caught:
        r.check_row(PROFILE, {"FirstName": "TopSecretValue" * 5})
    assert "TopSecret" not in str(caught.value)


def test_a_mapping_to_a_non_identifier_column_is_a_configuration_error():
    data = CustomerData(xref="A", first_name="a", last_name="b", email="e", extra={"Notes; DROP": "x"})
    with pytest.raises(ConfigurationError) as caught:
        r.profile_values(data, "")
    assert caught.value.setting == "GOLDHEAT_SITE__MAPPINGS_DIR"


def test_extra_fields_go_to_their_profile_columns():
    data = CustomerData(xref="A", first_name="a", last_name="b", email="e", organisation="Org",
                        extra={"SLAClass": "Gold"})
    assert r.profile_values(data, "")["SLAClass"] == "Gold"
    assert r.profile_values(data, "")["Company"] == "Org"
    assert r.profile_values(data, "Chosen")["Company"] == "Chosen"


@pytest.mark.parametrize(("subject", "body", "first_line"), [
    ("Website password", "Password: x", "Website password"),
    ("two\nlines  here", "", "two lines here"),
])
def test_the_journal_subject_is_the_first_line(subject, body, first_line):
    assert r.entry_subject(r.entry_text(subject, body)) == first_line


def test_insert_and_update_are_parameterised():
    sql, params = r.insert_sql(JOURNAL, {"CallID": "00000001", "EntryText": "it's"})
    assert sql == "INSERT INTO Journal (CallID, EntryText) VALUES (?, ?)" and params == ["00000001", "it's"]
    sql, params = r.update_sql(CALLLOG, {"DTLastMod": 5}, {"CallID": "1"})
    assert sql == "UPDATE CallLog SET DTLastMod = ? WHERE CallID = ?" and params == [5, "1"]


def test_pbkdf2_is_salted_fits_the_column_and_verifies():
    one, two = pbkdf2(SecretStr("pw"), iterations=1000), pbkdf2(SecretStr("pw"), iterations=1000)
    assert one != two and len(one) <= 96
    assert verify_pbkdf2(one, SecretStr("pw")) and not verify_pbkdf2(one, SecretStr("other"))
    assert not verify_pbkdf2("plain-text", SecretStr("plain-text"))


def test_the_default_hash_fits_heatcai_password():
    assert len(pbkdf2(SecretStr("x" * 64))) <= 96


def test_encoders_are_chosen_by_name():
    assert encoder("plain") is plain
    with pytest.raises(ConfigurationError):
        encoder("md5")
