"""The sample GoldMine data: deterministic, and shaped the way GoldMine itself writes rows."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from connectors.goldmine.sample import SMS, STAGES, TABLE_ORDER, build_sample
from connectors.goldmine.sample_history import COLUMNS as HISTORY_COLUMNS
from connectors.goldmine.sample_rows import EMAIL_LOOKUPSUPP
from connectors.goldmine.schema import TABLES

TODAY = dt.date(2026, 11, 29)
GOLDHEAT_RECID = re.compile(r"^[A-Z0-9]{15}$")


def _rows(sample, table):
    rows = list(sample.rows(table))
    if table == "CONTHIST":
        return [dict(zip(HISTORY_COLUMNS, r)) for r in rows]
    return rows


@pytest.fixture(scope="module")
def sample():
    return build_sample(50, history=1500, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def tables(sample):
    return {table: _rows(sample, table) for table in TABLE_ORDER}


def test_same_seed_same_rows() -> None:
    first, second = (build_sample(12, history=120, seed=3, today=TODAY) for _ in range(2))
    for table in TABLE_ORDER:
        assert list(first.rows(table)) == list(second.rows(table)), table


def test_a_table_streams_the_same_rows_however_often_it_is_read(sample) -> None:
    assert list(sample.rows("CAL")) == list(sample.rows("CAL"))


def test_another_seed_gives_other_rows() -> None:
    one = list(build_sample(5, seed=1, today=TODAY).rows("CONTACT1"))
    two = list(build_sample(5, seed=2, today=TODAY).rows("CONTACT1"))
    assert [r["ACCOUNTNO"] for r in one] != [r["ACCOUNTNO"] for r in two]


def test_dates_follow_the_injected_today() -> None:
    later = build_sample(10, seed=7, today=TODAY + dt.timedelta(days=100))
    earlier = build_sample(10, seed=7, today=TODAY)
    shift = [a.created - b.created for a, b in zip(later.accounts, earlier.accounts)]
    assert set(shift) == {dt.timedelta(days=100)}


def test_history_count_is_exactly_the_requested_one(tables) -> None:
    assert len(tables["CONTHIST"]) == 1500


def test_default_history_is_twenty_per_account() -> None:
    assert build_sample(7, today=TODAY).history == 140


def test_every_value_fits_its_column_and_code_page(tables) -> None:
    for table, rows in tables.items():
        spec = TABLES[table]
        for row in rows:
            assert set(row) == set(spec.column_names), table
            for column in spec.columns:
                value = row[column.name]
                if column.not_null:
                    assert value is not None, (table, column.name)
                if isinstance(value, str):
                    value.encode("cp1252")
                    assert column.length is None or len(value) <= column.length, (table, column.name)


def test_u_shadows_are_upper_case_copies(tables) -> None:
    for table, rows in tables.items():
        for row in rows:
            for name, value in row.items():
                if name.startswith("U_") and name[2:] in row and table != "OPMGR":
                    assert value == (row[name[2:]] or "").upper(), (table, name)


def test_recids_are_goldmines_not_goldheats(tables) -> None:
    recids = [r["RECID"] for rows in tables.values() for r in rows]
    assert len(recids) == len(set(recids))
    assert all(len(r) == 15 and r == r.strip() for r in recids)
    assert not [r for r in recids if GOLDHEAT_RECID.match(r)]


def test_accountno_follows_goldmines_layout(tables) -> None:
    for row in tables["CONTACT1"]:
        accountno, created = row["ACCOUNTNO"], row["CREATEON"]
        assert len(accountno) == 20
        assert accountno[0] == chr(ord("A") + (created.year - 2000) // 10)
        assert accountno[1:6] == f"{created.year % 10}{created:%m%d}"
        hours, minutes = (int(x) for x in row["CREATEAT"].split(":"))
        assert int(accountno[6:11]) // 60 == hours * 60 + minutes
        assert accountno[17:] == (row["COMPANY"] or row["LASTNAME"])[:3]
    assert any(not r["ACCOUNTNO"][11:17].isalnum() for r in tables["CONTACT1"])


def test_users_include_sms_engineering_and_goldheat(tables) -> None:
    names = {r["USERNAME"] for r in tables["USERS"]}
    assert {"ENG", "GOLDHEAT"} | {u for u, _ in SMS} <= names
    assert all(n == n.upper() and len(n) <= 8 for n in names)


def test_accounts_cover_every_class_team_and_owner(tables) -> None:
    rows = tables["CONTACT1"]
    classes = Counter((r["KEY1"], r["KEY2"]) for r in rows)
    assert {("Customer", "Selected"), ("Customer", ""), ("Distributor", "Large"),
            ("Distributor", "Small"), ("Prospect", ""), ("Suspect", "")} <= set(classes)
    assert any(r["KEY3"] == "W. Sales" for r in rows)
    assert {r["KEY4"] for r in rows} <= {u for u, _ in SMS}
    assert any(r["KEY5"] == "" for r in rows) and any(r["KEY5"] for r in rows)
    assert all(r["STATUS"] in ("U0", "I0") and r["PHONE1"] and r["ZIP"] for r in rows)


def _emails(tables):
    return [r for r in tables["CONTSUPP"] if r["RECTYPE"] == "P" and r["CONTACT"] == "E-mail Address"]


def test_email_details_are_laid_out_as_goldmine_does(tables) -> None:
    contact_recids = {r["ACCOUNTNO"]: r["RECID"] for r in tables["CONTACT1"]}
    others = {(r["ACCOUNTNO"], r["RECID"]) for r in tables["CONTSUPP"] if r["RECTYPE"] == "C"}
    for row in _emails(tables):
        assert row["U_CONTACT"] == "E-MAIL ADDRESS" and row["PHONE"] == EMAIL_LOOKUPSUPP
        assert row["STATUS"] == "00" and row["DEAR"] == "0100"
        assert len(row["CONTSUPREF"]) <= 35
        assert row["ADDRESS1"] == " " or len(row["CONTSUPREF"]) == 35
        assert row["ZIP"][1] in "01" and (row["ZIP"][0] == "0" or row["ZIP"][3] == "1")
        owner = row["LINKACCT"]
        assert owner == contact_recids[row["ACCOUNTNO"]] or (row["ACCOUNTNO"], owner) in others
        assert re.fullmatch(r"[A-Z0-9 ]{8}\d{8} +\d{1,2}:\d\d[ap]m", row["CITY"])


def test_each_person_has_at_most_one_primary_address(tables) -> None:
    primaries = Counter(r["LINKACCT"] for r in _emails(tables) if r["ZIP"][1] == "1")
    assert primaries and max(primaries.values()) == 1


def test_a_long_address_is_split_at_35_characters(tables) -> None:
    long = [r for r in _emails(tables) if r["ADDRESS1"].strip()]
    assert long
    assert all(len(r["CONTSUPREF"]) == 35 for r in long)


def test_additional_contacts_flag_their_email(tables) -> None:
    with_email = {r["LINKACCT"] for r in _emails(tables)}
    for row in (r for r in tables["CONTSUPP"] if r["RECTYPE"] == "C"):
        assert row["STATUS"] == ("10" if row["RECID"] in with_email else "00")
        assert row["MERGECODES"][0] == " "


def test_bad_data_for_jobs_to_refuse_and_awkward_names(tables) -> None:
    with_email = {r["LINKACCT"] for r in _emails(tables)}
    addresses = [r["CONTSUPREF"] + r["ADDRESS1"].strip() for r in _emails(tables)]
    customers = [r for r in tables["CONTACT1"] if r["KEY1"] == "Customer"]
    assert any(r["RECID"] not in with_email for r in customers)
    assert any(a.count("@") != 1 for a in addresses)
    names = " ".join(r["CONTACT"] + " " + r["COMPANY"] for r in tables["CONTACT1"])
    assert "O'Brien" in names and "Zoë" in names and "%" in names


def test_opportunities_at_every_stage_with_link_and_fields(tables) -> None:
    headers = [r for r in tables["OPMGR"] if r["RECTYPE"] == "O"]
    assert {r["STAGE"] for r in headers} == set(STAGES)
    links = Counter(r["OPID"] for r in tables["OPMGR"] if r["RECTYPE"] == "OC")
    assert all(links[h["RECID"]] == 1 and h["OPID"] == h["RECID"] for h in headers)
    fields = Counter((r["LOPID"], r["FNAME"]) for r in tables["OPMGRFLD"])
    names = {"Order Type", "PO Number", "Ship Date", "Distributor", "Non-standard"}
    assert all(fields[(h["RECID"], n)] == 1 for h in headers for n in names)
    assert any(h["FORAMT"] > 250_000 for h in headers)


def test_order_fields_hold_plausible_values(tables) -> None:
    values = {}
    for row in tables["OPMGRFLD"]:
        values.setdefault(row["FNAME"], []).append(row["FVALUE"])
    pos = [v for v in values["PO Number"] if v]
    assert pos and len(pos) == len(set(pos)) and all(re.fullmatch(r"PO-\d{6}", v) for v in pos)
    assert {"SF", "STD"} == set(values["Order Type"])
    assert set(values["Non-standard"]) == {"Y", "N"}
    ships = [dt.date.fromisoformat(v) for v in values["Ship Date"] if v]
    assert any(d < TODAY - dt.timedelta(days=14) for d in ships) and "" in values["Ship Date"]
    distributors = {r["ACCOUNTNO"] for r in tables["CONTACT1"] if r["KEY1"] == "Distributor"}
    via = [v for v in values["Distributor"] if v]
    assert via and set(via) <= distributors


def test_orders_closed_in_the_last_90_days(tables) -> None:
    orders = [r for r in tables["OPMGR"] if r["STAGE"] == "Order Received"]
    assert all(TODAY - dt.timedelta(days=90) < r["CLOSEDDATE"].date() <= TODAY for r in orders)


def test_open_opportunities_have_a_forecast_sale_and_closed_ones_a_sale_in_history(tables) -> None:
    forecast = {r["LOPRECID"] for r in tables["CAL"] if r["RECTYPE"] == "S"}
    sold = {r["LOPRECID"] for r in tables["CONTHIST"] if r["SRECTYPE"] == "S"}
    for header in (r for r in tables["OPMGR"] if r["RECTYPE"] == "O"):
        is_open = header["STAGE"] in ("Prospecting", "Qualified", "Proposal Sent")
        assert (header["RECID"] in forecast) == is_open and (header["RECID"] in sold) != is_open


def test_history_has_recent_responses_and_completed_cadence_calls(tables) -> None:
    history = tables["CONTHIST"]
    recent = [r for r in history if r["ONDATE"].date() >= TODAY - dt.timedelta(days=13)]
    assert {"BNG", "EML", "PHN", "BCD"} <= {r["ACTVCODE"] for r in recent}
    assert {"STC", "VIS"} <= {r["ACTVCODE"] for r in history}
    assert any("(oc: " in r["REF"] for r in history)
    assert all(r["SRECTYPE"] == r["RECTYPE"][0] for r in history)
    assert any(r["RECTYPE"][2] == "U" for r in history)


def test_pending_activities_include_human_scheduled_status_checks(tables) -> None:
    stc = [r for r in tables["CAL"] if r["ACTVCODE"] == "STC"]
    assert stc and all(r["CREATEBY"] == r["USERID"] != "GOLDHEAT" for r in stc)
    assert all(r["ENDDATE"] == r["ONDATE"] and r["RSVP"] == "N" for r in tables["CAL"])


def test_contact2_summarises_each_accounts_activities(tables) -> None:
    assert len(tables["CONTACT2"]) == len(tables["CONTACT1"])
    by_account = {r["ACCOUNTNO"]: r for r in tables["CONTACT2"]}
    for row in tables["CAL"]:
        assert by_account[row["ACCOUNTNO"]]["NEXTACTION"]
    assert any(r["LASTCONTON"] for r in tables["CONTACT2"])
    assert all(re.fullmatch(r"( \d|\d\d):\d\d[ap]m", r["LASTCONTAT"]) for r in tables["CONTACT2"]
               if r["LASTCONTAT"])


def test_lookup_has_the_email_detail_and_codes(tables) -> None:
    rows = {(r["FIELDNAME"], r["U_ENTRY"]) for r in tables["LOOKUP"]}
    assert ("MPROFHEAD V", "E-MAIL ADDRESS") in rows
    assert any(f == "ACTVCODE  V" and e.startswith("STC") for f, e in rows)
    assert any(f == "RESULTCODEV" and e.startswith("NOK") for f, e in rows)


@pytest.mark.parametrize("accounts", [0, 1, 3])
def test_tiny_samples_still_build_every_table(accounts: int) -> None:
    sample = build_sample(accounts, seed=1, today=TODAY)
    counts = {table: len(list(sample.rows(table))) for table in TABLE_ORDER}
    assert counts["CONTACT1"] == counts["CONTACT2"] == accounts
    assert counts["CONTHIST"] == 20 * accounts and counts["USERS"] > 0


def test_people_jobs_must_refuse_have_sf_orders(sample) -> None:
    """Accounts 3 (no e-mail) and 8 (invalid e-mail) each carry an SF order for their primary."""
    for index, quirk in ((3, "no_email"), (8, "bad_email"), (5, "accents")):
        account = sample.accounts[index]
        assert account.quirk == quirk
        order = account.opportunities[0]
        assert (order.stage, order.fields["Order Type"], order.contact.primary) == (
            "Order Received", "SF", True)
