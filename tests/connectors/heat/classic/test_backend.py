"""The HEAT classic backend through pyodbc on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import uuid

import pytest
from pydantic import SecretStr

from config.errors import RecordError
from config.logs import SECRETS
from config.settings import HeatSettings
from connectors.heat.base import CustomerData, HeatBackend, TicketData
from connectors.heat.classic.backend import ClassicBackend
from connectors.heat.classic.passwords import verify_pbkdf2
from tests.connectors.heat.classic.conftest import fetch, make_backend


def _xref() -> str:
    return "ACC" + uuid.uuid4().hex[:12].upper()


def _customer(xref: str, **changes) -> CustomerData:
    values = {"xref": xref, "first_name": "Ada", "last_name": "Lovelace", "email": f"{xref.lower()}@example.com",
              "phone": "+44 20 7946 0000", "title": "Engineer"} | changes
    return CustomerData(**values)


def test_backend_satisfies_the_protocol(backend):
    assert isinstance(backend, ClassicBackend)
    protocol: HeatBackend = backend
    assert protocol.find_customer(_xref()) is None


def test_upsert_creates_a_profile_keyed_by_xref_and_cust_type(backend, classic_dsn):
    xref = _xref()
    org = backend.upsert_organisation("Example Instruments Ltd")
    created = backend.upsert_customer(_customer(xref), org)
    assert (created.id, created.xref, created.organisation_id) == (xref, xref, "Example Instruments Ltd")
    rows = fetch(classic_dsn, "SELECT CustType, FirstName, Company, ModDate, ModTime, DTLastMod FROM Profile "
                              "WHERE CustID = ?", xref)
    assert rows == [("Customer", "Ada", "Example Instruments Ltd", "2026-07-01", "12:30:05", 1782905405)]
    assert backend.find_customer(xref) == created


def test_upsert_adopts_an_existing_row_and_never_blanks_heat_values(backend, classic_dsn):
    xref = _xref()
    backend.upsert_customer(_customer(xref))
    updated = backend.upsert_customer(_customer(xref, last_name="King", phone=""))
    assert (updated.last_name, updated.fields["Phone"]) == ("King", "+44 20 7946 0000")
    assert fetch(classic_dsn, "SELECT COUNT(*) FROM Profile WHERE CustID = ?", xref) == [(1,)]
    before = backend.round_trips
    backend.upsert_customer(_customer(xref, last_name="King"))
    assert backend.round_trips - before == 2, "an unchanged customer costs one read and the commit"


def test_find_customer_by_email_ignores_case(backend):
    xref = _xref()
    backend.upsert_customer(_customer(xref))
    assert [c.id for c in backend.find_customer_by_email(f"{xref}@EXAMPLE.com")] == [xref]


def test_a_value_too_long_is_a_record_error_naming_table_column_and_limit(backend):
    with pytest.raises(RecordError) as caught:
        backend.upsert_customer(_customer(_xref(), first_name="A" * 51))
    assert caught.value.field == "Profile.FirstName" and "50" in caught.value.message


def test_set_login_writes_heatcai_with_a_salted_hash_never_the_password(backend, classic_dsn):
    xref, login = _xref(), "ada" + uuid.uuid4().hex[:6]
    backend.upsert_customer(_customer(xref))
    backend.set_login(xref, login, SecretStr("S3cret!pass#word"))
    [(cust_id, cust_type, stored, created)] = fetch(
        classic_dsn, "SELECT CustID, CustType, Password, DTCreated FROM HEATCAI WHERE LoginID = ?", login)
    assert (cust_id, cust_type, created) == (xref, "Customer", 1782905405)
    assert "S3cret" not in stored and verify_pbkdf2(stored, SecretStr("S3cret!pass#word"))
    assert "S3cret!pass#word" not in SECRETS.scrub("sent S3cret!pass#word")  # registered: kept out of logs
    assert backend.find_login(login).id == xref
    assert backend.find_customer(xref).login == login


def test_set_login_again_renames_the_customers_one_login(backend, classic_dsn):
    xref = _xref()
    backend.upsert_customer(_customer(xref))
    backend.set_login(xref, xref + "a", SecretStr("x"))
    backend.set_login(xref, xref + "b", SecretStr("y"))
    assert fetch(classic_dsn, "SELECT LoginID FROM HEATCAI WHERE CustID = ?", xref) == [(xref + "b",)]


def test_a_login_taken_by_another_customer_is_a_record_error(backend):
    first, second, login = _xref(), _xref(), "taken" + uuid.uuid4().hex[:6]
    backend.upsert_customer(_customer(first))
    backend.upsert_customer(_customer(second))
    backend.set_login(first, login, SecretStr("x"))
    with pytest.raises(RecordError) as caught:
        backend.set_login(second, login, SecretStr("y"))
    assert caught.value.field == "HEATCAI.LoginID"


def test_open_ticket_writes_call_subset_detail_assignment_and_journal(backend, classic_dsn):
    xref = _xref()
    backend.upsert_customer(_customer(xref))
    ticket = backend.open_ticket(TicketData(customer_id=xref, team="Customer Support",
                                            subject="Website login for Example (order 42)",
                                            description="Please hand over the login.", source="Phone"))
    assert len(ticket.id) == 8 and ticket.id.isdigit() and ticket.status == "Open"
    call = fetch(classic_dsn, "SELECT CustID, CustType, CallType, ShortDesc, CallDesc, RecvdBy, RecvdDate, "
                              "RecvdTime, DTLastMod FROM CallLog WHERE CallID = ?", ticket.id)
    assert call == [(xref, "Customer", "Request", "Website login for Example (order 42)",
                     "Please hand over the login.", "GOLDHEAT", "2026-07-01", "12:30:05", 1782905405)]
    assert fetch(classic_dsn, "SELECT CustID, FirstName, EMailID FROM Subset WHERE CallID = ?", ticket.id) == [
        (xref, "Ada", f"{xref.lower()}@example.com")]
    assert fetch(classic_dsn, "SELECT COUNT(*) FROM Detail WHERE CallID = ?", ticket.id) == [(1,)]
    assert fetch(classic_dsn, "SELECT HEATSeq, GroupName, AssignedBy, DateAssign, TimeAssign, WhoResolv "
                              "FROM Asgnmnt WHERE CallID = ?", ticket.id) == [
        (1, "Customer Support", "GOLDHEAT", "2026-07-01", "12:30:05", "")]
    assert fetch(classic_dsn, "SELECT HEATSeq, JournalType FROM Journal WHERE CallID = ?", ticket.id) == [(1, "Memo")]
    assert backend.get_ticket(ticket.id) == ticket


def test_opening_the_same_ticket_again_finds_it_instead_of_duplicating(backend, classic_dsn):
    xref = _xref()
    backend.upsert_customer(_customer(xref))
    data = TicketData(customer_id=xref, team="Customer Support", subject="Corrective action (order 7)",
                      description="d")
    first = backend.open_ticket(data)
    assert backend.find_ticket(xref, data.subject) == first
    assert backend.open_ticket(data) == first
    assert fetch(classic_dsn, "SELECT COUNT(*) FROM CallLog WHERE CustID = ?", xref) == [(1,)]
    assert backend.find_ticket(xref, "another subject") is None


def test_a_closed_call_is_not_found_again(backend, classic_dsn):
    xref = _xref()
    backend.upsert_customer(_customer(xref))
    data = TicketData(customer_id=xref, team="Customer Support", subject="closed one", description="d")
    ticket = backend.open_ticket(data)
    conn = __import__("pyodbc").connect(classic_dsn)
    conn.execute("UPDATE CallLog SET CallStatus = 'Closed' WHERE CallID = ?", ticket.id)
    conn.commit()
    conn.close()
    assert backend.find_ticket(xref, data.subject) is None


def test_a_ticket_for_an_unknown_customer_is_a_record_error(backend):
    with pytest.raises(RecordError):
        backend.open_ticket(TicketData(customer_id=_xref(), team="Customer Support", subject="s", description="d"))


def test_notes_are_journal_rows_found_again_by_subject(backend, classic_dsn):
    xref = _xref()
    backend.upsert_customer(_customer(xref))
    ticket = backend.open_ticket(TicketData(customer_id=xref, team="Customer Support", subject="n", description="d"))
    secret = backend.add_note(ticket.id, "Website password", "Password: S3cret!", publish_to_web=False)
    public = backend.add_note(ticket.id, "Login issued", "Your login is ready.", publish_to_web=True)
    assert (secret.id, secret.publish_to_web) == (f"{ticket.id}/2", False)
    assert (public.id, public.publish_to_web) == (f"{ticket.id}/3", True)
    assert backend.find_note(ticket.id, "Website password") == secret
    assert backend.add_note(ticket.id, "Website password", "again") == secret
    assert fetch(classic_dsn, "SELECT HEATSeq, JournalType, EntryDate, EntryTime FROM Journal WHERE CallID = ? "
                              "ORDER BY HEATSeq", ticket.id)[1:] == [
        (2, "Memo", "2026-07-01", "12:30:05"), (3, "Web", "2026-07-01", "12:30:05")]
    assert backend.find_note(ticket.id, "nothing") is None


def test_a_note_on_an_unknown_call_is_a_record_error(backend):
    with pytest.raises(RecordError):
        backend.add_note("99999999", "s", "b")


_BLANK_INPUTS = [
    ("upsert_customer", lambda b: b.upsert_customer(_customer(" ")), "Profile.CustID"),
    ("upsert_customer", lambda b: b.upsert_customer(_customer("ACC1", first_name="", last_name=" ")),
     "Profile.LastName"),
    ("set_login", lambda b: b.set_login("ACC1", " ", SecretStr("pw")), "HEATCAI.LoginID"),
    ("set_login", lambda b: b.set_login("ACC1", "ada", SecretStr("")), "HEATCAI.Password"),
    ("open_ticket", lambda b: b.open_ticket(TicketData("ACC1", "Support", "", "d")), "CallLog.ShortDesc"),
    ("open_ticket", lambda b: b.open_ticket(TicketData("ACC1", "", "s", "d")), "Asgnmnt.GroupName"),
    ("add_note", lambda b: b.add_note("00000001", " ", "b"), "Journal.EntryText"),
    ("find_customer_by_email", lambda b: b.find_customer_by_email(""), "Profile.EMailID"),
    ("find_login", lambda b: b.find_login(" "), "HEATCAI.LoginID"),
]


@pytest.mark.parametrize(("operation", "call", "field"), _BLANK_INPUTS)
def test_a_blank_key_or_name_is_a_record_error_naming_the_column_before_any_io(operation, call, field):
    """Like the ISM backend: nothing is written under, or looked up by, an empty key or name."""
    backend = ClassicBackend(HeatSettings(), lambda: pytest.fail("no connection expected"), "sqlite")
    with pytest.raises(RecordError) as caught:
        call(backend)
    assert (caught.value.operation, caught.value.field) == (operation, field)


def test_from_settings_reads_the_classic_section(classic_dsn):
    from config.settings import Settings

    settings = Settings(heat={"dsn": classic_dsn, "classic_cust_type": "GoldMine"}, site={"timezone": "UTC"})
    made = ClassicBackend.from_settings(settings)
    try:
        assert (made.customer_type, made.analyst, made.call_type) == ("GoldMine", "GOLDHEAT", "Request")
        assert made.find_customer(_xref()) is None
    finally:
        made.close()


def test_round_trips_count_statements_and_commits(classic_dsn):
    made = make_backend(classic_dsn)
    try:
        made.find_customer(_xref())
        setup = 1 if classic_dsn.startswith("DRIVER={MariaDB") else 0
        assert made.round_trips == 2 + setup
    finally:
        made.close()
