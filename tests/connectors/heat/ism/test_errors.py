"""Classifying ISM answers into the error tree; nothing of an error body's session data escapes."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest
import requests

from config.errors import (
    AuthenticationError,
    ConfigurationError,
    FatalError,
    RecordError,
    RetriableError,
)
from connectors.heat.ism import errors

NOW = dt.datetime(2026, 11, 29, 12, 0, 0, tzinfo=dt.timezone.utc)


def _body(code: str, *messages: str) -> str:
    return json.dumps({"code": code, "description": "Bad Request", "message": list(messages)})


@pytest.mark.parametrize(("status", "body", "kind"), [
    (200, "", None),
    (201, "{}", None),
    (400, _body("ISM_4000", "Required field Incident.Category value must be provided"), RecordError),
    (401, _body("ISM_4001", "Invalid Session key or Authentication token or Host"), AuthenticationError),
    (403, "", AuthenticationError),
    (404, _body("ISM_4004", "No service for the resource is registered"), ConfigurationError),
    (408, "", RetriableError),
    (429, "", RetriableError),
    (500, _body("ISM_5000", ""), FatalError),
    (502, "<html>bad gateway</html>", RetriableError),
    (503, "", RetriableError),
    (504, "", RetriableError),
    (300, "[]", FatalError),
])
def test_status_table(status: int, body: str, kind: type | None) -> None:
    error = errors.classify(status, body, {}, operation="op", key="K")
    assert (type(error) if error else None) is kind


def test_a_400_carries_the_apis_message_and_code() -> None:
    error = errors.classify(400, _body("ISM_4000", "Invalid key"), {}, operation="get", key="K")
    assert isinstance(error, RecordError)
    assert error.message == "Invalid key"
    assert (error.code, error.status, error.system, error.key) == ("ISM_4000", 400, "heat", "K")


def test_bad_login_is_an_authentication_error_saying_what_to_fix() -> None:
    body = _body("ISM_4000", "Tenant Not Found or wrong Password or OpenID not Configured Properly.")
    error = errors.classify(400, body, {}, operation="login", login=True)
    assert isinstance(error, AuthenticationError)
    assert "GOLDHEAT_HEAT__PASSWORD" in error.message


def test_401_on_an_api_key_says_which_setting() -> None:
    error = errors.classify(401, _body("ISM_4001", "x"), {}, operation="get")
    assert "GOLDHEAT_HEAT__API_KEY" in error.message


@pytest.mark.parametrize(("header", "seconds"), [
    ("7", 7.0), ("0", 0.0), ("1.5", 1.5), ("-3", 0.0),
    ("Sun, 29 Nov 2026 12:00:30 GMT", 30.0),
    ("Sun, 29 Nov 2026 11:59:00 GMT", 0.0),
    ("soon", None), ("", None), (None, None),
])
def test_retry_after_seconds_or_http_date(header: str | None, seconds: float | None) -> None:
    assert errors.retry_after(header, NOW) == seconds


def test_429_carries_retry_after() -> None:
    error = errors.classify(429, "", {"Retry-After": "Sun, 29 Nov 2026 12:00:05 GMT"}, operation="x", now=NOW)
    assert isinstance(error, RetriableError) and error.retry_after == 5.0


SESSION_BODY = json.dumps({"code": "ISM_5000", "description": "Internal Server Error", "message": [
    'Object reference not set. Context: {"SessionId":"S3SS10N","TenantId":"acme.saasit.com",'
    '"LoginId":"svc_goldheat","ClientIpAddress":"10.20.30.40","Hostname":"WEB-07",'
    '"ServiceName":"Frs Data Service"} auth rest_api_key=K3YK3YK3Y acme.saasit.com#ABCDEF0123456789ABCD#2']})
ESCAPED_BODY = json.dumps({"message": json.dumps({"SessionId": "S3SS10N", "LoginId": "svc_goldheat"})})
LEAKS = ["S3SS10N", "acme.saasit.com", "svc_goldheat", "10.20.30.40", "WEB-07", "Frs Data Service",
         "K3YK3YK3Y", "ABCDEF0123456789ABCD"]


@pytest.mark.parametrize("body", [SESSION_BODY, ESCAPED_BODY])
def test_5xx_session_data_never_reaches_the_exception(body: str) -> None:
    error = errors.classify(500, body, {}, operation="create", key="K")
    text = str(error) + repr(error.to_dict()) + repr(pickle.loads(pickle.dumps(error)).to_dict())
    for secret in LEAKS:
        assert secret not in text
    assert error.status == 500


def test_messages_are_truncated() -> None:
    error = errors.classify(400, _body("ISM_4000", "x" * 5000), {}, operation="o")
    assert len(error.message) <= errors.MESSAGE_LIMIT


def test_non_json_error_bodies_are_not_quoted() -> None:
    error = errors.classify(500, "<html>SessionId=abc WEB-07</html>", {}, operation="o")
    assert "WEB-07" not in str(error) and "html" not in str(error)


@pytest.mark.parametrize(("exc", "kind"), [
    (requests.ReadTimeout("read timed out"), RetriableError),
    (requests.ConnectTimeout("connect timed out"), RetriableError),
    (requests.ConnectionError("Connection reset by peer"), RetriableError),
    (requests.exceptions.ChunkedEncodingError("IncompleteRead"), RetriableError),
    (requests.exceptions.InvalidURL("bad"), FatalError),
])
def test_transport_failures(exc: Exception, kind: type) -> None:
    assert type(errors.classify_exception(exc, operation="o")) is kind


@pytest.mark.parametrize(("status", "body", "count"), [
    (200, "", 0),
    (200, "  \n", 0),
    (200, '{"value":"No instances found."}', 0),
    (200, '{"@odata.context":"x","@odata.count":1,"value":[{"RecId":"A"}]}', 1),
    (200, '{"@odata.count":0,"value":[]}', 0),
])
def test_rows_tolerate_isms_empty_answers(status: int, body: str, count: int) -> None:
    assert len(errors.rows(status, body, operation="o")) == count


@pytest.mark.parametrize(("status", "body"), [
    (204, ""), (200, '{"value":"Something went wrong"}'), (200, "<html>login</html>"), (200, '{"value":[1]}'),
])
def test_rows_refuse_answers_that_would_read_as_absent(status: int, body: str) -> None:
    with pytest.raises(FatalError):
        errors.rows(status, body, operation="o")


def test_record_tolerates_an_empty_body() -> None:
    assert errors.record(200, "", operation="o") == {}
    assert errors.record(201, '{"RecId":"A"}', operation="o") == {"RecId": "A"}
