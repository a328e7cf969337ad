"""IsmBackend against the ISM simulator over real HTTP on loopback, faults included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from pydantic import SecretStr

from config.errors import AuthenticationError, FatalError, RecordError, RetriableError
from config.settings import Settings, load_settings
from connectors.heat import make_backend
from connectors.heat.base import CustomerData, TicketData
from connectors.heat.ism.backend import IsmBackend

from tests.fixtures.heat import HEAT_API_KEY as KEY
from tests.fixtures.heat import HEAT_PASSWORD as PASSWORD
from tests.fixtures.heat import HEAT_TEAM as TEAM
from tests.fixtures.heat import HEAT_USER as USER


@pytest.fixture
def simulator(heat_simulator):
    """The shared simulator fixture (fresh data per test), under a shorter name."""
    return heat_simulator


def _settings(base_url: str, **heat: object) -> Settings:
    heat = {"base_url": base_url, "api_key": KEY, "timeout_seconds": 5, "connect_timeout_seconds": 2, **heat}
    return load_settings(heat=heat, retry={"attempts": 4, "initial_wait_seconds": 0.01, "max_wait_seconds": 0.05,
                                           "max_retry_after_seconds": 0.2})


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def backend(simulator, sleeps: list[float]) -> Iterator[IsmBackend]:
    ism = IsmBackend.from_settings(_settings(simulator.base_url), sleep=sleeps.append)
    yield ism
    ism.close()


def _seed(simulator, entity_set: str, body: dict) -> dict:
    """A record made behind goldheat's back, as a person in HEAT would."""
    reply = requests.post(f"{simulator.base_url}/api/odata/businessobject/{entity_set}", json=body,
                          headers={"Authorization": f"rest_api_key={KEY}"}, timeout=5)
    assert reply.status_code == 201, reply.text
    return reply.json()


def _people(simulator) -> list[dict]:
    """Employees other than the analysts the simulator ships with."""
    return [r for r in simulator.records("employees") if r.get("LoginID") not in simulator.users]


JANE = CustomerData("GM0001", "Jane", "O'Brien", "jane@example.com", phone="+44 1 2345", organisation="Acme")


def test_make_backend_chooses_ism(simulator) -> None:
    backend = make_backend(_settings(simulator.base_url))
    try:
        assert isinstance(backend, IsmBackend)
        assert backend.find_customer("nobody") is None
    finally:
        backend.close()


def test_customer_upsert_creates_once_then_finds_it(backend: IsmBackend, simulator) -> None:
    org = backend.upsert_organisation("Acme's Widgets")
    assert backend.upsert_organisation("Acme's Widgets") == org
    created = backend.upsert_customer(JANE, org)
    assert (created.xref, created.last_name, created.organisation_id) == ("GM0001", "O'Brien", org)
    calls = backend.http_calls
    again = backend.upsert_customer(JANE, org)
    assert again.id == created.id
    assert backend.http_calls - calls == 1  # one lookup, nothing to change
    assert backend.find_customer("GM0001").id == created.id
    assert [c.id for c in backend.find_customer_by_email("JANE@example.com")] == [created.id]
    assert len(_people(simulator)) == 1


def test_changed_fields_are_patched(backend: IsmBackend, simulator) -> None:
    first = backend.upsert_customer(JANE)
    moved = backend.upsert_customer(CustomerData("GM0001", "Jane", "O'Brien", "jane@new.example.com"))
    assert moved.id == first.id and moved.email == "jane@new.example.com"
    assert [r["PrimaryEmail"] for r in _people(simulator)] == ["jane@new.example.com"]


def test_an_existing_person_is_adopted_by_email(backend: IsmBackend, simulator) -> None:
    person = _seed(simulator, "employees", {"FirstName": "Janet", "LastName": "OBrien",
                                            "PrimaryEmail": "Jane@Example.com", "LoginID": "jobrien"})
    customer = backend.upsert_customer(JANE)
    assert customer.id == person["RecId"] and customer.xref == "GM0001"
    assert len(_people(simulator)) == 1


def test_an_existing_person_is_adopted_by_first_and_last_name(backend: IsmBackend, simulator) -> None:
    person = _seed(simulator, "employees", {"FirstName": "Jane", "MiddleName": "Q", "LastName": "O'Brien"})
    customer = backend.upsert_customer(JANE)
    assert customer.id == person["RecId"]
    assert len(_people(simulator)) == 1


def test_a_namesake_with_another_email_or_another_custid_is_not_adopted(backend: IsmBackend, simulator) -> None:
    _seed(simulator, "employees", {"FirstName": "Jane", "LastName": "O'Brien", "PrimaryEmail": "other@x.com"})
    _seed(simulator, "employees", {"FirstName": "Jane", "LastName": "O'Brien", "CustID": "GM9999"})
    customer = backend.upsert_customer(JANE)
    assert len(_people(simulator)) == 3
    assert backend.find_customer("GM0001").id == customer.id


def test_two_unclaimed_namesakes_are_a_record_error(backend: IsmBackend, simulator) -> None:
    for _ in range(2):
        _seed(simulator, "employees", {"FirstName": "Jane", "LastName": "O'Brien"})
    with pytest.raises(RecordError, match="match this person"):
        backend.upsert_customer(CustomerData("GM0001", "Jane", "O'Brien", ""))


def test_a_quote_in_a_key_neither_breaks_nor_widens_the_filter(backend: IsmBackend, simulator) -> None:
    backend.upsert_customer(CustomerData("A1", "Ann", "Other", "ann@example.com"))
    assert backend.find_customer("x' or CustID ne 'y") is None
    assert backend.find_login("' or '1' eq '1") is None


def test_self_service_login(backend: IsmBackend, simulator) -> None:
    customer = backend.upsert_customer(JANE)
    backend.set_login(customer.id, "jobrien", SecretStr("S3cret!pass-word"))
    found = backend.find_login("JOBRIEN")
    assert found is not None and found.id == customer.id and found.login == "jobrien"
    stored = next(r for r in simulator.records("employees") if r["RecId"] == customer.id)
    assert stored["IsInternalAuth"] is True and stored["Disabled"] is False and stored["Status"] == "Active"
    assert "S3cret!pass-word" not in repr(stored)
    assert all("S3cret" not in str(r) for r in simulator.requests)
    assert simulator.password_matches("jobrien", "S3cret!pass-word")
    roles = requests.get(f"{simulator.base_url}/api/odata/businessobject/employees('{customer.id}')"
                         "/EmployeeAssociatedRole", headers={"Authorization": f"rest_api_key={KEY}"}, timeout=5)
    assert [r["Name"] for r in roles.json()["value"]] == ["SelfService"]
    calls = backend.http_calls
    backend.set_login(customer.id, "jobrien", SecretStr("S3cret!pass-word"))
    assert backend.http_calls - calls == 2  # the role's RecId is looked up once per backend
    customer_view = IsmBackend.from_settings(_settings(simulator.base_url, api_key="", username="jobrien",
                                                       password="S3cret!pass-word", role="SelfService"))
    customer_view.session.request("GET", "odata/businessobject/incidents", params={"$top": "1"},
                                  operation="self_service_check")
    assert customer_view.session.logins == 1


def test_ticket_and_private_note(backend: IsmBackend, simulator) -> None:
    customer = backend.upsert_customer(JANE)
    data = TicketData(customer.id, TEAM, "Website login for order 42", "Please hand the login to the customer")
    ticket = backend.open_ticket(data)
    assert (ticket.team, ticket.status, ticket.customer_id) == (TEAM, "Logged", customer.id)
    assert ticket.number
    assert backend.open_ticket(data).id == ticket.id
    assert backend.find_ticket(customer.id, data.subject) == ticket
    assert backend.get_ticket(ticket.id) == ticket
    note = backend.add_note(ticket.id, "Website login", "login jobrien, password in the sealed letter")
    assert (note.ticket_id, note.publish_to_web) == (ticket.id, False)
    assert backend.add_note(ticket.id, "Website login", "again").id == note.id
    assert backend.find_note(ticket.id, "Website login") == note
    stored = simulator.records("journal__notess")
    assert len(stored) == 1 and stored[0]["Category"] == "Memo"
    assert len(simulator.records("incidents")) == 1


def test_get_ticket_of_an_unknown_recid_is_a_record_error(backend: IsmBackend) -> None:
    with pytest.raises(RecordError):
        backend.get_ticket("0" * 32)


def test_a_wrong_api_key_is_an_authentication_error(simulator) -> None:
    backend = IsmBackend.from_settings(_settings(simulator.base_url, api_key="wrong-key-123"))
    with pytest.raises(AuthenticationError):
        backend.find_customer("GM0001")
    assert backend.http_calls == 1


@pytest.mark.parametrize("suffix", ["", "/HEAT"])
def test_session_login_with_or_without_heat_prefix(simulator, suffix: str) -> None:
    root = simulator.base_url.removesuffix("/HEAT")
    settings = _settings(root + suffix, api_key="", username=USER, password=PASSWORD, tenant=simulator.tenant)
    backend = IsmBackend.from_settings(settings)
    try:
        assert backend.upsert_customer(JANE).xref == "GM0001"
        assert backend.session.logins == 1
    finally:
        backend.close()


def test_bad_session_password_is_an_authentication_error(simulator) -> None:
    settings = _settings(simulator.base_url, api_key="", username=USER, password="nope-nope", tenant=simulator.tenant)
    with pytest.raises(AuthenticationError, match="GOLDHEAT_HEAT__PASSWORD"):
        IsmBackend.from_settings(settings).find_customer("GM0001")


def test_expired_session_logs_in_again_once(simulator, sleeps: list[float]) -> None:
    settings = _settings(simulator.base_url, api_key="", username=USER, password=PASSWORD, tenant=simulator.tenant)
    backend = IsmBackend.from_settings(settings, sleep=sleeps.append)
    backend.find_customer("GM0001")
    simulator.inject("expire_sessions")
    assert backend.find_customer("GM0001") is None
    assert backend.session.logins == 2


def test_rate_limit_with_retry_after_is_honoured(backend: IsmBackend, simulator, sleeps: list[float]) -> None:
    simulator.inject("status", status=429, count=2, retry_after=1)
    assert backend.find_customer("GM0001") is None
    assert sleeps == [0.2, 0.2]  # Retry-After 1 s, capped by max_retry_after_seconds in the test settings


def test_503_is_retried(backend: IsmBackend, simulator) -> None:
    simulator.inject("status", status=503, count=1)
    assert backend.upsert_customer(JANE).xref == "GM0001"


def test_persistent_503_gives_up_retriably(backend: IsmBackend, simulator) -> None:
    simulator.inject("status", status=503, count=10)
    with pytest.raises(RetriableError):
        backend.find_customer("GM0001")
    assert backend.http_calls == 4


def test_a_slow_answer_times_out_and_is_retried(simulator, sleeps: list[float]) -> None:
    backend = IsmBackend.from_settings(_settings(simulator.base_url, timeout_seconds=0.3), sleep=sleeps.append)
    simulator.inject("slow", delay=1.0, count=1)
    assert backend.find_customer("GM0001") is None
    assert backend.http_calls == 2


def test_a_dropped_connection_on_a_read_is_retried(backend: IsmBackend, simulator) -> None:
    simulator.inject("drop", count=1)
    assert backend.find_customer("GM0001") is None
    assert backend.http_calls == 2


def test_a_create_dropped_before_the_server_acted_is_sent_again_after_a_lookup(
        backend: IsmBackend, simulator) -> None:
    simulator.inject("drop", count=1, match="POST /api/odata/businessobject/employees")
    customer = backend.upsert_customer(JANE)
    assert [r["RecId"] for r in _people(simulator)] == [customer.id]
    calls = [(r.method, r.status) for r in simulator.requests]
    assert calls[-3:] == [("POST", None), ("GET", 200), ("POST", 201)]


class _LoseAnswers(requests.Session):
    """The server acts on the request, then the answer is lost on the way back (a reset)."""

    def __init__(self, method: str, count: int = 1) -> None:
        super().__init__()
        self.method, self.count = method, count

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        if method == self.method and self.count:
            self.count -= 1
            raise requests.ConnectionError("Connection reset by peer")
        return response


def test_a_create_whose_answer_was_lost_is_not_duplicated(simulator, sleeps: list[float]) -> None:
    """The employee was stored but the 201 never arrived: the lookup finds it, no second POST."""
    backend = IsmBackend.from_settings(_settings(simulator.base_url), http=_LoseAnswers("POST"),
                                       sleep=sleeps.append)
    customer = backend.upsert_customer(JANE)
    assert [r["RecId"] for r in _people(simulator)] == [customer.id]
    assert [r.method for r in simulator.requests].count("POST") == 1
    assert customer.xref == "GM0001"


def test_a_ticket_and_note_whose_answers_were_lost_are_not_duplicated(simulator, sleeps: list[float]) -> None:
    http = _LoseAnswers("POST", count=0)
    backend = IsmBackend.from_settings(_settings(simulator.base_url), http=http, sleep=sleeps.append)
    customer = backend.upsert_customer(JANE)
    http.count = 2
    ticket = backend.open_ticket(TicketData(customer.id, TEAM, "Order 43", "text"))
    note = backend.add_note(ticket.id, "Website login", "text")
    assert [r["RecId"] for r in simulator.records("incidents")] == [ticket.id]
    assert [r["RecId"] for r in simulator.records("journal__notess")] == [note.id]


def test_a_500_carrying_session_data_is_fatal_and_redacted(backend: IsmBackend, simulator) -> None:
    simulator.inject("status", status=500, count=1)
    with pytest.raises(FatalError) as caught:
        backend.find_customer("GM0001")
    text = str(caught.value) + repr(caught.value.to_dict())
    assert "ISM_5000" in text and "SessionId" in text
    for leak in ("InternalServices", "HEAT.RestApi", "127.0.0.1", f"{simulator.tenant}#"):
        assert leak not in text
    assert backend.http_calls == 1


def test_calls_per_operation(backend: IsmBackend) -> None:
    """Deterministic HTTP counts: the benchmark's figures, held as a test."""
    def calls(fn) -> int:
        before = backend.http_calls
        fn()
        return backend.http_calls - before

    assert calls(lambda: backend.find_customer("GM0001")) == 1
    assert calls(lambda: backend.upsert_customer(JANE)) == 2
    assert calls(lambda: backend.upsert_customer(JANE)) == 1
    customer = backend.find_customer("GM0001")

    def ticket_with_note() -> None:
        ticket = backend.open_ticket(TicketData(customer.id, TEAM, "Order 44", "text"))
        backend.add_note(ticket.id, "Website login", "text")
    assert calls(ticket_with_note) == 3
    assert calls(ticket_with_note) == 2
