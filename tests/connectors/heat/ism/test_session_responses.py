"""HTTP edge cases a live server will not produce on demand, with `responses`."""

from __future__ import annotations

import io
import json

import pytest
import requests
import responses
import structlog
from pydantic import SecretStr

from config.errors import AuthenticationError, FatalError, RecordError, RetriableError
from config.settings import RetrySettings
from connectors.heat.base import CustomerData
from connectors.heat.ism.backend import IsmBackend
from connectors.heat.ism.session import IsmSession, api_root

BASE = "https://heat.example.com/HEAT"
EMPLOYEES = f"{BASE}/api/odata/businessobject/employees"
INCIDENTS = f"{BASE}/api/odata/businessobject/incidents"
LOGIN = f"{BASE}/api/rest/authentication/login"
KEY = "K3Y-0f-th3-t3nant"
REC = "085867F47547496783005D95CB82D557"


def _session(sleeps: list[float] | None = None, **kwargs) -> IsmSession:
    waits = sleeps if sleeps is not None else []
    kwargs.setdefault("api_key", SecretStr(KEY))
    return IsmSession(requests.Session(), BASE, retry=RetrySettings(attempts=3, initial_wait_seconds=0.01),
                      sleep=waits.append, timeout_seconds=7, connect_timeout_seconds=2, **kwargs)


def _backend(sleeps: list[float] | None = None, **kwargs) -> IsmBackend:
    return IsmBackend(_session(sleeps, **kwargs))


@pytest.mark.parametrize(("base", "root"), [
    ("https://h", "https://h/api"), ("https://h/HEAT/", "https://h/HEAT/api"), ("https://h/HEAT/api", "https://h/HEAT/api"),
])
def test_base_url_with_or_without_heat(base: str, root: str) -> None:
    assert api_root(base) == root


@responses.activate
def test_api_key_header_has_no_scheme_and_filters_keep_spaces_encoded() -> None:
    responses.get(EMPLOYEES, body="")
    assert _backend().find_customer("A'1") is None
    call = responses.calls[0].request
    assert call.headers["Authorization"] == f"rest_api_key={KEY}"
    assert "%24filter=CustID%20eq%20%27A%27%271%27" in call.url.replace("$", "%24").replace("'", "%27")
    assert "%24top=100" in call.url.replace("$", "%24")


@responses.activate
def test_every_request_has_a_connect_and_read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, method, url, **kwargs)
    monkeypatch.setattr(requests.Session, "request", spy)
    responses.get(EMPLOYEES, body="")
    _backend().find_customer("A1")
    assert seen == [(2, 7)]


@responses.activate
@pytest.mark.parametrize("body", ["", '{"value":"No instances found."}', '{"@odata.count":0,"value":[]}'])
def test_empty_answers_mean_absent(body: str) -> None:
    responses.get(EMPLOYEES, body=body)
    assert _backend().find_customer_by_email("a@b.c") == []


@responses.activate
def test_204_to_a_query_is_an_error_not_an_empty_result() -> None:
    responses.get(INCIDENTS, status=204)
    with pytest.raises(FatalError, match="204"):
        _backend().find_ticket(REC, "Order 1")


@responses.activate
def test_429_with_a_retry_after_date_waits_that_long_then_succeeds() -> None:
    future = "Wed, 01 Jan 2031 00:00:00 GMT"  # far ahead: the wait is capped by max_retry_after_seconds
    responses.get(EMPLOYEES, status=429, headers={"Retry-After": future})
    responses.get(EMPLOYEES, json={"value": [{"RecId": REC, "CustID": "A1"}]})
    sleeps: list[float] = []
    customer = _backend(sleeps).find_customer("A1")
    assert customer is not None and customer.id == REC
    assert sleeps == [RetrySettings().max_retry_after_seconds]


@responses.activate
def test_503_retries_are_bounded() -> None:
    responses.get(EMPLOYEES, status=503, headers={"Retry-After": "1"})
    backend = _backend()
    with pytest.raises(RetriableError) as caught:
        backend.find_customer("A1")
    assert caught.value.retry_after == 1.0
    assert backend.http_calls == 3


@responses.activate
def test_500_with_session_data_reaches_neither_the_exception_nor_the_log() -> None:
    body = {"code": "ISM_5000", "message": ['{"SessionId":"S3SS10N","TenantId":"acme.saasit.com",'
                                            f'"LoginId":"svc_api","Hostname":"WEB-07"}} rest_api_key={KEY}']}
    responses.get(EMPLOYEES, status=500, json=body)
    out = io.StringIO()
    structlog.configure(processors=[structlog.processors.KeyValueRenderer()],
                        logger_factory=structlog.PrintLoggerFactory(file=out),
                        wrapper_class=structlog.make_filtering_bound_logger(0))
    try:
        with pytest.raises(FatalError) as caught:
            _backend().find_customer("A1")
        structlog.get_logger().error("failed", **caught.value.to_dict())
    finally:
        structlog.reset_defaults()
    text = str(caught.value) + out.getvalue()
    for leak in ("S3SS10N", "acme.saasit.com", "svc_api", "WEB-07", KEY):
        assert leak not in text
    assert "ISM_5000" in text and "500" in text


@responses.activate
@pytest.mark.parametrize("failure", [requests.ReadTimeout("timed out"),
                                     requests.ConnectionError("Connection reset by peer")])
def test_timeouts_and_resets_are_retried(failure: Exception) -> None:
    responses.get(EMPLOYEES, body=failure)
    responses.get(EMPLOYEES, body="")
    backend = _backend()
    assert backend.find_customer("A1") is None
    assert backend.http_calls == 2


@responses.activate
def test_a_reset_create_is_looked_up_before_it_is_sent_again() -> None:
    """The POST's answer was lost, but it happened: the lookup finds it and no second POST goes."""
    responses.get(EMPLOYEES, body="")  # upsert: not ours, nobody with that email or name
    responses.post(EMPLOYEES, body=requests.ConnectionError("Connection reset by peer"))
    responses.get(EMPLOYEES, json={"value": [{"RecId": REC, "CustID": "A1", "LastName": "Doe"}]})
    customer = _backend().upsert_customer(CustomerData("A1", "Jane", "Doe", "jane@example.com"))
    assert customer.id == REC
    assert [c.request.method for c in responses.calls] == ["GET", "POST", "GET"]
    assert "or FirstName eq 'Jane' and LastName eq 'Doe'" in responses.calls[0].request.url.replace("%20", " ")


@responses.activate
def test_api_key_401_is_not_retried_and_says_what_to_fix() -> None:
    responses.get(EMPLOYEES, status=401, json={"code": "ISM_4001", "message": ["Invalid Session key"]})
    backend = _backend()
    with pytest.raises(AuthenticationError, match="GOLDHEAT_HEAT__API_KEY"):
        backend.find_customer("A1")
    assert backend.http_calls == 1


@responses.activate
def test_session_login_then_single_relogin_on_expiry() -> None:
    responses.post(LOGIN, body='"heat.example.com#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1#2"')
    responses.post(LOGIN, body='"heat.example.com#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA2#2"')
    responses.get(EMPLOYEES, body="")
    responses.get(EMPLOYEES, status=401, json={"code": "ISM_4001", "message": ["Authentication required"]})
    responses.get(EMPLOYEES, body="")
    session = _session(api_key=None, username="svc", password=SecretStr("pa55word!"), tenant="heat.example.com")
    backend = IsmBackend(session)
    assert backend.find_customer("A1") is None
    assert backend.find_customer("A1") is None
    login = json.loads(responses.calls[0].request.body)
    assert login == {"tenant": "heat.example.com", "username": "svc", "password": "pa55word!", "role": "Admin"}
    auths = [c.request.headers.get("Authorization") for c in responses.calls if c.request.method == "GET"]
    assert auths == ["heat.example.com#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1#2"] * 2 + [
        "heat.example.com#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA2#2"]
    assert session.logins == 2


@responses.activate
def test_bad_session_credentials_are_an_authentication_error() -> None:
    responses.post(LOGIN, status=400, json={"code": "ISM_4000", "message": [
        "Tenant Not Found or wrong Password or OpenID not Configured Properly."]})
    backend = IsmBackend(_session(api_key=None, username="svc", password=SecretStr("wrong-pass")))
    with pytest.raises(AuthenticationError, match="GOLDHEAT_HEAT__USERNAME"):
        backend.find_customer("A1")


@responses.activate
def test_400_on_create_is_a_record_error_with_the_apis_message() -> None:
    responses.get(INCIDENTS, body="")
    responses.post(INCIDENTS, status=400, json={"code": "ISM_4000", "message": [
        "Required field Incident.Category value must be provided"]})
    from connectors.heat.base import TicketData
    with pytest.raises(RecordError, match="Incident.Category"):
        _backend().open_ticket(TicketData(REC, "Customer Support", "Order 1", "text", status="Active"))
    assert len(responses.calls) == 2


@responses.activate
def test_a_400_on_set_login_never_echoes_the_password() -> None:
    password = "Zq!8-secret-Pw"
    responses.patch(f"{EMPLOYEES}('{REC}')", status=400, json={"code": "ISM_4000", "message": [
        f"Password {password} does not meet the policy"]})
    with pytest.raises(RecordError) as caught:
        _backend().set_login(REC, "jdoe", SecretStr(password))
    assert password not in str(caught.value)
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {"LoginID": "jdoe", "IsInternalAuth": True, "InternalAuthPasswd": password,
                    "Status": "Active", "Disabled": False}


@responses.activate
def test_a_failing_create_is_tried_attempts_times_with_a_lookup_before_each_resend() -> None:
    """No retry nests inside the create's own loop: 4 POSTs, each after one lookup, then give up."""
    responses.get(EMPLOYEES, body="")
    responses.post(EMPLOYEES, status=502)
    backend = IsmBackend(IsmSession(requests.Session(), BASE, api_key=SecretStr(KEY),
                                    retry=RetrySettings(attempts=4, initial_wait_seconds=0), sleep=lambda s: None))
    with pytest.raises(RetriableError):
        backend.upsert_customer(CustomerData("A1", "Jane", "Doe", ""))
    assert [c.request.method for c in responses.calls] == ["GET", "POST"] + ["GET", "POST"] * 3


@responses.activate
def test_a_lookup_failing_inside_the_create_loop_is_not_retried_on_its_own() -> None:
    responses.get(EMPLOYEES, body="")
    responses.post(EMPLOYEES, status=503)
    responses.get(EMPLOYEES, status=503)
    backend = IsmBackend(IsmSession(requests.Session(), BASE, api_key=SecretStr(KEY),
                                    retry=RetrySettings(attempts=3, initial_wait_seconds=0), sleep=lambda s: None))
    with pytest.raises(RetriableError):
        backend.upsert_customer(CustomerData("A1", "Jane", "Doe", ""))
    assert backend.http_calls == 4  # GET, POST, then two tries that each fail at their lookup
